"""Every write of the review side: opening a review, offering seats to specialists, their
answers, opinions, the panel's consolidation, follow-up questions, ratings and closing.

Case status changes go through `cases.services.case_transition`; the report itself is made by
`reports.services.report_issue` in the task worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consilium.accounts.models import SpecialistProfile, User
from consilium.accounts.selectors import coordinators_active
from consilium.audit.services import record
from consilium.cases.models import Case, CaseStatus
from consilium.cases.services import case_transition
from consilium.cases.workflow import ASSIGNABLE, DELIVERED
from consilium.core.errors import DomainError, require
from consilium.notifications.services import user_notify
from consilium.review import hooks as review_hooks
from consilium.review.actions import ReviewAction
from consilium.review.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentStatus,
    Consolidation,
    FollowUp,
    Opinion,
    OpinionContent,
    OpinionStatus,
    Rating,
    Review,
    SpecialistChoice,
)
from consilium.review.panels import MAX_PANEL, panel_size_for
from consilium.review.selectors import SECTIONS, case_ranking, may_consolidate

logger = logging.getLogger(__name__)

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def _url(path: str) -> str:
    return settings.SITE_URL + path


def _when(moment: dt.datetime) -> str:
    """A time as emails print it, with its zone: "02 Dec 2026 14:30 IST"."""
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M %Z")


def _in_language(user: User) -> Any:
    return translation.override(getattr(user, "preferred_language", "") or "en")


def _tell_coordinators(*, case: Case, message: str, subject: str, body: str, key: str) -> None:
    for coordinator in coordinators_active():
        with _in_language(coordinator):
            user_notify(
                user=coordinator,
                message=message,
                url=case.get_absolute_url(),
                subject=subject,
                body=body + "\n\n" + _("Open the case: %(url)s")
                % {"url": _url(case.get_absolute_url())},
                dedupe_key=f"{key}:{coordinator.pk}",
            )


def _review_code() -> str:
    return "R-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def review_ensure(*, case: Case, actor: User, panel_size: int) -> Review:
    """The case's review, created with a fresh pseudonymous code the first time."""
    existing = Review.objects.filter(case=case).first()
    if existing is not None:
        if existing.panel_size != panel_size:
            active = existing.assignments.filter(status__in=ACTIVE_ASSIGNMENT).count()
            require(
                active <= panel_size,
                _("Withdraw a specialist first: %(n)d already hold a seat.") % {"n": active},
            )
            existing.panel_size = panel_size
            existing.save(update_fields=["panel_size", "updated_at"])
        return existing
    for _attempt in range(8):
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    case=case, code=_review_code(), panel_size=panel_size, opened_by=actor
                )
                record(actor=actor, action=ReviewAction.REVIEW_OPEN, target=case,
                       detail={"panel_size": panel_size})
                return review
        except IntegrityError:
            continue
    raise DomainError(_("We could not open the review. Please try again."))


# --- Offering seats ------------------------------------------------------------------------------


