"""Every read of review data that depends on who is asking. Specialists reach a case only
through their own assignment, and only de-identified."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.billing.selectors import case_paid_payment
from consilium.cases.models import (
    Case,
    CaseStatus,
    InformationRequest,
    InformationRequestStatus,
    Turnaround,
)
from consilium.cases.workflow import ASKABLE, ASSIGNABLE, DELIVERED, REVIEW_STATUSES
from consilium.core.pagination import ListPage, list_page
from consilium.documents.selectors import documents_released
from consilium.insights.identity import date_anchor_for
from consilium.insights.selectors import case_summary_for_specialist
from consilium.review import hooks as review_hooks
from consilium.review.actions import ReviewAction
from consilium.review.deidentified import (
    DeidentifiedCase,
    deidentify_case,
    known_identity_for,
    redact_text,
)
from consilium.review.matching import propose_panel, rank_specialists
from consilium.review.models import (
    ACTIVE_ASSIGNMENT,
    Assessment,
    Assignment,
    AssignmentStatus,
    Consolidation,
    FollowUp,
    Opinion,
    OpinionStatus,
    Rating,
    Review,
)
from consilium.review.panels import panel_size_default


def _profile_id(user: User | AnonymousUser) -> int | None:
    if not (user.is_authenticated and user.is_specialist):
        return None
    profile = getattr(user, "specialist_profile", None)
    return profile.pk if profile is not None else None


def identity_mode() -> str:
    return "open" if settings.IDENTITY_MODE == "open" else "blind"


# --- Specialists --------------------------------------------------------------------------------


def assignments_of(*, user: User) -> QuerySet[Assignment]:
    """The assignments of the signed-in specialist; none for anyone else."""
    profile_id = _profile_id(user)
    if profile_id is None:
        return Assignment.objects.none()
    return Assignment.objects.filter(specialist_id=profile_id)


def specialist_is_on_case(*, user: User, case: Case) -> bool:
    """True when the user has accepted this case (they may ask the patient for information)."""
    return (
        assignments_of(user=user)
        .filter(review__case=case, status=AssignmentStatus.ACCEPTED)
        .exists()
    )


def review_url_for_specialist(*, user: User, case: Case) -> str:
    assignment = (
        assignments_of(user=user).filter(review__case=case).order_by("-created_at").first()
    )
    if assignment is None:
        return reverse("review:inbox")
    return reverse("review:assignment", kwargs={"public_id": assignment.public_id})


@dataclass
class Inbox:
    """A page of each of the specialist's lists (each paged by its own query parameter)."""

    offered: ListPage[Assignment]
    active: ListPage[Assignment]
    follow_ups: ListPage[FollowUp]
    done: ListPage[Assignment]


def specialist_inbox(*, user: User, pages: Mapping[str, object] | None = None) -> Inbox:
    """Offered and active cases with their deadlines (the nearest first), follow-up questions
    waiting for this specialist, and finished or declined ones (the latest first), a page of
    each. Five queries whatever the number of cases."""
    if _profile_id(user) is None:
        raise Http404
    pages = pages or {}
    mine = assignments_of(user=user).select_related(
        "review__case", "review__case__turnaround", "opinion"
    )
    accepted = Q(status=AssignmentStatus.ACCEPTED)
    in_review = accepted & Q(review__case__status__in=REVIEW_STATUSES)
    offered = list_page(
        mine.filter(status=AssignmentStatus.OFFERED).order_by("respond_by", "id"),
        page=pages.get("offered"), param="offered",
    )
    active = list_page(
        mine.filter(in_review).order_by(
            Coalesce("review__case__turnaround__target_at", "respond_by"), "id"
        ),
        page=pages.get("page"),
    )
    done = list_page(
        mine.exclude(status__in=[AssignmentStatus.WITHDRAWN, AssignmentStatus.OFFERED])
        .exclude(in_review)
        .order_by("-respond_by", "-id"),
        page=pages.get("done"), param="done",
    )
    follow_ups = list_page(
        FollowUp.objects.filter(
            review__assignments__in=assignments_of(user=user).filter(accepted, is_lead=True),
            answered_at__isnull=True,
        )
        .select_related("review")
        .order_by("created_at", "id"),
        page=pages.get("questions"), param="questions",
    )
    record(actor=user, action=ReviewAction.REVIEW_INBOX, target=user,
           detail={"count": len(offered) + len(active)})
    return Inbox(offered=offered, active=active, follow_ups=follow_ups, done=done)


