"""Every write to a case. Status changes happen only in `case_transition`."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.accounts.selectors import coordinators_active
from consilium.audit.services import record
from consilium.cases import hooks, red_flags
from consilium.cases.actions import CaseAction
from consilium.cases.models import (
    HISTORY_FIELDS,
    Case,
    CaseQuestion,
    CaseStatus,
    CaseTransition,
    InformationRequest,
    InformationRequestStatus,
    ReviewType,
)
from consilium.cases.selectors import (
    STEP_ORDER,
    Problem,
    case_may_cancel,
    case_submit_problems,
)
from consilium.cases.turnaround import (
    turnaround_pause,
    turnaround_resume,
    turnaround_start,
    turnaround_stop,
)
from consilium.cases.workflow import ALLOWED, ASKABLE, Effect, effects_of
from consilium.core.errors import DomainError, require
from consilium.notifications.services import notification_create, outbox_enqueue, user_notify
from consilium.patients.models import Patient, Relationship
from consilium.patients.services import patient_create

logger = logging.getLogger(__name__)


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: CaseStatus,
    actor: User | None,
    note: str = "",
    on_commit: Callable[[], None] | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Locks the case, checks the transitions table, saves, writes history and an audit event,
    applies the move's effects from the table (the clock; the handlers other apps registered),
    and runs `on_commit` only once the change is committed."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    current = CaseStatus(locked.status)
    if to not in ALLOWED[current]:
        raise DomainError(
            _("This case cannot move from “%(from)s” to “%(to)s”.")
            % {"from": current.label, "to": CaseStatus(to).label}
        )
    locked.status = to
    fields = ["status", "updated_at"]
    if current == CaseStatus.DRAFT and to == CaseStatus.TRIAGE:
        locked.submitted_at = timezone.now()
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    actor_user = actor if actor is not None and actor.is_authenticated else None
    CaseTransition.objects.create(
        case=locked, from_status=current, to_status=to, actor=actor_user, note=note[:300]
    )
    record(
        actor=actor,
        action=CaseAction.TRANSITION,
        target=locked,
        detail={"from": current.value, "to": str(to)},
    )
    moved = hooks.Moved(
        case=locked, from_status=current, to_status=CaseStatus(to), actor=actor,
        now=now or timezone.now(),
    )
    for effect in effects_of(current, CaseStatus(to)):
        _apply_effect(effect, moved)
    if on_commit is not None:
        transaction.on_commit(on_commit)
    case.status = locked.status
    case.submitted_at = locked.submitted_at
    return locked


def _apply_effect(effect: Effect, moved: hooks.Moved) -> None:
    case, now = moved.case, moved.now
    if effect == Effect.START_CLOCK:
        turnaround_start(case=case, now=now)
    elif effect == Effect.PAUSE_CLOCK:
        turnaround_pause(case=case, now=now)
    elif effect == Effect.RESUME_CLOCK:
        turnaround_resume(case=case, now=now)
    elif effect == Effect.STOP_CLOCK:
        turnaround_stop(case=case, now=now)
    else:
        hooks.run_effect(effect, moved)


@transaction.atomic
def case_set_review_type(*, case: Case, review_type: str, actor: object) -> Case:
    """Records the chosen review type on a draft (the price follows from it)."""
    if case.status != CaseStatus.DRAFT:
        raise DomainError(_("The review type can only be changed before the case is submitted."))
    if review_type not in ReviewType.values:
        raise DomainError(_("Choose one of the review types offered."))
    case.review_type = review_type
    case.save(update_fields=["review_type", "updated_at"])
    record(actor=actor, action=CaseAction.REVIEW_TYPE, target=case,
           detail={"review_type": review_type})
    return case


# --- Creating a draft --------------------------------------------------------------------------

# No 0/O, 1/I/L or U: a reference is read aloud on the phone and typed from a printout.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 6
MAX_QUESTIONS = 10


def case_reference_new() -> str:
    """A short random reference such as CN-7K4M29 (not guessable, not sequential)."""
    return "CN-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def case_create(*, patient: Patient, actor: User, requester_relationship: str = "") -> Case:
    """Opens a draft request for one of the actor's patients, with a unique reference."""
    require(patient.holder_id == actor.pk, _("You can only ask for a patient on your account."))
    relationship = requester_relationship or patient.relationship or Relationship.SELF
    for _attempt in range(8):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    reference=case_reference_new(),
                    patient=patient,
                    created_by=actor,
                    requester_relationship=relationship,
                )
                record(actor=actor, action=CaseAction.CREATE, target=case)
                return case
        except IntegrityError:
            # A reference collision (about one in 700 million); draw another.
            continue
    raise DomainError(_("We could not open a new request. Please try again."))