@transaction.atomic
def assignment_offer(
    *,
    case: Case,
    actor: User,
    specialists: list[SpecialistProfile],
    lead: SpecialistProfile | None = None,
    panel_size: int | None = None,
    now: dt.datetime | None = None,
) -> list[Assignment]:
    """Offers the case's open seats to the chosen specialists. Refuses anyone the ranking marks
    ineligible (not verified, not accepting, at capacity, the patient's treating doctor, already
    on the case). Starts the turnaround clock at the first assignment and emails each specialist
    without anything that identifies the patient."""
    require(actor.is_coordinator, _("Only a coordinator assigns specialists."))
    now = now or timezone.now()
    locked = Case.objects.select_for_update().select_related("patient__holder").get(pk=case.pk)
    require(
        locked.status in ASSIGNABLE,
        _("Specialists can be assigned only after triage and before the opinion is written."),
    )
    require(specialists, _("Choose at least one specialist."))
    require(len({s.pk for s in specialists}) == len(specialists),
            _("Each specialist can hold only one seat."))
    existing = Review.objects.filter(case=locked).first()
    size = panel_size or (existing.panel_size if existing else None)
    size = panel_size_for(review_type=locked.review_type, requested=size)
    review = review_ensure(case=locked, actor=actor, panel_size=size)

    active = list(review.assignments.filter(status__in=ACTIVE_ASSIGNMENT))
    taken = {a.position for a in active}
    seats = [p for p in range(1, review.panel_size + 1) if p not in taken]
    require(
        len(specialists) <= len(seats),
        ngettext("Only %(n)d seat is open on this panel.",
                 "Only %(n)d seats are open on this panel.", len(seats)) % {"n": len(seats)},
    )
    ranking = {c.profile.pk: c for c in case_ranking(case=locked, review=review)[1]}
    created: list[Assignment] = []
    for specialist, position in zip(specialists, seats, strict=False):
        candidate = ranking.get(specialist.pk)
        if candidate is None:
            raise DomainError(_("This specialist is not verified."))
        require(
            candidate.eligible,
            _("%(name)s cannot take this case: %(why)s.")
            % {"name": specialist.user.full_name, "why": candidate.excluded_because},
        )
        created.append(
            Assignment.objects.create(
                review=review,
                specialist=specialist,
                position=position,
                offered_by=actor,
                respond_by=now + dt.timedelta(hours=settings.OFFER_RESPONSE_HOURS),
                rank_reason=candidate.reason[:300],
                chosen_by_patient=candidate.chosen_by_patient,
            )
        )
    all_active = [*active, *created]
    current_lead = next((a for a in all_active if a.is_lead), None)
    wanted_lead = next((a for a in all_active if lead and a.specialist_id == lead.pk), None)
    if wanted_lead is not None and wanted_lead is not current_lead:
        Assignment.objects.filter(review=review, is_lead=True).update(is_lead=False)
        Assignment.objects.filter(pk=wanted_lead.pk).update(is_lead=True)
        wanted_lead.is_lead = True
    elif current_lead is None:
        first = min(all_active, key=lambda a: a.position)
        Assignment.objects.filter(pk=first.pk).update(is_lead=True)
        first.is_lead = True
    for assignment in created:
        record(
            actor=actor,
            action=ReviewAction.ASSIGNMENT_OFFER,
            target=locked,
            detail={"assignment": str(assignment.public_id), "seat": assignment.position},
        )
    if locked.status == CaseStatus.TRIAGE:
        # The table starts the turnaround clock at this first assignment.
        case_transition(case=locked, to=CaseStatus.ASSIGNED, actor=actor, now=now)
    for assignment in created:
        _tell_offered(assignment=assignment, review=review, case=locked)
    case.status = locked.status
    return created


def _tell_offered(*, assignment: Assignment, review: Review, case: Case) -> None:
    user = assignment.specialist.user
    with _in_language(user):
        url = reverse("review:assignment", kwargs={"public_id": assignment.public_id})
        role = _(" as the panel's lead") if assignment.is_lead and review.is_panel else ""
        user_notify(
            user=user,
            message=_("Case %(code)s is offered to you%(role)s.")
            % {"code": review.code, "role": role},
            url=url,
            subject=_("A case is offered to you: %(code)s") % {"code": review.code},
            body=_(
                "Hello,\n\nCase %(code)s (%(area)s) is offered to you%(role)s for a second "
                "opinion. Please accept or decline by %(deadline)s; after that it goes to "
                "another specialist.\n\nOpen the offer: %(url)s\n\n"
                "The patient's identity is not shown to specialists."
            )
            % {
                "code": review.code,
                "area": case.get_medical_area_display() or _("general"),
                "role": role,
                "deadline": _when(assignment.respond_by),
                "url": _url(url),
            },
            dedupe_key=f"assignment-offered:{assignment.public_id}",
        )