def _turnaround(case: Case) -> Turnaround | None:
    try:
        return case.turnaround
    except Turnaround.DoesNotExist:
        return None


def assignment_get(*, user: User, public_id: UUID | str, action: StrEnum) -> Assignment:
    """One of the specialist's own assignments (offered, accepted or finished), or 404. Writes an
    audit event."""
    try:
        assignment = (
            assignments_of(user=user)
            .exclude(status=AssignmentStatus.WITHDRAWN)
            .select_related("review__case__patient__holder", "specialist__user")
            .get(public_id=public_id)
        )
    except (Assignment.DoesNotExist, ValueError):
        raise Http404 from None
    record(actor=user, action=action, target=assignment.review.case,
           detail={"assignment": str(assignment.public_id)})
    return assignment


@dataclass
class Proposal:
    """What the assignment page shows: the ranked specialists, the seats and the proposal."""

    review: Review | None
    active: list[Assignment]
    candidates: list[Any]
    panel_size: int | None
    open_seats: int | None
    proposed: list[int]


def case_ranking(*, case: Case, review: Review | None) -> tuple[list[Assignment], list[Any]]:
    """The seats held now and every verified specialist ranked for the case: those holding or
    having refused a seat, the treating doctor and anyone unavailable marked ineligible."""
    active = list(review.assignments.filter(status__in=ACTIVE_ASSIGNMENT)) if review else []
    candidates = rank_specialists(
        case=case,
        exclude=[a.specialist_id for a in active],
        chosen=list(case.specialist_choices.values_list("specialist", flat=True)),
        language=case.patient.holder.preferred_language,
        earlier=earlier_offers(review=review),
    )
    return active, candidates


def earlier_offers(*, review: Review | None) -> dict[int, str]:
    """Specialists whose earlier offer of this case ended (declined, lapsed, withdrawn)."""
    if review is None:
        return {}
    return dict(
        review.assignments.exclude(status__in=ACTIVE_ASSIGNMENT)
        .order_by("created_at")
        .values_list("specialist_id", "status")
    )


def assignment_proposal(*, case: Case) -> Proposal:
    """The ranked proposals for the open seats of a case (the caller checked it may see it)."""
    review = Review.objects.filter(case=case).first()
    active, candidates = case_ranking(case=case, review=review)
    size = review.panel_size if review else panel_size_default(review_type=case.review_type)
    open_seats = (size - len(active)) if size else None
    proposed = propose_panel(candidates=candidates, seats=open_seats or 1)
    return Proposal(review=review, active=active, candidates=candidates, panel_size=size,
                    open_seats=open_seats, proposed=[c.profile.pk for c in proposed])


def seat_get(*, user: User, public_id: UUID | str, action: StrEnum) -> Assignment:
    """A seat (assignment) a coordinator acts on, or 404 for anyone else; audited on its case."""
    if not user.is_coordinator:
        raise Http404
    try:
        seat = Assignment.objects.select_related("review__case", "specialist__user").get(
            public_id=public_id
        )
    except (Assignment.DoesNotExist, ValueError):
        raise Http404 from None
    record(actor=user, action=action, target=seat.review.case,
           detail={"assignment": str(seat.public_id)})
    return seat


@dataclass(frozen=True)
class AnsweredRequest:
    message: str
    answer: str  # de-identified: the patient may sign with their name
    answered_at: Any


@dataclass
class SpecialistCaseView:
    assignment: Assignment
    case: DeidentifiedCase
    documents: list[Any]
    summary: Any
    opinion: Opinion | None
    turnaround: Turnaround | None
    open_request: InformationRequest | None
    answered: list[AnsweredRequest]