@transaction.atomic
def case_start(*, actor: User, patient: Patient | None, relationship: str = "") -> Case:
    """Opens a draft for one of the actor's patients, or for a new patient added with it: both
    rows or neither, so a request that fails half-way (the database gone mid-request) does not
    leave a patient with no request, to be added again on the retry."""
    if patient is None:
        patient = patient_create(holder=actor, relationship=relationship)
    return case_create(patient=patient, actor=actor, requester_relationship=patient.relationship)


# --- Saving the intake (drafts only; every step saves even when incomplete) ---------------------

PATIENT_STEP_CASE_FIELDS = ("requester_relationship",)
CONDITION_FIELDS = (
    "medical_area",
    "diagnosis_so_far",
    "reasons",
    "symptoms",
    "symptom_timeline",
    "red_flag_answers",
)


def _require_draft(case: Case, actor: User) -> None:
    require(
        case.status == CaseStatus.DRAFT,
        _("This request has been submitted and can no longer be changed here."),
    )
    require(case.patient.holder_id == actor.pk, _("Only the account holder can change this."))


def _case_save(*, case: Case, actor: User, data: dict[str, Any], allowed: Sequence[str]) -> Case:
    _require_draft(case, actor)
    changed = [name for name in allowed if name in data and getattr(case, name) != data[name]]
    for name in changed:
        setattr(case, name, data[name])
    if changed:
        case.save(update_fields=[*changed, "updated_at"])
        record(actor=actor, action=CaseAction.INTAKE_SAVE, target=case, detail={"fields": changed})
    return case


@transaction.atomic
def case_save_requester(*, case: Case, actor: User, data: dict[str, Any]) -> Case:
    """Saves who is asking for the patient (the patient's own details go to `patient_update`)."""
    return _case_save(case=case, actor=actor, data=data, allowed=PATIENT_STEP_CASE_FIELDS)


@transaction.atomic
def case_save_condition(*, case: Case, actor: User, data: dict[str, Any]) -> Case:
    """Saves the condition step and re-runs the red-flag screen on what it now says."""
    if "reasons" in data:
        data = {**data, "reasons": [r for r in data["reasons"] if r]}
    _case_save(case=case, actor=actor, data=data, allowed=CONDITION_FIELDS)
    case_screen_red_flags(case=case, actor=actor)
    return case


@transaction.atomic
def case_save_history(*, case: Case, actor: User, data: dict[str, Any]) -> Case:
    """Saves the history and treatment step."""
    return _case_save(case=case, actor=actor, data=data, allowed=HISTORY_FIELDS)


@transaction.atomic
def case_set_questions(*, case: Case, actor: User, texts: Iterable[str]) -> Case:
    """Replaces the patient's questions (blank ones dropped, at most ten, order kept)."""
    _require_draft(case, actor)
    kept = [t.strip() for t in texts if t and t.strip()]
    require(
        len(kept) <= MAX_QUESTIONS,
        _("You can ask up to %(max)d questions.") % {"max": MAX_QUESTIONS},
    )
    if [q.text for q in case.questions.all()] == kept:
        return case
    case.questions.all().delete()
    CaseQuestion.objects.bulk_create(
        CaseQuestion(case=case, position=i, text=text) for i, text in enumerate(kept, start=1)
    )
    record(actor=actor, action=CaseAction.QUESTIONS_SAVE, target=case, detail={"count": len(kept)})
    return case


@transaction.atomic
def case_screen_red_flags(*, case: Case, actor: User) -> list[str]:
    """Marks the case urgent when the ticked boxes or the free text describe an emergency now,
    and clears the mark while a draft no longer does. Returns the red-flag codes."""
    codes = red_flags.screen(
        ticked=case.red_flag_answers, texts=[case.symptoms, case.symptom_timeline]
    )
    if codes != case.red_flags or case.is_urgent != bool(codes):
        case.red_flags = codes
        case.is_urgent = bool(codes)
        case.save(update_fields=["red_flags", "is_urgent", "updated_at"])
        # The codes themselves are health data: the audit trail names only the fields.
        record(
            actor=actor,
            action=CaseAction.RED_FLAGS,
            target=case,
            detail={"fields": ["red_flags", "is_urgent"], "urgent": case.is_urgent},
        )
    return codes