def _own_assignment(assignment: Assignment, actor: User) -> Assignment:
    locked = (
        Assignment.objects.select_for_update()
        .select_related("review__case", "specialist__user")
        .get(pk=assignment.pk)
    )
    require(locked.specialist.user_id == actor.pk, _("This case was not offered to you."))
    return locked


@transaction.atomic
def assignment_accept(*, assignment: Assignment, actor: User) -> Assignment:
    """The specialist takes the seat; when every seat is taken the review starts."""
    locked = _own_assignment(assignment, actor)
    require(locked.status == AssignmentStatus.OFFERED, _("This offer is no longer open."))
    locked.status = AssignmentStatus.ACCEPTED
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "responded_at", "updated_at"])
    Opinion.objects.get_or_create(assignment=locked)
    record(actor=actor, action=ReviewAction.ASSIGNMENT_ACCEPT, target=locked.review.case,
           detail={"assignment": str(locked.public_id)})
    review_advance(case=locked.review.case, actor=actor)
    assignment.status = locked.status
    return locked


@transaction.atomic
def assignment_decline(*, assignment: Assignment, actor: User, reason: str) -> Assignment:
    """The specialist declines with a reason; the seat goes back to the coordinator."""
    locked = _own_assignment(assignment, actor)
    require(locked.status == AssignmentStatus.OFFERED, _("This offer is no longer open."))
    require(reason.strip(), _("Tell us briefly why, so we can offer it to the right person."))
    locked.status = AssignmentStatus.DECLINED
    locked.responded_at = timezone.now()
    locked.decline_reason = reason.strip()[:300]
    was_lead = locked.is_lead
    locked.is_lead = False
    locked.save(update_fields=["status", "responded_at", "decline_reason", "is_lead",
                               "updated_at"])
    record(actor=actor, action=ReviewAction.ASSIGNMENT_DECLINE, target=locked.review.case,
           detail={"assignment": str(locked.public_id)})
    _seat_freed(assignment=locked, was_lead=was_lead, why=_("declined"))
    assignment.status = locked.status
    return locked


def _seat_freed(*, assignment: Assignment, was_lead: bool, why: str) -> None:
    review = assignment.review
    case = review.case
    if was_lead:
        next_lead = (
            review.assignments.filter(status__in=ACTIVE_ASSIGNMENT).order_by("position").first()
        )
        if next_lead is not None:
            Assignment.objects.filter(pk=next_lead.pk).update(is_lead=True)
    if case.status == CaseStatus.IN_REVIEW:
        case_transition(case=case, to=CaseStatus.ASSIGNED, actor=None, note="seat open")
    _tell_coordinators(
        case=case,
        message=_("%(reference)s: seat %(seat)d needs a specialist (%(why)s).")
        % {"reference": case.reference, "seat": assignment.position, "why": why},
        subject=_("Reassign %(reference)s: an offer was %(why)s")
        % {"reference": case.reference, "why": why},
        body=_("Seat %(seat)d of case %(reference)s is open again (%(why)s). Choose another "
               "specialist from the proposals on the case page.")
        % {"seat": assignment.position, "reference": case.reference, "why": why},
        key=f"seat-freed:{assignment.public_id}",
    )


