"""Every write of consultations: hours, requests, bookings, changes, notes and reminders.

Emails leave through the notifications outbox in the reader's language, each with its own .ics
(kept encrypted with the patient's data key like every attachment), and name the other side only
as the identity mode allows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consilium.accounts.models import SpecialistProfile, User
from consilium.audit.services import record
from consilium.cases.models import Case, CaseStatus
from consilium.consultations.actions import ConsultationAction
from consilium.consultations.invitations import invitation_ics
from consilium.consultations.models import (
    CallMode,
    Consultation,
    ConsultationRequest,
    ConsultationStatus,
    ExceptionKind,
    HoursException,
    WeeklyHours,
)
from consilium.consultations.selectors import (
    DELIVERED,
    change_deadline,
    may_change,
    may_write_note,
    meeting_url,
    patient_label,
    specialist_label,
    specialists_bookable,
)
from consilium.consultations.slots import slot_is_free, slot_length
from consilium.core.crypto import patient_data_key
from consilium.core.errors import DomainError, require
from consilium.core.storage import encrypted_write_bytes, get_storage
from consilium.notifications.services import Attachment, user_notify

NOTE_MAX = 2000
REMINDERS: tuple[tuple[str, dt.timedelta], ...] = (
    ("reminded_hour_at", dt.timedelta(hours=1)),
    ("reminded_day_at", dt.timedelta(hours=24)),
)


def _taken() -> str:
    return _("Someone has just booked this time. Nothing was booked for you: please choose "
             "another time.")


def _too_late() -> str:
    return _("It is too late to move or cancel this call: changes close %(hours)d hours before "
             "it.") % {"hours": settings.CONSULTATION_CHANGE_HOURS}


def _zone(name: str) -> ZoneInfo:
    require(name in available_timezones(), _("Choose a time zone from the list."))
    return ZoneInfo(name)


def _profile(actor: User) -> SpecialistProfile:
    profile: SpecialistProfile | None = (
        getattr(actor, "specialist_profile", None) if actor.is_specialist else None
    )
    if profile is None:
        raise DomainError(_("Only specialists keep hours for calls."))
    return profile


# --- Hours ----------------------------------------------------------------------------------------


@transaction.atomic
def hours_add(
    *, actor: User, weekday: int, starts: dt.time, ends: dt.time, time_zone: str
) -> WeeklyHours:
    """Adds weekly hours for the signed-in specialist, in their own time zone."""
    profile = _profile(actor)
    _zone(time_zone)
    require(ends > starts, _("The end must be after the start."))
    require(
        dt.datetime.combine(dt.date.min, ends) - dt.datetime.combine(dt.date.min, starts)
        >= slot_length(),
        _("These hours are shorter than one call (%(minutes)d minutes).")
        % {"minutes": settings.CONSULTATION_SLOT_MINUTES},
    )
    hours = WeeklyHours.objects.create(
        specialist=profile, weekday=weekday, starts=starts, ends=ends, time_zone=time_zone
    )
    record(actor=actor, action=ConsultationAction.AVAILABILITY_CHANGE, target=profile,
           detail={"added": "weekly", "id": str(hours.public_id)})
    return hours


@transaction.atomic
def exception_add(
    *, actor: User, kind: str, day: dt.date, starts: dt.time | None, ends: dt.time | None,
    time_zone: str,
) -> HoursException:
    """Adds time off (the whole day when no times are given) or extra hours on one day."""
    profile = _profile(actor)
    zone = _zone(time_zone)
    if starts is None and ends is None and kind == ExceptionKind.DAY_OFF:
        start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    else:
        if starts is None or ends is None:
            raise DomainError(_("Give both times, or leave both empty for a whole day off."))
        start = dt.datetime.combine(day, starts, tzinfo=zone)
        end = dt.datetime.combine(day, ends, tzinfo=zone)
    require(end > start, _("The end must be after the start."))
    require(end > timezone.now(), _("This time is already past."))
    exception = HoursException.objects.create(
        specialist=profile, kind=kind, starts_at=start.astimezone(dt.UTC),
        ends_at=end.astimezone(dt.UTC), time_zone=time_zone,
    )
    record(actor=actor, action=ConsultationAction.AVAILABILITY_CHANGE, target=profile,
           detail={"added": kind, "id": str(exception.public_id)})
    return exception


@transaction.atomic
def availability_remove(*, actor: User, public_id: str) -> bool:
    """Removes one of the specialist's own weekly hours or exceptions; calls already booked in
    them stay booked."""
    profile = _profile(actor)
    removed = 0
    for model in (WeeklyHours, HoursException):
        removed += model.objects.filter(specialist=profile, public_id=public_id).delete()[0]
    if removed:
        record(actor=actor, action=ConsultationAction.AVAILABILITY_CHANGE, target=profile,
               detail={"removed": str(public_id)})
    return bool(removed)


# --- Emails ---------------------------------------------------------------------------------------


def _when(moment: dt.datetime, zone: str) -> str:
    local = timezone.localtime(moment, ZoneInfo(zone))
    return f"{date_format(local, 'j M Y, H:i')} ({zone})"


def _language(user: User) -> Any:
    return translation.override(getattr(user, "preferred_language", "") or "en")


def _page(consultation: Consultation) -> str:
    return settings.SITE_URL + consultation.get_absolute_url()


def _ics_attachment(*, consultation: Consultation, summary: str, description: str,
                    cancel: bool, written: list[str]) -> Attachment:
    patient = consultation.case.patient
    data = invitation_ics(consultation=consultation, summary=summary, description=description,
                          url=meeting_url(consultation), cancel=cancel)
    key, _size, sha256 = encrypted_write_bytes(data=data,
                                               data_key=patient_data_key(patient=patient))
    written.append(key)
    return Attachment(storage_key=key, sha256=sha256, patient_public_id=str(patient.public_id),
                      filename="cancelled.ics" if cancel else "invitation.ics",
                      content_type="text/calendar")


def _tell(consultation: Consultation, event: str) -> None:
    """Emails both sides about a booking, a move or a cancellation, each with an .ics; removes
    the stored invitations again if the change does not go through."""
    written: list[str] = []
    try:
        _tell_side(consultation, event, patient_side=True, written=written)
        _tell_side(consultation, event, patient_side=False, written=written)
    except BaseException:
        for key in written:
            get_storage().delete(key)
        raise


def _tell_side(consultation: Consultation, event: str, *, patient_side: bool,
               written: list[str]) -> None:
    case = consultation.case
    profile = consultation.specialist
    user = case.patient.holder if patient_side else profile.user
    zone = settings.TIME_ZONE if patient_side else consultation.time_zone
    with _language(user):
        who = specialist_label(profile) if patient_side else patient_label(profile, case)
        when = _when(consultation.starts_at, zone)
        mode = str(CallMode(consultation.mode).label)
        url = meeting_url(consultation)
        if event == "booked":
            subject = _("Call booked: %(when)s") % {"when": when}
            lead = _("A call with %(who)s is booked.") % {"who": who}
        elif event == "moved":
            subject = _("Call moved to %(when)s") % {"when": when}
            lead = _("The call with %(who)s has moved to a new time.") % {"who": who}
        else:
            subject = _("Call cancelled: %(when)s") % {"when": when}
            lead = _("The call with %(who)s is cancelled. Nothing else about the request "
                     "changes.") % {"who": who}
        lines = [_("Hello,"), "", lead, "", _("When: %(when)s") % {"when": when},
                 _("Kind of call: %(mode)s") % {"mode": mode}]
        if event != "cancelled":
            lines += [
                _("Join here at that time: %(url)s") % {"url": url}, "",
                _("The invitation is attached: open it to add the call to your calendar."),
                _("You can move or cancel the call until %(deadline)s: %(page)s") % {
                    "deadline": _when(change_deadline(consultation), zone),
                    "page": _page(consultation)},
            ]
        else:
            lines += ["", _("The attached file removes the call from your calendar.")]
        body = "\n".join(lines)
        summary = _("%(mode)s with %(who)s") % {"mode": mode, "who": who}
        attachment = _ics_attachment(
            consultation=consultation, summary=summary,
            description=(_("Join here at that time: %(url)s") % {"url": url}) + "\n"
            + _page(consultation),
            cancel=event == "cancelled", written=written,
        )
        user_notify(
            user=user, message=subject, url=consultation.get_absolute_url(), subject=subject,
            body=body, attachments=[attachment],
            dedupe_key=(f"consultation-{event}:{consultation.public_id}:{consultation.sequence}:"
                        f"{'patient' if patient_side else 'specialist'}"),
        )


# --- Asking, booking, moving, cancelling ----------------------------------------------------------


@transaction.atomic
def consultation_ask(*, case: Case, actor: User) -> ConsultationRequest:
    """A specialist on the case asks the patient to book a call before the opinion is in; the
    account holder is told. Asking twice changes nothing."""
    profile = _profile(actor)
    require(case.status not in (CaseStatus.CANCELLED, *DELIVERED),
            _("The opinion is delivered: the patient can already book a call with you."))
    require(profile.consultation_hours.exists() or profile.consultation_exceptions.filter(
        kind=ExceptionKind.EXTRA).exists(),
        _("Set your hours for calls first, so the patient has times to choose from."))
    request, created = ConsultationRequest.objects.get_or_create(case=case, specialist=profile)
    if created:
        record(actor=actor, action=ConsultationAction.ASK, target=case)
        holder = case.patient.holder
        with _language(holder):
            path = reverse("consultations:book", kwargs={"public_id": case.public_id})
            subject = _("Your specialist asks for a call: %(reference)s") % {
                "reference": case.reference}
            user_notify(
                user=holder, message=subject, url=path, subject=subject,
                body=_("Hello,") + "\n\n"
                + _("A specialist reviewing request %(reference)s would like to talk with you "
                    "by video or phone before writing the opinion. Choose a time that suits "
                    "you: %(url)s")
                % {"reference": case.reference, "url": settings.SITE_URL + path},
                dedupe_key=f"consultation-asked:{request.public_id}",
            )
    return request


def _new_room() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def consultation_book(
    *, case: Case, actor: User, specialist: SpecialistProfile, starts_at: dt.datetime,
    mode: str,
) -> Consultation:
    """Books a free slot for the case's account holder and emails both sides. Two bookings of
    one slot cannot both succeed: the database's constraint refuses the second, whose booker is
    told to choose another time."""
    require(case.patient.holder_id == actor.pk, _("Only the account holder can book a call."))
    require(mode in CallMode.values, _("Choose a video or a voice call."))
    require(specialist in specialists_bookable(case=case),
            _("This specialist does not take calls on this request."))
    slot = slot_is_free(specialist=specialist, starts_at=starts_at)
    if slot is None:
        raise DomainError(_taken())
    try:
        with transaction.atomic():
            consultation = Consultation.objects.create(
                case=case, specialist=specialist, booked_by=actor, mode=mode,
                starts_at=slot.starts_at, ends_at=slot.ends_at,
                time_zone=_hours_zone(specialist), room=_new_room(),
                # The invitation arrives now: a day-before reminder would only repeat it.
                reminded_day_at=(timezone.now() if slot.starts_at - timezone.now()
                                 <= dt.timedelta(hours=24) else None),
            )
    except IntegrityError:
        raise DomainError(_taken()) from None
    record(actor=actor, action=ConsultationAction.BOOK, target=consultation,
           detail={"case": str(case.public_id), "mode": mode})
    _tell(consultation, "booked")
    return consultation


def _hours_zone(specialist: SpecialistProfile) -> str:
    hours = specialist.consultation_hours.order_by("-updated_at").first()
    if hours is not None:
        return hours.time_zone
    extra = specialist.consultation_exceptions.order_by("-updated_at").first()
    return extra.time_zone if extra is not None else settings.TIME_ZONE


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().select_related(
        "case__patient__holder", "specialist__user").get(pk=consultation.pk)


def _either_side(consultation: Consultation, actor: User) -> None:
    require(consultation.case.patient.holder_id == actor.pk
            or consultation.specialist.user_id == actor.pk,
            _("Only the patient's account holder or the specialist can change this call."))


@transaction.atomic
def consultation_reschedule(
    *, consultation: Consultation, actor: User, starts_at: dt.datetime
) -> Consultation:
    """Moves a booked call to another free slot of the same specialist, until the set time
    before it; both sides get the new invitation (same UID, higher SEQUENCE)."""
    locked = _locked(consultation)
    _either_side(locked, actor)
    require(locked.is_booked, _("This call is cancelled."))
    require(may_change(locked), _too_late())
    slot = slot_is_free(specialist=locked.specialist, starts_at=starts_at, ignore=locked)
    if slot is None or slot.starts_at == locked.starts_at:
        raise DomainError(_taken())
    now = timezone.now()
    try:
        with transaction.atomic():
            Consultation.objects.filter(pk=locked.pk).update(
                starts_at=slot.starts_at, ends_at=slot.ends_at, sequence=F("sequence") + 1,
                reminded_hour_at=None,
                reminded_day_at=now if slot.starts_at - now <= dt.timedelta(hours=24) else None,
                updated_at=now,
            )
    except IntegrityError:
        raise DomainError(_taken()) from None
    locked.refresh_from_db()
    record(actor=actor, action=ConsultationAction.RESCHEDULE, target=locked)
    _tell(locked, "moved")
    return locked


@transaction.atomic
def consultation_cancel(*, consultation: Consultation, actor: User) -> Consultation:
    """Cancels a booked call, until the set time before it; both sides are told (with an .ics
    that removes it from their calendars) and the slot is free again."""
    locked = _locked(consultation)
    _either_side(locked, actor)
    require(locked.is_booked, _("This call is already cancelled."))
    require(may_change(locked), _too_late())
    return _cancel(locked, actor)


def _cancel(locked: Consultation, actor: User) -> Consultation:
    locked.status = ConsultationStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.sequence += 1
    locked.save(update_fields=["status", "cancelled_at", "cancelled_by", "sequence",
                               "updated_at"])
    record(actor=actor, action=ConsultationAction.CANCEL, target=locked)
    _tell(locked, "cancelled")
    return locked


def consultations_end_at_case_cancel(case: Case, actor: User) -> None:
    """The case is being cancelled (registered in `cases.hooks`): its coming calls are
    cancelled too, whatever the time left, and both sides are told."""
    for call in Consultation.objects.filter(case=case, status=ConsultationStatus.BOOKED,
                                            ends_at__gt=timezone.now()):
        _cancel(_locked(call), actor)


@transaction.atomic
def consultation_note(*, consultation: Consultation, actor: User, note: str) -> Consultation:
    """The specialist's note after the call: written once, then part of the patient's record
    (they are told it is there)."""
    locked = _locked(consultation)
    require(locked.specialist.user_id == actor.pk, _("Only the call's specialist writes its note."))
    require(may_write_note(locked), _("You can write the note once the call has started."))
    require(not locked.note_at, _("The note is already written; it is part of the record."))
    note = note.strip()
    require(note, _("Write what you discussed and advised."))
    require(len(note) <= NOTE_MAX,
            _("Keep the note under %(n)d characters.") % {"n": NOTE_MAX})
    locked.note = note
    locked.note_at = timezone.now()
    locked.save(update_fields=["note", "note_at", "updated_at"])
    record(actor=actor, action=ConsultationAction.NOTE, target=locked)
    holder = locked.case.patient.holder
    with _language(holder):
        subject = _("Your specialist's note on your call")
        user_notify(
            user=holder, message=subject, url=locked.get_absolute_url(), subject=subject,
            body=_("Hello,") + "\n\n" + _("The specialist has written a note on your call. Read "
                                           "it in your account: %(url)s") % {"url": _page(locked)},
            dedupe_key=f"consultation-note:{locked.public_id}",
        )
    return locked


# --- Reminders ------------------------------------------------------------------------------------


def consultation_remind_due() -> int:
    """The periodic sweep: reminds both sides 24 hours and 1 hour before each booked call, once
    each (a conditional UPDATE claims the reminder, so two schedulers never both send it)."""
    now = timezone.now()
    sent = 0
    for field, ahead in REMINDERS:
        due = Consultation.objects.filter(
            status=ConsultationStatus.BOOKED, starts_at__gt=now, starts_at__lte=now + ahead,
            **{f"{field}__isnull": True},
        ).values_list("pk", flat=True)[:200]
        for pk in list(due):
            with transaction.atomic():
                claim = {field: now}
                if field == "reminded_hour_at":
                    # An hour before, a day-before reminder would only be late.
                    Consultation.objects.filter(pk=pk, reminded_day_at__isnull=True).update(
                        reminded_day_at=now)
                if Consultation.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(
                        **claim) != 1:
                    continue
                consultation = Consultation.objects.select_related(
                    "case__patient__holder", "specialist__user").get(pk=pk)
                _remind(consultation, hour=field == "reminded_hour_at")
                sent += 1
    return sent


def _remind(consultation: Consultation, *, hour: bool) -> None:
    case = consultation.case
    profile = consultation.specialist
    record(actor=None, action=ConsultationAction.REMIND, target=consultation,
           detail={"before": "1h" if hour else "24h"})
    for patient_side in (True, False):
        user = case.patient.holder if patient_side else profile.user
        zone = settings.TIME_ZONE if patient_side else consultation.time_zone
        with _language(user):
            who = specialist_label(profile) if patient_side else patient_label(profile, case)
            when = _when(consultation.starts_at, zone)
            subject = (_("In one hour: your call at %(when)s") if hour
                       else _("Tomorrow: your call at %(when)s")) % {"when": when}
            body = "\n".join([
                _("Hello,"), "",
                _("A reminder of your call with %(who)s.") % {"who": who},
                _("When: %(when)s") % {"when": when},
                _("Kind of call: %(mode)s") % {"mode": str(CallMode(consultation.mode).label)},
                _("Join here at that time: %(url)s") % {"url": meeting_url(consultation)},
                "", _page(consultation),
            ])
            user_notify(
                user=user, message=subject, url=consultation.get_absolute_url(),
                subject=subject, body=body,
                dedupe_key=(f"consultation-remind-{'1h' if hour else '24h'}:"
                            f"{consultation.public_id}:{consultation.sequence}:"
                            f"{'patient' if patient_side else 'specialist'}"),
            )