def seat_opinion(*, assignment: Assignment) -> Opinion | None:
    """The opinion of an accepted seat (accepting creates it), or None when the seat has none to
    edit (offered, declined, expired): the assignment page then says why."""
    if assignment.status != AssignmentStatus.ACCEPTED:
        return None
    return Opinion.objects.filter(assignment=assignment).first()


def specialist_case_view(*, user: User, assignment: Assignment) -> SpecialistCaseView:
    """The de-identified case for one of the user's assignments: only released renditions of
    documents, the approved summary, never the patient's name, contacts or identifiers."""
    if assignment.specialist.user_id != user.pk:
        raise Http404
    case = assignment.review.case
    summary = case_summary_for_specialist(case=case)

    requests = list(case.information_requests.order_by("-created_at"))
    opinion = Opinion.objects.filter(assignment=assignment).first()
    known = known_identity_for(case=case)
    anchor = date_anchor_for(case=case)
    record(actor=user, action=ReviewAction.CASE_VIEW_DEIDENTIFIED, target=case,
           detail={"assignment": str(assignment.public_id)})
    return SpecialistCaseView(
        assignment=assignment,
        case=deidentify_case(case=case, code=assignment.review.code, today=timezone.localdate()),
        documents=documents_released(case=case),
        summary=summary,
        opinion=opinion,
        turnaround=_turnaround(case),
        open_request=next((r for r in requests if r.status == InformationRequestStatus.OPEN), None),
        answered=[
            AnsweredRequest(message=redact_text(r.message, known=known, anchor=anchor),
                            answer=redact_text(r.answer, known=known, anchor=anchor),
                            answered_at=r.answered_at)
            for r in requests
            if r.status == InformationRequestStatus.ANSWERED
        ],
    )


def released_document_get(*, user: User, assignment: Assignment, public_id: UUID | str) -> Any:
    """A released document of the assignment's case (its rendition only), or 404."""
    if assignment.status != AssignmentStatus.ACCEPTED or assignment.specialist.user_id != user.pk:
        raise Http404
    for document in documents_released(case=assignment.review.case):
        if str(document.public_id) == str(public_id):
            record(actor=user, action=ReviewAction.DOCUMENT_VIEW_RENDITION, target=document,
                   detail={"assignment": str(assignment.public_id)})
            return document
    raise Http404


# --- Panels -------------------------------------------------------------------------------------

SECTIONS: tuple[tuple[str, str], ...] = (
    ("assessment", "assessment_explanation"),
    ("stage_or_severity", ""),
    ("recommended_treatment", ""),
    ("alternatives", ""),
    ("further_investigations", ""),
    ("clinical_trial", "clinical_trial_note"),
    ("lifestyle_advice", ""),
    ("urgency", ""),
    ("patient_summary", ""),
)
CHOICE_SECTIONS = frozenset({"assessment", "clinical_trial", "urgency"})


def _similar(texts: list[str]) -> float:
    """Word overlap (Jaccard) between the least similar pair: a hint for the lead, not a verdict."""
    sets = [set(t.lower().split()) for t in texts if t.strip()]
    if len(sets) < 2:
        return 1.0
    scores = []
    for i, a in enumerate(sets):
        for b in sets[i + 1 :]:
            scores.append(len(a & b) / max(1, len(a | b)))
    return min(scores)


def opinion_display(*, content: Any, questions: list[Any]) -> list[tuple[str, str]]:
    """An opinion's sections as the reader sees them: choices in words, each with its note."""
    rows = [(section_label(name), section_text(content, name, note)) for name, note in SECTIONS]
    for question in questions:
        rows.append((f"{question.position}. {question.text}",
                     str(content.answers.get(str(question.position), ""))))
    return rows


def section_text(content: Any, name: str, note: str = "") -> str:
    """One section of an opinion in words: a choice by its label, then its note if any."""
    value = getattr(content, name)
    display = getattr(content, f"get_{name}_display", None)
    text = str(display()) if display and value else str(value or "")
    if note and getattr(content, note):
        text = f"{text}\n{getattr(content, note)}"
    return text.strip()