@transaction.atomic
def case_mark_urgent(*, case: Case, source: str, actor: User | None = None) -> Case:
    """Raises a case in the coordinator's queue because of what its reports say (a critical lab
    value, a red-flag phrase). Never clears the mark: only a coordinator decides a case is not
    urgent. `source` is a short code such as "document", never the finding itself."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_urgent:
        locked.is_urgent = True
        locked.save(update_fields=["is_urgent", "updated_at"])
        record(
            actor=actor, action=CaseAction.URGENT, target=locked, detail={"source": source[:40]}
        )
    case.is_urgent = True
    return locked


@transaction.atomic
def case_mark_step(*, case: Case, actor: User, step: str) -> Case:
    """Remembers the furthest step reached, so "Continue" resumes there on any device."""
    _require_draft(case, actor)
    if STEP_ORDER.index(step) > STEP_ORDER.index(case.intake_step):
        case.intake_step = step
        case.save(update_fields=["intake_step", "updated_at"])
    return case


# --- Submitting ---------------------------------------------------------------------------------


class CaseIncomplete(DomainError):
    """The draft misses something; `problems` lists each item with where to fix it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(" ".join(p.message for p in problems))
        self.problems = problems


def _acknowledgement(case: Case) -> tuple[str, str]:
    subject = _("We received your request %(reference)s") % {"reference": case.reference}
    body = _(
        "Thank you. We received your request for a second opinion.\n\n"
        "Your reference: %(reference)s\n\n"
        "What happens next:\n"
        "1. A coordinator checks your request and reports, usually within one working day.\n"
        "2. If a report is missing or hard to read, we email you and ask for it.\n"
        "3. We then choose the specialists. The review time starts when they are assigned, and "
        "we email you when your written opinion is ready.\n\n"
        "You can follow your request at any time: %(url)s\n\n"
        "A second opinion must never delay urgent treatment. In an emergency, go to the nearest "
        "hospital or call 112."
    ) % {"reference": case.reference, "url": settings.SITE_URL + case.get_absolute_url()}
    return subject, body


@transaction.atomic
def case_submit(*, case: Case, actor: User) -> Case:
    """Moves a complete draft to triage and emails an acknowledgement; fails with every missing
    item listed; a repeated submit of the same case changes nothing."""
    locked = Case.objects.select_for_update().select_related("patient").get(pk=case.pk)
    require(locked.patient.holder_id == actor.pk, _("Only the account holder can submit this."))
    if locked.status != CaseStatus.DRAFT:
        return locked
    problems = case_submit_problems(case=locked, user=actor)
    if problems:
        raise CaseIncomplete(problems)
    public_id = str(locked.public_id)
    locked = case_transition(
        case=locked,
        to=CaseStatus.TRIAGE,
        actor=actor,
        on_commit=lambda: logger.info("case submitted", extra={"case": public_id}),
    )
    subject, body = _acknowledgement(locked)
    outbox_enqueue(
        to=actor.email,
        subject=subject,
        body_text=body,
        dedupe_key=f"case-submitted:{locked.public_id}",
        recipient=actor,
    )

    for coordinator in coordinators_active():
        notification_create(
            user=coordinator,
            message=(_("New urgent request %(reference)s is waiting for triage.")
                     if locked.is_urgent else
                     _("New request %(reference)s is waiting for triage."))
            % {"reference": locked.reference},
            url=locked.get_absolute_url(),
        )
    case.status = locked.status
    case.submitted_at = locked.submitted_at
    return locked


# --- Information requests -----------------------------------------------------------------------

def _may_ask(*, actor: User, case: Case) -> bool:
    if actor.is_coordinator:
        return True
    return actor.is_specialist and hooks.specialist_is_on_case(actor, case)