def assignment_expire_due(*, now: dt.datetime | None = None) -> int:
    """Offers not answered in time go back for reassignment; returns how many."""
    now = now or timezone.now()
    expired = 0
    for pk in Assignment.objects.filter(
        status=AssignmentStatus.OFFERED, respond_by__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Assignment.objects.filter(pk=pk, status=AssignmentStatus.OFFERED).update(
                status=AssignmentStatus.EXPIRED, responded_at=now, updated_at=now
            )
            if not claimed:
                continue
            assignment = Assignment.objects.select_related("review__case").get(pk=pk)
            was_lead = assignment.is_lead
            Assignment.objects.filter(pk=pk).update(is_lead=False)
            record(actor=None, action=ReviewAction.ASSIGNMENT_EXPIRE, target=assignment.review.case,
                   detail={"assignment": str(assignment.public_id)})
            _seat_freed(assignment=assignment, was_lead=was_lead, why=_("not answered in time"))
            expired += 1
    return expired


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, actor: User) -> Assignment:
    """A coordinator takes a seat back (no answer, a conflict found late, illness) before that
    specialist's opinion is submitted."""
    require(actor.is_coordinator, _("Only a coordinator can do this."))
    locked = (
        Assignment.objects.select_for_update()
        .select_related("review__case", "specialist__user")
        .get(pk=assignment.pk)
    )
    require(locked.is_active, _("This specialist no longer holds a seat."))
    opinion = Opinion.objects.filter(assignment=locked).first()
    require(
        opinion is None or opinion.status == OpinionStatus.DRAFT,
        _("This specialist has submitted their opinion; it stays part of the review."),
    )
    was_lead = locked.is_lead
    locked.status = AssignmentStatus.WITHDRAWN
    locked.is_lead = False
    locked.save(update_fields=["status", "is_lead", "updated_at"])
    record(actor=actor, action=ReviewAction.ASSIGNMENT_WITHDRAW, target=locked.review.case,
           detail={"assignment": str(locked.public_id)})
    _seat_freed(assignment=locked, was_lead=was_lead, why=_("withdrawn"))
    _tell_seat_ended(locked, cancelled=False)
    return locked


def _tell_seat_ended(seat: Assignment, *, cancelled: bool) -> None:
    """Tells the specialist, in their language, that their seat ended and their access with it:
    withdrawn by the coordinator, or the case cancelled."""
    user = seat.specialist.user
    code = {"code": seat.review.code}
    with _in_language(user):
        if cancelled:
            message = _("Case %(code)s was cancelled.") % code
            subject = _("Case %(code)s was cancelled") % code
            body = _("Case %(code)s has been cancelled; you no longer need to work on it, "
                     "and your access to it has ended. Thank you.") % code
        else:
            message = _("Case %(code)s is no longer with you.") % code
            subject = _("Case %(code)s was withdrawn from you") % code
            body = _("The coordinator has withdrawn case %(code)s from you; you no longer need "
                     "to work on it, and your access to it has ended. Thank you.") % code
        user_notify(
            user=user, message=message, url=reverse("review:inbox"), subject=subject, body=body,
            dedupe_key=f"assignment-{'cancelled' if cancelled else 'withdrawn'}:{seat.public_id}",
        )


@transaction.atomic
def review_end_at_cancel(*, case: Case, actor: User) -> int:
    """The case is cancelled: every seat still offered or held ends, and its specialist is told
    their access has ended (registered with `cases.hooks` in ReviewConfig.ready). Returns how
    many seats ended."""
    seats = list(
        Assignment.objects.select_for_update()
        .filter(review__case=case, status__in=ACTIVE_ASSIGNMENT)
        .select_related("review", "specialist__user")
    )
    for seat in seats:
        seat.status = AssignmentStatus.WITHDRAWN
        seat.is_lead = False
        seat.save(update_fields=["status", "is_lead", "updated_at"])
        record(actor=actor, action=ReviewAction.ASSIGNMENT_CANCEL, target=case,
               detail={"assignment": str(seat.public_id)})
        _tell_seat_ended(seat, cancelled=True)
    return len(seats)


@transaction.atomic
def assignment_make_lead(*, assignment: Assignment, actor: User) -> Assignment:
    """A coordinator names the panel's lead, who writes the consolidated opinion."""
    require(actor.is_coordinator, _("Only a coordinator can do this."))
    require(assignment.is_active, _("Only a specialist holding a seat can lead."))
    status = Case.objects.values_list("status", flat=True).get(pk=assignment.review.case_id)
    require(
        status in (CaseStatus.ASSIGNED, CaseStatus.IN_REVIEW, CaseStatus.AWAITING_INFO),
        _("The lead can be changed only before the panel's opinion is consolidated."),
    )
    Assignment.objects.filter(review=assignment.review, is_lead=True).update(is_lead=False)
    Assignment.objects.filter(pk=assignment.pk).update(is_lead=True)
    assignment.is_lead = True
    record(actor=actor, action=ReviewAction.ASSIGNMENT_LEAD, target=assignment.review.case,
           detail={"assignment": str(assignment.public_id)})
    return assignment


