"""Assignment of specialists, their independent opinions, the panel's consolidation, follow-up
questions and the patient's rating."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consilium.accounts.models import SpecialistProfile
from consilium.cases.models import Case
from consilium.core.models import BaseModel


class Assessment(models.TextChoices):
    """How the second opinion relates to the diagnosis the patient came with: the three
    categories of the published second-opinion studies (e.g. Van Such et al., Mayo Clinic 2017:
    confirmed, refined or redefined, distinctly changed)."""

    CONFIRMED = "confirmed", _("Confirmed: the diagnosis is right as it stands")
    REFINED = "refined", _("Refined: the diagnosis is right but made more precise")
    CHANGED = "changed", _("Changed: the diagnosis is different")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine: act within the usual time")
    SOON = "soon", _("Soon: act within two weeks")
    URGENT = "urgent", _("Urgent: act now")


class TrialAdvice(models.TextChoices):
    NO = "no", _("Not needed now")
    CONSIDER = "consider", _("Worth asking about")
    YES = "yes", _("Worth exploring now")


class AgreementLevel(models.TextChoices):
    UNANIMOUS = "unanimous", _("All specialists agree")
    MAJORITY = "majority", _("Most specialists agree")
    DIVIDED = "divided", _("The specialists differ")


class Review(BaseModel):
    """The review side of one case: its pseudonymous code, the panel's size and lead, and what
    the final opinion concluded (for the dashboard)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="review")
    # What specialists see instead of the patient's name or the case reference (blind mode).
    code = models.CharField(max_length=12, unique=True)
    panel_size = models.PositiveSmallIntegerField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    final_assessment = models.CharField(max_length=12, choices=Assessment.choices, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(panel_size__gte=1, panel_size__lte=7), name="review_panel_size"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_panel(self) -> bool:
        return self.panel_size > 1


class AssignmentStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Not answered in time")
    WITHDRAWN = "withdrawn", _("Withdrawn by the coordinator")


# A seat that still holds a specialist: offered and not yet answered, or accepted.
ACTIVE_ASSIGNMENT = (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)


class Assignment(BaseModel):
    """A case offered to one specialist. `position` numbers the panel's seats ("Specialist 1")
    so the patient's view stays the same when a seat is reassigned."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assignments")
    specialist = models.ForeignKey(
        SpecialistProfile, on_delete=models.PROTECT, related_name="assignments"
    )
    position = models.PositiveSmallIntegerField()
    is_lead = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.OFFERED,
        db_index=True,
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    respond_by = models.DateTimeField(db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    # Why the system proposed this specialist (shown to the coordinator, kept for the record).
    rank_reason = models.CharField(max_length=300, blank=True)
    chosen_by_patient = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "specialist"],
                condition=models.Q(status__in=list(ACTIVE_ASSIGNMENT)),
                name="one_active_assignment_per_specialist",
            ),
            models.UniqueConstraint(
                fields=["review", "position"],
                condition=models.Q(status__in=list(ACTIVE_ASSIGNMENT)),
                name="one_active_assignment_per_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · seat {self.position} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT


class OpinionContent(models.Model):
    """The sections of a structured opinion; an individual opinion and a panel's consolidated
    opinion have the same shape, so the report and the side-by-side view treat them alike."""

    assessment = models.CharField(
        _("the diagnosis"), max_length=12, choices=Assessment.choices, blank=True
    )
    assessment_explanation = models.TextField(_("why"), blank=True)
    stage_or_severity = models.TextField(_("stage or severity"), blank=True)
    recommended_treatment = models.TextField(_("recommended treatment"), blank=True)
    alternatives = models.TextField(_("alternatives and their trade-offs"), blank=True)
    further_investigations = models.TextField(_("further investigations recommended"), blank=True)
    clinical_trial = models.CharField(
        _("clinical trial"), max_length=12, choices=TrialAdvice.choices, blank=True
    )
    clinical_trial_note = models.TextField(_("about trials"), blank=True)
    lifestyle_advice = models.TextField(_("lifestyle and preventive advice"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True)
    patient_summary = models.TextField(_("summary for the patient, in plain words"), blank=True)
    # The answer to each of the patient's questions, keyed by the question's position ("1", "2").
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class OpinionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Opinion(BaseModel, OpinionContent):
    """One specialist's independent opinion. Drafts save as they are typed; submitting locks it."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="opinion")
    status = models.CharField(
        max_length=12, choices=OpinionStatus.choices, default=OpinionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"opinion of {self.assignment}"


class Consolidation(BaseModel, OpinionContent):
    """The panel's one opinion, written by the lead (or a coordinator) from the members'
    independent opinions, with the level of agreement recorded per section and overall."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="consolidation")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.CharField(
        _("level of agreement"), max_length=12, choices=AgreementLevel.choices, blank=True
    )
    agreement_note = models.TextField(_("where the specialists differ"), blank=True)
    # {section name: "agree" | "partly" | "differ"}, proposed from the opinions, set by the lead.
    section_agreement = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=OpinionStatus.choices, default=OpinionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"consolidation of {self.review}"


class FollowUp(BaseModel):
    """A question the patient asks after the report; its answer becomes a signed addendum."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="follow_ups")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("your question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"follow-up on {self.review}"


class Rating(BaseModel):
    """How the patient rated the service, once per case."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="rating")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(_("anything you want to tell us"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.review}"


class SpecialistChoice(BaseModel):
    """In the `patient` doctor-choice mode: a specialist the patient picked during intake, for
    the coordinator to confirm."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="specialist_choices")
    specialist = models.ForeignKey(
        SpecialistProfile, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "specialist"], name="choice_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.specialist}"