def section_label(name: str) -> str:
    """The printed title of an opinion section, from the model field's verbose name."""
    return str(getattr(Opinion._meta.get_field(name), "verbose_name", name)).capitalize()


def section_agreement(*, opinions: list[Opinion]) -> dict[str, str]:
    """A proposal per section: choices agree when identical; texts "agree" when their words
    overlap a lot, "partly" when some, "differ" otherwise. The lead confirms or changes it."""
    proposal: dict[str, str] = {}
    for name, _note in SECTIONS:
        values = [str(getattr(o, name) or "") for o in opinions]
        if name in CHOICE_SECTIONS:
            distinct = {v for v in values if v}
            proposal[name] = "agree" if len(distinct) <= 1 else (
                "partly" if len(distinct) < len(values) else "differ"
            )
        else:
            score = _similar(values)
            proposal[name] = "agree" if score >= 0.5 else ("partly" if score >= 0.2 else "differ")
    return proposal


@dataclass
class PanelView:
    review: Review
    case: DeidentifiedCase
    opinions: list[tuple[Assignment, Opinion]]
    consolidation: Consolidation
    proposal: dict[str, str]
    can_edit: bool


def may_consolidate(*, user: User, review: Review) -> bool:
    """True for a coordinator and for the panel's lead (who writes the consolidated opinion and
    answers follow-up questions)."""
    if user.is_coordinator:
        return True
    return (
        assignments_of(user=user)
        .filter(review=review, is_lead=True, status=AssignmentStatus.ACCEPTED)
        .exists()
    )


def panel_view(*, user: User, review_public_id: UUID | str) -> PanelView:
    """The panel's opinions side by side for the lead or a coordinator, once every member has
    submitted (before that nobody sees anyone else's opinion). 404 for anyone else."""
    try:
        review = Review.objects.select_related("case__patient__holder").get(
            public_id=review_public_id
        )
    except (Review.DoesNotExist, ValueError):
        raise Http404 from None
    if not review.is_panel or not may_consolidate(user=user, review=review):
        raise Http404
    if review.case.status not in (
        CaseStatus.CONSOLIDATION, CaseStatus.REPORTED, CaseStatus.CLOSED, CaseStatus.AWAITING_INFO
    ):
        raise Http404
    pairs = [
        (a, a.opinion)
        for a in review.assignments.filter(status=AssignmentStatus.ACCEPTED)
        .select_related("specialist__user", "opinion")
        .order_by("position")
        if hasattr(a, "opinion") and a.opinion.status == OpinionStatus.SUBMITTED
    ]
    if len(pairs) < review.panel_size:
        raise Http404
    consolidation, _created = Consolidation.objects.get_or_create(review=review)
    record(actor=user, action=ReviewAction.REVIEW_PANEL_VIEW, target=review.case)
    return PanelView(
        review=review,
        case=deidentify_case(case=review.case, code=review.code, today=timezone.localdate()),
        opinions=pairs,
        consolidation=consolidation,
        proposal=section_agreement(opinions=[o for _a, o in pairs]),
        can_edit=consolidation.status == OpinionStatus.DRAFT
        and review.case.status == CaseStatus.CONSOLIDATION,
    )


def follow_up_get_for_answer(*, user: User, public_id: UUID | str) -> FollowUp:
    """A follow-up question the user may answer: the lead (or sole) specialist, or a coordinator."""
    try:
        follow_up = FollowUp.objects.select_related("review__case").get(public_id=public_id)
    except (FollowUp.DoesNotExist, ValueError):
        raise Http404 from None
    review = follow_up.review
    lead = assignments_of(user=user).filter(
        review=review, is_lead=True, status=AssignmentStatus.ACCEPTED
    )
    if not (user.is_coordinator or lead.exists()):
        raise Http404
    record(actor=user, action=ReviewAction.FOLLOW_UP_VIEW, target=review.case,
           detail={"follow_up": str(follow_up.public_id)})
    return follow_up


# --- What the patient and the coordinator see on the case page ---------------------------------