@transaction.atomic
def specialist_choices_set(
    *, case: Case, actor: User, specialists: list[SpecialistProfile]
) -> list[SpecialistChoice]:
    """In the `patient` doctor-choice mode, the patient's picks for the coordinator to confirm."""
    require(settings.DOCTOR_CHOICE == "patient", _("This service chooses the specialists."))
    require(case.patient.holder_id == actor.pk, _("Only the account holder can choose."))
    require(case.status == CaseStatus.DRAFT, _("The choice can be changed only before sending."))
    require(len(specialists) <= MAX_PANEL, _("Choose at most five specialists."))
    require(all(s.is_verified for s in specialists), _("Choose from the verified specialists."))
    SpecialistChoice.objects.filter(case=case).delete()
    choices = [
        SpecialistChoice.objects.create(case=case, specialist=s, position=i)
        for i, s in enumerate(specialists, start=1)
    ]
    record(actor=actor, action=ReviewAction.CASE_SPECIALIST_CHOICE, target=case,
           detail={"count": len(choices)})
    return choices


# --- Moving the review on ------------------------------------------------------------------------


def review_advance(*, case: Case, actor: User | None) -> None:
    """Moves the case on when its panel is complete (assigned → in review) or when every opinion
    is in (→ consolidation for a panel; the report for a single specialist). Safe to call at any
    time: it does nothing when nothing is due."""
    review = Review.objects.filter(case=case).first()
    if review is None:
        return
    case.refresh_from_db(fields=["status"])
    accepted = list(
        review.assignments.filter(status=AssignmentStatus.ACCEPTED).select_related("opinion")
    )
    if case.status == CaseStatus.ASSIGNED and len(accepted) >= review.panel_size:
        case_transition(case=case, to=CaseStatus.IN_REVIEW, actor=actor)
    if case.status != CaseStatus.IN_REVIEW or len(accepted) < review.panel_size:
        return
    submitted = [
        a for a in accepted
        if hasattr(a, "opinion") and a.opinion.status == OpinionStatus.SUBMITTED
    ]
    if len(submitted) < review.panel_size:
        return
    if review.is_panel:
        case_transition(case=case, to=CaseStatus.CONSOLIDATION, actor=actor)
        lead = next((a for a in accepted if a.is_lead), None)
        # The lead starts from their own opinion and edits it into the panel's.
        start = {name: getattr(lead.opinion, name) for name in OPINION_FIELDS} if lead else {}
        if lead is not None:
            start["answers"] = dict(lead.opinion.answers)
        Consolidation.objects.get_or_create(review=review, defaults=start)
        if lead is not None:
            user = lead.specialist.user
            with _in_language(user):
                url = reverse("review:panel", kwargs={"public_id": review.public_id})
                user_notify(
                    user=user,
                    message=_("All opinions on %(code)s are in: please consolidate.")
                    % {"code": review.code},
                    url=url,
                    subject=_("Ready to consolidate: %(code)s") % {"code": review.code},
                    body=_("Every member of the panel has submitted an opinion on %(code)s. "
                           "As the lead, please write the panel's consolidated opinion: %(url)s")
                    % {"code": review.code, "url": _url(url)},
                    dedupe_key=f"consolidate:{review.public_id}",
                )
    else:
        _issue_report_after_commit(case=case, kind="opinion")


def _issue_report_after_commit(*, case: Case, kind: str, follow_up_id: int | None = None) -> None:
    case_id = case.pk
    # The reports app queues the report (registered with `review.hooks`).
    transaction.on_commit(lambda: review_hooks.report_due(case_id, kind, follow_up_id))


