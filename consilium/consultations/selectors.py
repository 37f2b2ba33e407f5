"""Every read of consultations that depends on who is asking. The account holder sees the calls
of their own cases; a specialist sees their own calls and reaches a case only while they hold an
accepted seat on it (the review app answers that through `cases.hooks`). In the blind identity
mode each side is named to the other only by a pseudonym."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consilium.accounts.models import SpecialistProfile, User
from consilium.audit.services import record
from consilium.cases import hooks
from consilium.cases.models import Case, CaseStatus
from consilium.cases.selectors import case_get
from consilium.consultations.actions import ConsultationAction
from consilium.consultations.models import (
    Consultation,
    ConsultationRequest,
    ConsultationStatus,
    HoursException,
    WeeklyHours,
)
from consilium.consultations.slots import Slot, free_slots

DELIVERED = (CaseStatus.REPORTED, CaseStatus.CLOSED)


def identity_open() -> bool:
    return settings.IDENTITY_MODE == "open"


def meeting_url(consultation: Consultation) -> str:
    url = f"{settings.CONSULTATION_MEETING_BASE_URL}/{consultation.room}"
    if consultation.mode == "phone":
        # A voice call in the same room: nobody's telephone number is given to the other side.
        url += "#config.startWithVideoMuted=true"
    return url


def change_deadline(consultation: Consultation) -> dt.datetime:
    return consultation.starts_at - dt.timedelta(hours=settings.CONSULTATION_CHANGE_HOURS)


def may_change(consultation: Consultation, now: dt.datetime | None = None) -> bool:
    """Either side may move or cancel a booked call until the set time before it."""
    return consultation.is_booked and (now or timezone.now()) < change_deadline(consultation)


def may_write_note(consultation: Consultation, now: dt.datetime | None = None) -> bool:
    return consultation.is_booked and (now or timezone.now()) >= consultation.starts_at


# --- How each side is named to the other ----------------------------------------------------------


def specialist_label(profile: SpecialistProfile) -> str:
    """The specialist as the patient reads them: a name in the open mode, a role otherwise."""
    if identity_open():
        return f"{profile.user.full_name} — {profile.get_specialty_display()}"
    return _("Your specialist — %(specialty)s") % {"specialty": profile.get_specialty_display()}


def case_code_for(profile: SpecialistProfile, case: Case) -> str:
    """The pseudonymous code the specialist knows the case by (from the review app)."""
    link = hooks.specialist_link(profile.user, case)
    return link[1] if link else _("your case")


def patient_label(profile: SpecialistProfile, case: Case) -> str:
    """The patient as the specialist reads them: the case's code only, in the blind mode."""
    code = case_code_for(profile, case)
    if identity_open():
        return f"{case.patient.full_name} · {code}"
    return _("Patient of case %(code)s") % {"code": code}


# --- Reads ----------------------------------------------------------------------------------------


def _profile_of(user: User | AnonymousUser) -> SpecialistProfile | None:
    if not (user.is_authenticated and user.is_specialist):
        return None
    return getattr(user, "specialist_profile", None)


@dataclass
class ConsultationView:
    consultation: Consultation
    is_holder: bool
    is_specialist: bool
    other_side: str
    meeting_url: str
    may_change: bool
    may_write_note: bool
    change_deadline: dt.datetime
    time_zone: str


def consultation_get(
    *,
    user: User | AnonymousUser,
    public_id: UUID | str,
    action: ConsultationAction,
    specialist_only: bool = False,
) -> ConsultationView:
    """One call, for the holder of its case or its specialist (with `specialist_only`, only
    its specialist); 404 for anyone else. Audited once the read is allowed."""
    try:
        consultation = Consultation.objects.select_related(
            "case__patient", "specialist__user"
        ).get(public_id=public_id)
    except (Consultation.DoesNotExist, ValueError):
        raise Http404 from None
    is_holder = user.is_authenticated and (
        consultation.case.patient.holder_id == user.pk
    )
    profile = _profile_of(user)
    is_specialist = profile is not None and consultation.specialist_id == profile.pk
    if not (is_specialist or (is_holder and not specialist_only)):
        raise Http404
    record(actor=user, action=action, target=consultation)
    return ConsultationView(
        consultation=consultation,
        is_holder=bool(is_holder),
        is_specialist=is_specialist,
        other_side=(patient_label(consultation.specialist, consultation.case) if is_specialist
                    else specialist_label(consultation.specialist)),
        meeting_url=meeting_url(consultation),
        may_change=may_change(consultation),
        may_write_note=is_specialist and may_write_note(consultation),
        change_deadline=change_deadline(consultation),
        time_zone=consultation.time_zone if is_specialist else settings.TIME_ZONE,
    )