@dataclass
class Seat:
    label: str
    status: str
    profile: Any = None
    assignment: Assignment | None = None


def specialist_label(*, assignment: Assignment, mode: str) -> str:
    """"Specialist 1 — Medical oncology, 15 years" in the blind mode; the name in the open one."""
    profile = assignment.specialist
    years = _("%(years)d years") % {"years": profile.years_experience}
    if mode == "open":
        return f"{profile.user.full_name} — {profile.get_specialty_display()}, {years}"
    return _("Specialist %(n)d — %(specialty)s, %(years)s") % {
        "n": assignment.position,
        "specialty": profile.get_specialty_display(),
        "years": years,
    }


@dataclass
class PatientReviewPanel:
    seats: list[Seat]
    reports: list[Any]
    follow_ups: list[FollowUp]
    follow_ups_left: int
    rating: Any
    open_request: InformationRequest | None
    answered_requests: list[InformationRequest]
    can_ask: bool
    can_rate: bool
    identity_mode: str


def patient_review_panel(*, user: User, case: Case) -> PatientReviewPanel:
    """The review part of the case page for its account holder (the caller has already loaded the
    case through `case_get`)."""
    if case.patient.holder_id != user.pk:
        raise Http404
    review = Review.objects.filter(case=case).first()
    mode = identity_mode()
    seats: list[Seat] = []
    follow_ups: list[FollowUp] = []
    rating = None
    if review is not None:
        for a in review.assignments.filter(status__in=ACTIVE_ASSIGNMENT).select_related(
            "specialist__user"
        ):
            if a.status == AssignmentStatus.ACCEPTED:
                profile = a.specialist if mode == "open" else None
                seats.append(Seat(label=specialist_label(assignment=a, mode=mode),
                                  status=a.status, profile=profile))
        follow_ups = list(review.follow_ups.order_by("created_at"))
        rating = Rating.objects.filter(review=review).first()
    requests = list(case.information_requests.order_by("-created_at"))
    reported = case.status in (CaseStatus.REPORTED,)
    left = max(0, settings.FOLLOW_UP_QUESTIONS - len(follow_ups))
    return PatientReviewPanel(
        seats=seats,
        reports=review_hooks.reports_of_case(case),
        follow_ups=follow_ups,
        follow_ups_left=left,
        rating=rating,
        open_request=next((r for r in requests if r.status == InformationRequestStatus.OPEN), None),
        answered_requests=[r for r in requests if r.status == InformationRequestStatus.ANSWERED],
        can_ask=reported and left > 0 and review is not None,
        can_rate=case.status in DELIVERED and rating is None
        and review is not None,
        identity_mode=mode,
    )


@dataclass
class CoordinatorReviewPanel:
    review: Review | None
    assignments: list[Assignment]
    seats_open: int
    consolidation: Consolidation | None
    reports: list[Any]
    follow_ups: list[FollowUp]
    requests: list[InformationRequest]
    open_request: InformationRequest | None
    turnaround: Turnaround | None
    rating: Any
    can_assign: bool
    can_request_information: bool
    can_close: bool
    payment: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def coordinator_review_panel(*, user: User, case: Case) -> CoordinatorReviewPanel:
    """The review part of the case page for a coordinator: the panel and each seat's state, the
    clock, requests for information, reports and follow-ups."""
    if not user.is_coordinator:
        raise Http404
    review = Review.objects.filter(case=case).first()
    assignments: list[Assignment] = []
    follow_ups: list[FollowUp] = []
    consolidation = None
    rating = None
    if review is not None:
        assignments = list(
            review.assignments.select_related("specialist__user", "opinion").order_by(
                "position", "created_at"
            )
        )
        follow_ups = list(review.follow_ups.order_by("created_at"))
        consolidation = Consolidation.objects.filter(review=review).first()
        rating = Rating.objects.filter(review=review).first()
    active = [a for a in assignments if a.is_active]
    seats_open = (review.panel_size - len(active)) if review else 0
    requests = list(
        case.information_requests.select_related("requested_by").order_by("-created_at")
    )
    return CoordinatorReviewPanel(
        review=review,
        assignments=assignments,
        seats_open=seats_open,
        consolidation=consolidation,
        reports=review_hooks.reports_of_case(case),
        follow_ups=follow_ups,
        requests=requests,
        open_request=next((r for r in requests if r.status == InformationRequestStatus.OPEN), None),
        turnaround=_turnaround(case),
        rating=rating,
        can_assign=case.status in ASSIGNABLE
        and (review is None or seats_open > 0),
        can_request_information=case.status in ASKABLE,
        can_close=case.status == CaseStatus.REPORTED,
        payment=case_paid_payment(case=case),
    )