# --- Opinions ------------------------------------------------------------------------------------

OPINION_TEXT_FIELDS = (
    "assessment_explanation",
    "stage_or_severity",
    "recommended_treatment",
    "alternatives",
    "further_investigations",
    "clinical_trial_note",
    "lifestyle_advice",
    "patient_summary",
)
OPINION_CHOICE_FIELDS = ("assessment", "clinical_trial", "urgency")
OPINION_FIELDS = OPINION_CHOICE_FIELDS + OPINION_TEXT_FIELDS


def opinion_missing(*, content: OpinionContent, positions: Iterable[int]) -> list[str]:
    """What must be filled before an opinion (or a consolidation) can be submitted."""
    missing = []
    if not content.assessment:
        missing.append(_("Say whether the diagnosis is confirmed, refined or changed."))
    if not content.assessment_explanation.strip():
        missing.append(_("Explain your assessment of the diagnosis."))
    if not content.recommended_treatment.strip():
        missing.append(_("Write the recommended treatment."))
    if not content.urgency:
        missing.append(_("Choose how urgent it is."))
    if not content.patient_summary.strip():
        missing.append(_("Write the summary for the patient."))
    for position in positions:
        if not str(content.answers.get(str(position), "")).strip():
            missing.append(_("Answer the patient's question %(n)d.") % {"n": position})
    return missing


def _apply(content: OpinionContent, data: Mapping[str, Any], positions: Iterable[int]) -> list[str]:
    changed = []
    for name in OPINION_FIELDS:
        if name in data and getattr(content, name) != (data[name] or ""):
            setattr(content, name, data[name] or "")
            changed.append(name)
    answers = dict(content.answers)
    for position in positions:
        key = f"answer_{position}"
        if key in data and answers.get(str(position), "") != data[key]:
            answers[str(position)] = data[key]
            changed.append("answers")
    content.answers = answers
    return changed


def _positions(case: Case) -> list[int]:
    return list(case.questions.values_list("position", flat=True))


@transaction.atomic
def opinion_save(*, opinion: Opinion, actor: User, data: Mapping[str, Any]) -> Opinion:
    """Saves a draft as it is typed (only the fields the request carries)."""
    locked = Opinion.objects.select_for_update().select_related(
        "assignment__specialist", "assignment__review__case"
    ).get(pk=opinion.pk)
    require(locked.assignment.specialist.user_id == actor.pk, _("This is not your opinion."))
    require(locked.assignment.status == AssignmentStatus.ACCEPTED,
            _("You no longer hold a seat on this case."))
    require(locked.status == OpinionStatus.DRAFT,
            _("This opinion has been submitted and can no longer be changed."))
    changed = _apply(locked, data, _positions(locked.assignment.review.case))
    if changed:
        locked.save()
        record(actor=actor, action=ReviewAction.OPINION_SAVE, target=locked.assignment.review.case,
               detail={"fields": sorted(set(changed))})
    return locked


@transaction.atomic
def opinion_submit(*, opinion: Opinion, actor: User) -> Opinion:
    """Locks a complete opinion; when it is the last one the review moves on."""
    locked = opinion_save(opinion=opinion, actor=actor, data={})
    case = locked.assignment.review.case
    missing = opinion_missing(content=locked, positions=_positions(case))
    if missing:
        raise DomainError(" ".join(missing))
    locked.status = OpinionStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    record(actor=actor, action=ReviewAction.OPINION_SUBMIT, target=case,
           detail={"assignment": str(locked.assignment.public_id)})
    review_advance(case=case, actor=actor)
    opinion.status = locked.status
    return locked


# --- Consolidation -------------------------------------------------------------------------------

AGREEMENT_VALUES = ("agree", "partly", "differ")