def specialists_bookable(*, case: Case) -> list[SpecialistProfile]:
    """The specialists with an accepted seat on the case who keep hours for calls: any of them
    once the opinion is delivered, before that only one who asked for a call."""
    if case.status == CaseStatus.CANCELLED:
        return []
    candidates = SpecialistProfile.objects.filter(
        Q(consultation_hours__isnull=False) | Q(consultation_exceptions__kind="extra")
    ).select_related("user").distinct()
    if case.status not in DELIVERED:
        asked = ConsultationRequest.objects.filter(case=case).values("specialist_id")
        candidates = candidates.filter(pk__in=asked)
    return [p for p in candidates.order_by("pk") if hooks.specialist_is_on_case(p.user, case)]


@dataclass
class BookingPage:
    case: Case
    options: list[tuple[SpecialistProfile, str, list[Slot]]]
    asked: bool
    delivered: bool


def booking_page(*, user: User, public_id: UUID | str) -> BookingPage:
    """The holder's booking page for one case: each bookable specialist (as the patient may know
    them) with their free slots."""
    case = case_get(user=user, public_id=public_id, action=ConsultationAction.BOOK_VIEW,
                    holder_only=True)
    specialists = specialists_bookable(case=case)
    return BookingPage(
        case=case,
        options=[(p, specialist_label(p), free_slots(specialist=p)) for p in specialists],
        asked=ConsultationRequest.objects.filter(case=case).exists(),
        delivered=case.status in DELIVERED,
    )


def case_for_specialist(
    *, user: User, public_id: UUID | str, action: ConsultationAction
) -> tuple[
    Case, SpecialistProfile
]:
    """A case the signed-in specialist holds an accepted seat on, or 404. Audited."""
    profile = _profile_of(user)
    if profile is None:
        raise Http404
    try:
        case = Case.objects.select_related("patient").get(public_id=public_id)
    except (Case.DoesNotExist, ValueError):
        raise Http404 from None
    if not hooks.specialist_is_on_case(user, case):
        raise Http404
    record(actor=user, action=action, target=case)
    return case, profile


@dataclass
class SpecialistPage:
    profile: SpecialistProfile
    hours: list[WeeklyHours]
    exceptions: list[HoursException]
    calls: list[tuple[Consultation, str]]


def specialist_page(*, user: User) -> SpecialistPage:
    """The specialist's hours, time off and coming calls (each call named as they may know the
    patient). Audited, since it lists calls about cases."""
    profile = _profile_of(user)
    if profile is None:
        raise Http404
    record(actor=user, action=ConsultationAction.AVAILABILITY_VIEW, target=profile)
    calls = Consultation.objects.filter(
        specialist=profile, status=ConsultationStatus.BOOKED,
        ends_at__gte=timezone.now() - dt.timedelta(days=7),
    ).select_related("case__patient").order_by("starts_at")[:50]
    return SpecialistPage(
        profile=profile,
        hours=list(WeeklyHours.objects.filter(specialist=profile)),
        exceptions=list(HoursException.objects.filter(
            specialist=profile, ends_at__gte=timezone.now()
        )),
        calls=[(c, patient_label(profile, c.case)) for c in calls],
    )


def case_page_part(user: User, case: Case, is_holder: bool) -> dict[str, Any]:
    """The calls part of the case page, for its account holder (the case page has already
    audited the read of the case)."""
    if not is_holder:
        return {}
    calls = list(Consultation.objects.filter(case=case).select_related("specialist__user"))
    bookable = bool(specialists_bookable(case=case))
    if not calls and not bookable:
        return {}
    return {"consultations_part": {
        "calls": [(c, specialist_label(c.specialist)) for c in calls],
        "book_url": (reverse("consultations:book", kwargs={"public_id": case.public_id})
                     if bookable else ""),
    }}
