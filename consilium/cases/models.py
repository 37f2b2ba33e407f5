from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consilium.core.models import BaseModel
from consilium.patients.models import Patient, Relationship


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    TRIAGE = "triage", _("Waiting for triage")
    AWAITING_INFO = "awaiting_info", _("Information requested")
    READY = "ready", _("Ready for assignment")
    ASSIGNED = "assigned", _("With specialists")
    IN_REVIEW = "in_review", _("Under review")
    CONSOLIDATION = "consolidation", _("Panel consolidation")
    REPORTED = "reported", _("Opinion delivered")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class MedicalArea(models.TextChoices):
    CANCER = "cancer", _("Cancer")
    HEART = "heart", _("Heart")
    BRAIN_NERVES = "brain_nerves", _("Brain, spine and nerves")
    BONES_JOINTS = "bones_joints", _("Bones and joints")
    HORMONES = "hormones", _("Diabetes, thyroid and hormones")
    DIGESTIVE = "digestive", _("Stomach, liver and digestion")
    OTHER = "other", _("Something else")


class SecondOpinionReason(models.TextChoices):
    REASSURANCE = "reassurance", _("I want reassurance that the diagnosis and plan are right")
    OPTIONS = "options", _("I need help choosing between treatment options")
    QUESTIONS = "questions", _("I have questions my doctors have not answered")
    FIND_DOCTOR = "find_doctor", _("I want to find the right doctor or hospital")
    INSURER = "insurer", _("My insurer or employer asks for one")
    REFERRED = "referred", _("My own doctor referred me")


class ReviewType(models.TextChoices):
    SINGLE = "single", _("One specialist")
    DOUBLE = "double", _("Two specialists")
    BOARD = "board", _("A board of three or more specialists")
    PLATFORM = "platform", _("Let the platform choose")


class IntakeStep(models.TextChoices):
    PATIENT = "patient", _("About the patient")
    CONDITION = "condition", _("The condition")
    HISTORY = "history", _("History and treatment")
    QUESTIONS = "questions", _("Your questions")
    DOCUMENTS = "documents", _("Reports")
    CONSENT = "consent", _("Consent")
    PAYMENT = "payment", _("Review type and payment")
    SUBMIT = "submit", _("Check and submit")


class Case(BaseModel):
    """One request for a second opinion about one patient."""

    reference = models.CharField(max_length=20, unique=True)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_created"
    )
    status = models.CharField(
        max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT, db_index=True
    )
    intake_step = models.CharField(
        max_length=16, choices=IntakeStep.choices, default=IntakeStep.PATIENT
    )
    requester_relationship = models.CharField(
        _("who is asking"), max_length=16, choices=Relationship.choices, default=Relationship.SELF
    )
    medical_area = models.CharField(
        _("medical area"), max_length=16, choices=MedicalArea.choices, blank=True
    )
    diagnosis_so_far = models.TextField(_("diagnosis so far"), blank=True)
    reasons = models.JSONField(_("why a second opinion"), default=list, blank=True)
    symptoms = models.TextField(_("symptoms"), blank=True)
    symptom_timeline = models.TextField(_("when did it start and how has it changed"), blank=True)
    allergies = models.TextField(_("allergies"), blank=True)
    current_medicines = models.TextField(_("current medicines"), blank=True)
    past_history = models.TextField(_("past illnesses and operations"), blank=True)
    treatment_so_far = models.TextField(_("treatment so far"), blank=True)
    treatment_planned = models.TextField(_("treatment planned"), blank=True)
    treating_doctor = models.CharField(_("treating doctor's name"), max_length=200, blank=True)
    treating_hospital = models.CharField(_("treating hospital"), max_length=200, blank=True)
    review_type = models.CharField(
        _("review type"), max_length=16, choices=ReviewType.choices, blank=True
    )
    is_urgent = models.BooleanField(default=False, db_index=True)
    red_flags = models.JSONField(default=list, blank=True)
    # The boxes ticked under "Right now, does the patient have any of these?" (including "none"),
    # kept apart from `red_flags` so the form shows exactly what the patient answered.
    red_flag_answers = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"public_id": self.public_id})


class CaseQuestion(BaseModel):
    """A question the patient wants the specialists to answer (at most 10 per case)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="case_question_position")
        ]

    def __str__(self) -> str:
        return f"Q{self.position}"


class CaseTransition(models.Model):
    """A row per status change: the case's history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
