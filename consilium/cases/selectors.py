"""Every read of a case that depends on who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases import intake
from consilium.cases.actions import CaseAction
from consilium.cases.models import (
    HISTORY_FIELDS,
    Case,
    CaseQuestion,
    CaseStatus,
    CaseTransition,
    InformationRequest,
    InformationRequestStatus,
    IntakeStep,
)
from consilium.cases.workflow import COORDINATOR_CANCELLABLE, PATIENT_CANCELLABLE, UPLOADABLE
from consilium.core.pagination import ListPage, list_page
from consilium.patients.models import Patient
from consilium.patients.selectors import patients_of


def cases_visible_to(*, user: User | AnonymousUser) -> QuerySet[Case]:
    """Coordinators and admins see every submitted case; an account holder sees the cases of the
    patients they hold; specialists see none here (the review work gives them assigned cases
    through their own selector, de-identified)."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_coordinator:
        return Case.objects.exclude(status=CaseStatus.DRAFT)
    if user.is_specialist:
        return Case.objects.none()
    return Case.objects.filter(patient__in=patients_of(user=user))


def _case_visible(*, user: User, public_id: UUID | str) -> Case:
    try:
        return cases_visible_to(user=user).select_related("patient").get(public_id=public_id)
    except (Case.DoesNotExist, ValueError):
        raise Http404 from None


def case_get(
    *, user: User, public_id: UUID | str, action: StrEnum = CaseAction.VIEW,
    holder_only: bool = False,
) -> Case:
    """One case the user may see (with `holder_only`, only its account holder), or 404 (never
    403: we do not confirm that it exists). Writes an audit event for the read, once the read
    is allowed."""
    case = _case_visible(user=user, public_id=public_id)
    if holder_only and case.patient.holder_id != user.pk:
        raise Http404
    record(actor=user, action=action, target=case)
    return case


def case_get_editable(
    *, user: User, public_id: UUID | str, action: StrEnum = CaseAction.VIEW
) -> Case:
    """A case its holder may still change: a draft that belongs to one of their patients.
    Audited like `case_get`, and only when allowed."""
    case = _case_visible(user=user, public_id=public_id)
    if case.status != CaseStatus.DRAFT or case.patient.holder_id != user.pk:
        raise Http404
    record(actor=user, action=action, target=case)
    return case




def case_get_uploadable(*, user: User, public_id: UUID | str, action: StrEnum) -> Case:
    """A case its holder may add reports to: a draft, or one waiting on their information.
    Audited like `case_get`, and only when allowed."""
    case = _case_visible(user=user, public_id=public_id)
    if case.status not in UPLOADABLE or case.patient.holder_id != user.pk:
        raise Http404
    record(actor=user, action=action, target=case)
    return case


def information_request_of(*, case: Case, public_id: UUID | str) -> InformationRequest:
    """One information request of a case the caller may already see, or 404."""
    try:
        return case.information_requests.select_related("requested_by").get(public_id=public_id)
    except (InformationRequest.DoesNotExist, ValueError):
        raise Http404 from None


def case_may_cancel(*, case: Case, user: User | AnonymousUser) -> bool:
    """Whether `user` may cancel `case`: its account holder before specialists are assigned (a
    draft, a case waiting for triage, or one waiting on their answer during triage); a
    coordinator any submitted case not yet reported."""
    if not user.is_authenticated:
        return False
    if user.is_coordinator:
        return case.status in COORDINATOR_CANCELLABLE
    if case.patient.holder_id != user.pk or case.status not in PATIENT_CANCELLABLE:
        return False
    if case.status == CaseStatus.AWAITING_INFO:
        # Waiting on the patient: cancellable only if the request was asked during triage.
        return not case.information_requests.filter(
            status=InformationRequestStatus.OPEN
        ).exclude(resume_status=CaseStatus.TRIAGE).exists()
    return True


# --- Intake progress ---------------------------------------------------------------------------

STEP_ORDER: tuple[str, ...] = tuple(IntakeStep.values)
# The steps this app's intake form owns; the others belong to documents, consent and billing.
FORM_STEPS: tuple[str, ...] = (
    IntakeStep.PATIENT,
    IntakeStep.CONDITION,
    IntakeStep.HISTORY,
    IntakeStep.QUESTIONS,
)


