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


# The case's fields that the history-and-treatment step fills (its form, its save and its
# progress check read this one list).
HISTORY_FIELDS: tuple[str, ...] = (
    "allergies",
    "current_medicines",
    "past_history",
    "treatment_so_far",
    "treatment_planned",
    "treating_doctor",
    "treating_hospital",
)


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

    def holder_language(self) -> str:
        """The language the account holder reads (emails to them are written in it)."""
        return getattr(self.patient.holder, "preferred_language", "") or "en"

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


class InformationRequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the patient")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Withdrawn")


class InformationRequest(BaseModel):
    """A coordinator or specialist asks the patient for something missing. While one is open the
    case waits on the patient (status "information requested") and the turnaround clock is
    paused; answering returns the case to the status it had (`resume_status`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("what we need and why"))
    # Document categories (documents.DocumentCategory values) the patient is asked to upload.
    wanted = models.JSONField(_("reports wanted"), default=list, blank=True)
    resume_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    status = models.CharField(
        max_length=16,
        choices=InformationRequestStatus.choices,
        default=InformationRequestStatus.OPEN,
        db_index=True,
    )
    answer = models.TextField(_("your answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open request at a time: the patient answers one clear list.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="open"),
                name="one_open_information_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.status})"


class Turnaround(models.Model):
    """The case's review clock. It starts when specialists are first assigned, runs towards a
    target and a limit, pauses while the case waits on the patient (both deadlines move on by the
    pause), and stops when the opinion is delivered. The scheduler sweeps these rows, so reminders,
    escalations and refunds survive restarts; each step is claimed by setting its timestamp with a
    conditional UPDATE, so it happens once."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="turnaround")
    started_at = models.DateTimeField()
    target_at = models.DateTimeField(db_index=True)
    limit_at = models.DateTimeField(db_index=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(limit_at__gte=models.F("target_at")),
                name="turnaround_limit_after_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} clock"

    @property
    def is_running(self) -> bool:
        return self.paused_at is None and self.stopped_at is None