@transaction.atomic
def information_request_create(
    *, case: Case, actor: User, message: str, wanted: Sequence[str] = ()
) -> InformationRequest:
    """Asks the patient for something missing: the case waits on the patient, its turnaround
    clock pauses, and the patient is emailed. One open request per case."""
    from django.utils import translation

    locked = Case.objects.select_for_update().select_related("patient__holder").get(pk=case.pk)
    require(_may_ask(actor=actor, case=locked), _("You cannot ask for information on this case."))
    require(message.strip(), _("Write what you need from the patient and why."))
    require(
        locked.status in ASKABLE,
        _("Information can be requested only while a case is being triaged or reviewed."),
    )
    require(
        not locked.information_requests.filter(status=InformationRequestStatus.OPEN).exists(),
        _("A request is already waiting for the patient. Withdraw it first to ask again."),
    )
    request = InformationRequest.objects.create(
        case=locked,
        requested_by=actor,
        message=message.strip(),
        wanted=[w for w in wanted if w],
        resume_status=locked.status,
    )
    # The table pauses the clock.
    case_transition(case=locked, to=CaseStatus.AWAITING_INFO, actor=actor)
    record(
        actor=actor,
        action=CaseAction.INFORMATION_REQUEST_CREATE,
        target=request,
        detail={"case": str(locked.public_id), "wanted": request.wanted},
    )
    holder = locked.patient.holder
    url = locked.get_absolute_url()
    with translation.override(locked.holder_language()):
        asker = (
            _("The specialist reviewing your case")
            if actor.is_specialist
            else _("Your case coordinator")
        )
        user_notify(
            user=holder,
            message=_("We need more information for request %(reference)s.")
            % {"reference": locked.reference},
            url=url,
            subject=_("We need more information for your request %(reference)s")
            % {"reference": locked.reference},
            body=_(
                "Hello,\n\n%(asker)s needs more information before the review can go on:\n\n"
                "%(message)s\n\n"
                "Please sign in and answer here: %(url)s\n"
                "You can write an answer and upload reports on that page.\n\n"
                "The review time is paused until you answer, so your opinion is not delayed "
                "by the wait. If you cannot get a report, tell us that in your answer."
            )
            % {"asker": asker, "message": request.message, "url": settings.SITE_URL + url},
            dedupe_key=f"information-request:{request.public_id}",
        )
    case.status = locked.status
    return request


def _return_case(*, request: InformationRequest, actor: User, note: str) -> Case:
    case = Case.objects.select_for_update().get(pk=request.case_id)
    # The table resumes the clock and lets the review move on.
    case_transition(case=case, to=CaseStatus(request.resume_status), actor=actor, note=note)
    return case


@transaction.atomic
def information_request_answer(
    *, request: InformationRequest, actor: User, answer: str
) -> InformationRequest:
    """The patient answers: the case returns to where it was (the triage queue, or the
    specialists), the clock resumes, and whoever asked is told."""

    locked = (
        InformationRequest.objects.select_for_update()
        .select_related("case__patient", "requested_by")
        .get(pk=request.pk)
    )
    require(
        locked.case.patient.holder_id == actor.pk, _("Only the account holder can answer this.")
    )
    require(
        locked.status == InformationRequestStatus.OPEN, _("This request has already been answered.")
    )
    uploaded = len(hooks.documents_added_since(locked.case, locked.created_at))
    require(
        answer.strip() or uploaded,
        _("Write an answer or upload at least one report before sending."),
    )
    locked.status = InformationRequestStatus.ANSWERED
    locked.answer = answer.strip()
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
    record(
        actor=actor,
        action=CaseAction.INFORMATION_REQUEST_ANSWER,
        target=locked,
        detail={"case": str(locked.case.public_id), "documents": uploaded},
    )
    case = _return_case(request=locked, actor=actor, note="information received")
    asker = locked.requested_by
    link = hooks.specialist_link(asker, case) if asker.is_specialist else None
    url, code = link or (case.get_absolute_url(), case.reference)
    user_notify(
        user=asker,
        message=_("The patient answered your request on %(code)s.") % {"code": code},
        url=url,
        subject=_("The patient answered: %(code)s") % {"code": code},
        body=_(
            "The patient has answered your request for information on %(code)s "
            "(%(documents)d new report(s)). Open the case: %(url)s"
        )
        % {"code": code, "documents": uploaded, "url": settings.SITE_URL + url},
        dedupe_key=f"information-answered:{locked.public_id}",
    )
    request.status = locked.status
    return locked