def step_url(*, case: Case, step: str) -> str | None:
    """Where the patient fills in `step`; None while the app that owns it has no page yet."""
    try:
        if step in FORM_STEPS:
            return reverse("cases:intake", kwargs={"public_id": case.public_id, "step": step})
        if step == IntakeStep.SUBMIT:
            return reverse("cases:submit", kwargs={"public_id": case.public_id})
        external = intake.external_step(step)
        if external is None:
            return None
        return reverse(external.route, kwargs={"public_id": case.public_id})
    except NoReverseMatch:
        return None


def with_progress(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Adds what the steps outside the form need (questions, and each step another app
    registered: reports, consent, payment) as EXISTS subqueries, so a list of cases costs one
    query whatever its length."""
    case = OuterRef("pk")
    return queryset.annotate(
        has_questions=Exists(CaseQuestion.objects.filter(case=case)),
        **{step.annotation: step.done_exists(case) for step in intake.external_steps()},
    )


def _progress_of(case: Case) -> dict[str, bool]:
    if not hasattr(case, "has_questions"):
        case = with_progress(Case.objects.filter(pk=case.pk).select_related("patient")).get()
    patient = case.patient
    reached = STEP_ORDER.index(case.intake_step)
    done: dict[str, bool] = {
        IntakeStep.PATIENT: bool(patient.full_name and patient.date_of_birth and patient.sex),
        IntakeStep.CONDITION: bool(
            case.medical_area and (case.diagnosis_so_far.strip() or case.symptoms.strip())
        ),
        IntakeStep.HISTORY: reached > STEP_ORDER.index(IntakeStep.HISTORY)
        or any(getattr(case, name) for name in HISTORY_FIELDS),
        IntakeStep.QUESTIONS: bool(case.has_questions),  # type: ignore[attr-defined]
        IntakeStep.SUBMIT: case.status != CaseStatus.DRAFT,
    }
    for step in intake.EXTERNAL_STEPS:
        registered = intake.external_step(step)
        done[step] = bool(registered and getattr(case, registered.annotation, False))
    return done


SHORT_LABELS = {
    IntakeStep.PATIENT: gettext_lazy("Patient"),
    IntakeStep.CONDITION: gettext_lazy("Condition"),
    IntakeStep.HISTORY: gettext_lazy("History"),
    IntakeStep.QUESTIONS: gettext_lazy("Questions"),
    IntakeStep.DOCUMENTS: gettext_lazy("Reports"),
    IntakeStep.CONSENT: gettext_lazy("Consent"),
    IntakeStep.PAYMENT: gettext_lazy("Review and payment"),
    IntakeStep.SUBMIT: gettext_lazy("Submit"),
}


@dataclass(frozen=True)
class StepState:
    key: str
    label: str
    url: str | None
    done: bool

    @property
    def short_label(self) -> str:
        return str(SHORT_LABELS[IntakeStep(self.key)])


def case_steps(*, case: Case) -> list[StepState]:
    """The eight steps of the request with where each is filled in and whether it is done.
    Costs at most one query (none when `case` comes from `with_progress`)."""
    done = _progress_of(case)
    return [
        StepState(key=step, label=str(label), url=step_url(case=case, step=step), done=done[step])
        for step, label in IntakeStep.choices
    ]


def case_next_step(*, case: Case) -> StepState:
    """The first step not yet done (the submit step when everything else is)."""
    steps = case_steps(case=case)
    return next((s for s in steps if not s.done and s.url), steps[-1])


# --- Submit checks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something missing before a case can be submitted, with where to fix it."""

    step: str
    message: str
    url: str | None


def case_submit_problems(*, case: Case, user: User) -> list[Problem]:
    """Everything that stops this draft from being submitted, one clear message per item (the
    steps other apps own say what is missing through their registered check)."""
    patient = case.patient
    checks: list[tuple[bool, str, str | Promise]] = [
        (bool(patient.full_name.strip()), IntakeStep.PATIENT, _("Add the patient's full name.")),
        (patient.date_of_birth is not None, IntakeStep.PATIENT,
         _("Add the patient's date of birth.")),
        (bool(patient.sex), IntakeStep.PATIENT, _("Tell us the patient's sex.")),
        (bool(case.medical_area), IntakeStep.CONDITION,
         _("Choose the medical area the question is about.")),
        (bool(case.diagnosis_so_far.strip() or case.symptoms.strip()), IntakeStep.CONDITION,
         _("Describe the diagnosis so far or the symptoms.")),
        (case.questions.exists(), IntakeStep.QUESTIONS,
         _("Write at least one question for the specialists.")),
        *((step.is_done(case), step.step, step.message) for step in intake.external_steps()),
    ]
    problems = [
        Problem(step=step, message=str(message), url=step_url(case=case, step=step))
        for ok, step, message in checks
        if not ok
    ]
    if not getattr(user, "email_verified", False):
        try:
            url: str | None = reverse("accounts:settings")
        except NoReverseMatch:
            url = None
        problems.append(
            Problem(
                step="email",
                message=str(_("Confirm your email address with the link we sent you.")),
                url=url,
            )
        )
    return problems


# --- Lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifetimeRecord:
    """One page of the account's cases, newest first within each patient, grouped by patient;
    the first page also lists the patients who have no case yet."""

    sections: list[tuple[Patient, list[Case]]]
    page: ListPage[Case]


def lifetime_record(*, user: User, page: object = 1) -> LifetimeRecord:
    """The account's patients and a page of their cases, ready for `case_next_step`. Two queries
    whatever the number of patients and cases; one audit event."""
    from django.db.models import Count

    patients: list[Patient] = list(patients_of(user=user).annotate(case_count=Count("cases")))
    if not patients:
        nothing: list[Case] = []
        return LifetimeRecord(sections=[], page=list_page(nothing, page=page))
    order = {p.pk: i for i, p in enumerate(patients)}
    # Cases in the patients' own order (by name), then newest first: one page may hold the end
    # of one patient's cases and the start of the next one's.
    current = list_page(
        with_progress(Case.objects.filter(patient__in=patients)).order_by(
            "patient__full_name", "patient_id", "-created_at", "-id"
        ),
        page=page,
    )
    by_patient: dict[int, list[Case]] = {}
    for case in current:
        by_patient.setdefault(case.patient_id, []).append(case)
        case.patient = patients[order[case.patient_id]]
    sections = [
        (p, by_patient.get(p.pk, []))
        for p in patients
        if p.pk in by_patient or (current.number == 1 and not getattr(p, "case_count", 0))
    ]
    record(actor=user, action=CaseAction.LIST, target=user, detail={"patients": len(patients)})
    return LifetimeRecord(sections=sections, page=current)


@dataclass(frozen=True)
class TriageQueue:
    """One page of each section of the queue; each section's `total` counts the whole of it."""

    triage: ListPage[Case]
    awaiting_info: ListPage[Case]


def triage_queue(
    *, user: User | AnonymousUser, triage_page: object = 1, awaiting_page: object = 1
) -> TriageQueue:
    """Cases waiting on a coordinator, urgent first and then oldest submitted, a page of each
    section at a time; 404 for anyone else. Three queries whatever the queue's length (the
    sections' sizes, then a page of each, with their patient, clock and number of reports) and
    one audit event."""
    from django.db.models import Count

    if not (user.is_authenticated and user.is_coordinator):
        raise Http404
    waiting = cases_visible_to(user=user).filter(
        status__in=[CaseStatus.TRIAGE, CaseStatus.AWAITING_INFO]
    )
    totals = dict(
        waiting.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    # The number of reports as a correlated subquery: a GROUP BY over every selected column of
    # three tables cost more to compile and run than the rest of the page's queries.
    documents = (
        Case.objects.filter(pk=OuterRef("pk")).order_by().values("pk")
        .annotate(n=Count("documents")).values("n")
    )
    rows = (
        waiting.select_related("patient", "turnaround")
        .annotate(document_count=Subquery(documents))
        .order_by("-is_urgent", F("submitted_at").asc(nulls_last=True), "id")
    )
    queue = TriageQueue(
        triage=list_page(rows.filter(status=CaseStatus.TRIAGE), page=triage_page,
                         total=totals.get(CaseStatus.TRIAGE, 0)),
        awaiting_info=list_page(rows.filter(status=CaseStatus.AWAITING_INFO),
                                page=awaiting_page, param="waiting",
                                total=totals.get(CaseStatus.AWAITING_INFO, 0)),
    )
    record(actor=user, action=CaseAction.TRIAGE_QUEUE, target=user,
           detail={"count": sum(totals.values())})
    return queue


def case_history(*, case: Case) -> QuerySet[CaseTransition]:
    """The status changes of a case the caller has already been allowed to see."""
    return case.transitions.select_related("actor").order_by("at", "id")