# --- Dashboard ---------------------------------------------------------------------------------


@dataclass
class Dashboard:
    by_status: list[tuple[str, int]]
    reported: int
    median_hours: float | None
    p90_hours: float | None
    breaches: int
    running_late: int
    outcomes: list[tuple[str, int, float]]
    ratings_average: float | None
    ratings_count: int


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def coordinator_dashboard(*, user: User) -> Dashboard:
    """Cases by state, time to opinion (clock hours from assignment to the first report, pauses
    for the patient excluded: median and 90th percentile), breaches, and how often opinions
    confirmed, refined or changed the diagnosis. A fixed number of queries."""
    from django.db.models import Avg

    if not user.is_coordinator:
        raise Http404
    counts = dict(
        Case.objects.exclude(status=CaseStatus.DRAFT)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    by_status = [(str(label), counts.get(value, 0)) for value, label in CaseStatus.choices
                 if value != CaseStatus.DRAFT]
    hours = [
        ((stopped - started).total_seconds() - paused) / 3600
        for started, stopped, paused in Turnaround.objects.filter(
            stopped_at__isnull=False
        ).values_list("started_at", "stopped_at", "paused_seconds")
        if stopped is not None
    ]
    outcome_counts = dict(
        Review.objects.exclude(final_assessment="")
        .values_list("final_assessment")
        .annotate(n=Count("id"))
        .values_list("final_assessment", "n")
    )
    total_outcomes = sum(outcome_counts.values())
    ratings = Rating.objects.aggregate(avg=Avg("score"), n=Count("id"))
    record(actor=user, action=ReviewAction.REVIEW_DASHBOARD, target=user)
    return Dashboard(
        by_status=by_status,
        reported=len(hours),
        median_hours=round(statistics.median(hours), 1) if hours else None,
        p90_hours=round(_percentile(hours, 0.9), 1) if hours else None,
        breaches=Turnaround.objects.filter(breached_at__isnull=False).count(),
        running_late=Turnaround.objects.filter(
            stopped_at__isnull=True, target_at__lt=timezone.now()
        ).count(),
        outcomes=[
            (str(label), outcome_counts.get(value, 0),
             round(100 * outcome_counts.get(value, 0) / total_outcomes, 1) if total_outcomes else 0)
            for value, label in Assessment.choices
        ],
        ratings_average=round(ratings["avg"], 2) if ratings["avg"] is not None else None,
        ratings_count=ratings["n"],
    )


def review_work_queue(*, user: User, page: object = 1) -> ListPage[Case]:
    """A page of the cases with specialists, urgent first, then the nearest deadline, with their
    clock, review and seats (one query); the read is audited with how many cases it showed."""
    if not user.is_coordinator:
        raise Http404
    cases: ListPage[Case] = list_page(
        Case.objects.filter(status__in=REVIEW_STATUSES)
        .select_related("turnaround", "review")
        .annotate(
            accepted_seats=Count(
                "review__assignments",
                filter=Q(review__assignments__status=AssignmentStatus.ACCEPTED),
            ),
            offered_seats=Count(
                "review__assignments",
                filter=Q(review__assignments__status=AssignmentStatus.OFFERED),
            ),
        )
        .order_by("-is_urgent", "turnaround__target_at", "submitted_at", "id"),
        page=page,
    )
    record(actor=user, action=ReviewAction.REVIEW_WORK_QUEUE, target=user,
           detail={"count": len(cases), "page": cases.number})
    return cases