@transaction.atomic
def information_request_withdraw(*, request: InformationRequest, actor: User) -> InformationRequest:
    """A coordinator withdraws an open request (asked by mistake, or the report arrived another
    way): the case returns to where it was and the clock resumes."""
    require(actor.is_coordinator, _("Only a coordinator can withdraw this."))
    locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
    require(
        locked.status == InformationRequestStatus.OPEN, _("This request is no longer open.")
    )
    locked.status = InformationRequestStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    record(actor=actor, action=CaseAction.INFORMATION_REQUEST_WITHDRAW, target=locked)
    _return_case(request=locked, actor=actor, note="information request withdrawn")
    request.status = locked.status
    return locked


# --- Cancelling ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cancelled:
    case: Case
    refund_started: bool


def _cancellation_email(case: Case, *, by_patient: bool, refund_started: bool, reason: str
                        ) -> tuple[str, str]:
    subject = _("Your request %(reference)s is cancelled") % {"reference": case.reference}
    who = (
        _("You cancelled your request %(reference)s.")
        if by_patient
        else _("Your case coordinator cancelled your request %(reference)s.")
    ) % {"reference": case.reference}
    lines = [_("Hello,"), "", who]
    if reason and not by_patient:
        lines += ["", _("The reason they gave: %(reason)s") % {"reason": reason}]
    lines += ["", _("What happens next:")]
    if refund_started:
        lines.append(_(
            "- We are refunding what you paid, in full. It goes back the way you paid and can "
            "take 5 to 7 working days to reach you; we email you when it is sent."
        ))
    else:
        lines.append(_("- You had not paid for this request, so there is nothing to refund."))
    lines += [
        _("- No specialist will review it, and nothing more happens to it. Your reports stay in "
          "your account until you delete them."),
        _("- You can start a new request at any time: %(url)s")
        % {"url": settings.SITE_URL + reverse("cases:start")},
        "",
        _("A second opinion must never delay urgent treatment. In an emergency, go to the nearest "
          "hospital or call 112."),
    ]
    return subject, "\n".join(str(line) for line in lines)


@transaction.atomic
def case_cancel(*, case: Case, actor: User, reason: str = "") -> Cancelled:
    """Cancels a case: its holder before specialists are assigned, a coordinator (with a reason)
    before the opinion is delivered. Withdraws an open information request, stops a running
    clock, ends the specialists' seats (review's handler), refunds what was paid (billing's
    handler), and emails the holder what happens next."""
    from django.utils import translation

    locked = Case.objects.select_for_update().select_related("patient__holder").get(pk=case.pk)
    require(case_may_cancel(case=locked, user=actor), _("This request can no longer be cancelled."))
    by_patient = not actor.is_coordinator
    reason = reason.strip()
    require(by_patient or reason, _("Write why the case is cancelled; the patient reads it."))
    was_submitted = locked.status != CaseStatus.DRAFT
    locked.information_requests.filter(status=InformationRequestStatus.OPEN).update(
        status=InformationRequestStatus.CANCELLED, updated_at=timezone.now()
    )
    case_transition(
        case=locked, to=CaseStatus.CANCELLED, actor=actor,
        note=reason or ("cancelled by the patient" if by_patient else "cancelled"),
    )
    turnaround_stop(case=locked)
    hooks.release_at_cancel(locked, actor)
    refund_started = hooks.refund_at_cancel(locked, actor)
    record(
        actor=actor,
        action=CaseAction.CANCEL,
        target=locked,
        detail={"by": "patient" if by_patient else "coordinator", "refund": refund_started},
    )
    holder = locked.patient.holder
    with translation.override(locked.holder_language()):
        subject, body = _cancellation_email(
            locked, by_patient=by_patient, refund_started=refund_started, reason=reason
        )
    outbox_enqueue(
        to=holder.email,
        subject=subject,
        body_text=body,
        dedupe_key=f"case-cancelled:{locked.public_id}",
        recipient=holder,
    )
    if by_patient and was_submitted:
        for coordinator in coordinators_active():
            notification_create(
                user=coordinator,
                message=_("The patient cancelled request %(reference)s.")
                % {"reference": locked.reference},
                url=locked.get_absolute_url(),
            )
    case.status = locked.status
    return Cancelled(case=locked, refund_started=refund_started)