@transaction.atomic
def consolidation_save(
    *, consolidation: Consolidation, actor: User, data: Mapping[str, Any]
) -> Consolidation:
    """Saves the lead's draft of the panel's opinion and the agreement per section."""
    locked = Consolidation.objects.select_for_update().select_related("review__case").get(
        pk=consolidation.pk
    )
    require(may_consolidate(user=actor, review=locked.review),
            _("Only the panel's lead or a coordinator writes the consolidated opinion."))
    require(locked.status == OpinionStatus.DRAFT, _("The consolidated opinion has been submitted."))
    require(locked.review.case.status == CaseStatus.CONSOLIDATION,
            _("The panel's opinions are not all in yet."))
    changed = _apply(locked, data, _positions(locked.review.case))
    for name in ("agreement", "agreement_note"):
        if name in data and getattr(locked, name) != (data[name] or ""):
            setattr(locked, name, data[name] or "")
            changed.append(name)
    sections = dict(locked.section_agreement)
    for key, value in data.items():
        if key.startswith("agree_") and value in AGREEMENT_VALUES:
            sections[key.removeprefix("agree_")] = value
    if sections != locked.section_agreement:
        locked.section_agreement = sections
        changed.append("section_agreement")
    if changed:
        locked.author = actor
        locked.save()
        record(actor=actor, action=ReviewAction.CONSOLIDATION_SAVE, target=locked.review.case,
               detail={"fields": sorted(set(changed))})
    return locked


@transaction.atomic
def consolidation_submit(*, consolidation: Consolidation, actor: User) -> Consolidation:
    """Locks the panel's opinion and has the signed report made."""
    locked = consolidation_save(consolidation=consolidation, actor=actor, data={})
    case = locked.review.case
    missing = opinion_missing(content=locked, positions=_positions(case))
    if not locked.agreement:
        missing.append(_("Record the panel's level of agreement."))

    unset = [name for name, _note in SECTIONS if not locked.section_agreement.get(name)]
    if unset:
        missing.append(_("Confirm how far the panel agrees in every section (%(n)d left).")
                       % {"n": len(unset)})
    if missing:
        raise DomainError(" ".join(missing))
    locked.status = OpinionStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    record(actor=actor, action=ReviewAction.CONSOLIDATION_SUBMIT, target=case)
    _issue_report_after_commit(case=case, kind="opinion")
    consolidation.status = locked.status
    return locked


# --- After delivery ------------------------------------------------------------------------------


@transaction.atomic
def follow_up_ask(*, case: Case, actor: User, question: str) -> FollowUp:
    """The patient asks a question about the delivered opinion (at most FOLLOW_UP_QUESTIONS);
    the lead specialist is asked to answer."""
    locked = Case.objects.select_for_update().select_related("patient").get(pk=case.pk)
    require(locked.patient.holder_id == actor.pk, _("Only the account holder can ask."))
    require(locked.status == CaseStatus.REPORTED,
            _("Questions can be asked once the opinion has been delivered."))
    require(question.strip(), _("Write your question."))
    review = Review.objects.get(case=locked)
    waiting = review.follow_ups.filter(answered_at__isnull=True, question=question.strip()).first()
    if waiting is not None:
        # The same question sent twice (a double click, a resent form) is asked once.
        return waiting
    asked = review.follow_ups.count()
    require(
        asked < settings.FOLLOW_UP_QUESTIONS,
        _("You have asked all %(n)d follow-up questions included with this opinion.")
        % {"n": settings.FOLLOW_UP_QUESTIONS},
    )
    follow_up = FollowUp.objects.create(review=review, asked_by=actor,
                                        question=question.strip())
    record(actor=actor, action=ReviewAction.FOLLOW_UP_ASK, target=locked,
           detail={"follow_up": str(follow_up.public_id)})
    lead = review.assignments.filter(status=AssignmentStatus.ACCEPTED, is_lead=True).select_related(
        "specialist__user"
    ).first()
    if lead is not None:
        user = lead.specialist.user
        with _in_language(user):
            url = reverse("review:follow_up", kwargs={"public_id": follow_up.public_id})
            user_notify(
                user=user,
                message=_("A follow-up question on %(code)s.") % {"code": review.code},
                url=url,
                subject=_("Follow-up question: %(code)s") % {"code": review.code},
                body=_("The patient of case %(code)s has asked a follow-up question about the "
                       "opinion. Your answer is added to the report as a signed addendum.\n\n"
                       "Answer it here: %(url)s")
                % {"code": review.code, "url": _url(url)},
                dedupe_key=f"follow-up-asked:{follow_up.public_id}",
            )
    return follow_up


@transaction.atomic
def follow_up_answer(*, follow_up: FollowUp, actor: User, answer: str) -> FollowUp:
    """The lead (or a coordinator on the panel's behalf) answers; a signed addendum follows."""
    locked = FollowUp.objects.select_for_update().select_related("review__case").get(
        pk=follow_up.pk
    )
    require(may_consolidate(user=actor, review=locked.review),
            _("Only the lead specialist or a coordinator can answer."))
    require(locked.answered_at is None, _("This question has already been answered."))
    require(answer.strip(), _("Write the answer."))
    locked.answer = answer.strip()
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    record(actor=actor, action=ReviewAction.FOLLOW_UP_ANSWER, target=locked.review.case,
           detail={"follow_up": str(locked.public_id)})
    _issue_report_after_commit(case=locked.review.case, kind="addendum", follow_up_id=locked.pk)
    follow_up.answered_at = locked.answered_at
    return locked


@transaction.atomic
def rating_give(*, case: Case, actor: User, score: int, comment: str = "") -> Rating:
    """The patient rates the service once, after the opinion is delivered."""
    require(case.patient.holder_id == actor.pk, _("Only the account holder can rate."))
    require(case.status in DELIVERED,
            _("You can rate the service once the opinion has been delivered."))
    require(1 <= score <= 5, _("Choose from 1 to 5 stars."))
    review = Review.objects.get(case=case)
    require(not Rating.objects.filter(review=review).exists(),
            _("You have already rated this opinion. Thank you."))
    rating = Rating.objects.create(review=review, given_by=actor, score=score,
                                   comment=comment.strip())
    record(actor=actor, action=ReviewAction.REVIEW_RATE, target=case, detail={"score": score})
    return rating


@transaction.atomic
def review_close(*, case: Case, actor: User) -> Case:
    """A coordinator closes a delivered case (the record stays for the patient)."""
    require(actor.is_coordinator, _("Only a coordinator closes cases."))
    return case_transition(case=case, to=CaseStatus.CLOSED, actor=actor)


def review_remind_specialists(*, case: Case, target_at: dt.datetime) -> int:
    """Reminds every specialist whose part is still to do before the target; returns how many."""
    review = Review.objects.filter(case=case).first()
    if review is None:
        return 0
    reminded = 0
    for assignment in review.assignments.filter(
        status=AssignmentStatus.ACCEPTED
    ).select_related("specialist__user", "opinion"):
        pending_opinion = (
            not hasattr(assignment, "opinion")
            or assignment.opinion.status != OpinionStatus.SUBMITTED
        )
        pending_lead = assignment.is_lead and case.status == CaseStatus.CONSOLIDATION
        if not (pending_opinion or pending_lead):
            continue
        user = assignment.specialist.user
        with _in_language(user):
            url = reverse("review:assignment", kwargs={"public_id": assignment.public_id})
            user_notify(
                user=user,
                message=_("Reminder: %(code)s is due %(when)s.")
                % {"code": review.code, "when": _when(target_at)},
                url=url,
                subject=_("Reminder: opinion due for %(code)s") % {"code": review.code},
                body=_("Your opinion on case %(code)s is due by %(when)s. Open the case: %(url)s")
                % {
                    "code": review.code,
                    "when": _when(target_at),
                    "url": _url(url),
                },
                dedupe_key=f"turnaround-reminder:{assignment.public_id}",
            )
        reminded += 1
    return reminded
