"""The account holder books a call with the specialist on their case; both sides are emailed an
invitation with an .ics; either side may move or cancel it until the set time; the specialist
writes a note after it; in the blind mode each side sees only a pseudonym."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consilium.accounts.models import User
from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.consultations.models import Consultation, ConsultationStatus
from consilium.consultations.selectors import booking_page
from consilium.consultations.services import (
    consultation_ask,
    consultation_book,
    consultation_cancel,
    consultation_note,
    consultation_remind_due,
    consultation_reschedule,
)
from consilium.consultations.slots import free_slots
from consilium.consultations.tests.conftest import every_day, ics_of
from consilium.core.errors import DomainError
from consilium.core.testing import login_with_2fa
from consilium.review.models import Review

pytestmark = pytest.mark.django_db


def _book(case: Case, specialist: User, index: int = 0, mode: str = "video") -> Consultation:
    slot = free_slots(specialist=specialist.specialist_profile)[index]
    return consultation_book(case=case, actor=case.patient.holder,
                             specialist=specialist.specialist_profile,
                             starts_at=slot.starts_at, mode=mode)


def _mails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address]]


def test_booking_after_the_opinion_emails_both_sides_an_invitation_that_names_no_one(
    reported_case: Case, specialist_hours: User, django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.IDENTITY_MODE = "blind"
    mail.outbox.clear()
    holder = reported_case.patient.holder
    with django_capture_on_commit_callbacks(execute=True):
        call = _book(reported_case, specialist_hours)

    assert call.status == ConsultationStatus.BOOKED
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", call.room)
    [to_patient] = _mails_to(holder.email)
    [to_specialist] = _mails_to(specialist_hours.email)
    code = Review.objects.get(case=reported_case).code
    for message, hidden, shown in (
        (to_patient, "Oncologist", "Your specialist"),
        (to_specialist, "Asha", code),
    ):
        calendar = ics_of(message)
        [event] = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == "REQUEST"
        assert event.decoded("DTSTART") == call.starts_at
        assert event.decoded("DTEND") == call.ends_at
        assert str(event["LOCATION"]) == f"https://meet.jit.si/{call.room}"
        assert f"https://meet.jit.si/{call.room}" in message.body
        text = message.subject + message.body + calendar.to_ical().decode()
        assert hidden not in text and shown in text
        assert "ATTENDEE" not in calendar.to_ical().decode()
    assert AuditEvent.objects.filter(action="consultation.book", target_id=str(call.public_id),
                                     actor=holder).exists()


def test_in_the_open_mode_each_side_reads_the_others_name(
    reported_case: Case, specialist_hours: User, django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.IDENTITY_MODE = "open"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _book(reported_case, specialist_hours, mode="phone")
    [to_patient] = _mails_to(reported_case.patient.holder.email)
    [to_specialist] = _mails_to(specialist_hours.email)
    assert "Dr Oncologist" in to_patient.body
    assert "Asha Verma" in to_specialist.body
    assert "startWithVideoMuted" in to_patient.body  # a voice call in the same room


def test_a_booked_slot_cannot_be_booked_again(
    reported_case: Case, specialist_hours: User
) -> None:
    call = _book(reported_case, specialist_hours)
    with pytest.raises(DomainError, match="Someone has just booked this time"):
        consultation_book(case=reported_case, actor=reported_case.patient.holder,
                          specialist=specialist_hours.specialist_profile,
                          starts_at=call.starts_at, mode="video")
    assert Consultation.objects.count() == 1
    assert call.starts_at not in {s.starts_at for s in
                                  free_slots(specialist=specialist_hours.specialist_profile)}


def test_a_time_outside_the_hours_is_refused(
    reported_case: Case, specialist_hours: User
) -> None:
    slot = free_slots(specialist=specialist_hours.specialist_profile)[0]
    with pytest.raises(DomainError):
        consultation_book(case=reported_case, actor=reported_case.patient.holder,
                          specialist=specialist_hours.specialist_profile,
                          starts_at=slot.starts_at + dt.timedelta(minutes=7), mode="video")
    assert not Consultation.objects.exists()


def test_before_the_opinion_a_call_is_bookable_only_once_the_specialist_asks(
    submitted_case: Case, coordinator: User, specialist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from consilium.review.tests.fixtures import accept_all, offer

    every_day(specialist)
    accept_all(offer(submitted_case, coordinator, [specialist]))
    holder = submitted_case.patient.holder
    assert booking_page(user=holder, public_id=submitted_case.public_id).options == []

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_ask(case=submitted_case, actor=specialist)
    [asked] = _mails_to(holder.email)
    assert "would like to talk" in asked.body and "Oncologist" not in asked.body

    [(profile, _label, slots)] = booking_page(user=holder, public_id=submitted_case.public_id
                                              ).options
    assert profile == specialist.specialist_profile and slots


def test_a_specialist_not_on_the_case_cannot_ask_or_be_booked(
    reported_case: Case, other_specialist: User
) -> None:
    every_day(other_specialist)
    with pytest.raises(DomainError):
        consultation_book(
            case=reported_case, actor=reported_case.patient.holder,
            specialist=other_specialist.specialist_profile,
            starts_at=free_slots(specialist=other_specialist.specialist_profile)[0].starts_at,
            mode="video",
        )
    client = Client()
    login_with_2fa(client, other_specialist)
    assert client.get(reverse("consultations:ask", kwargs={
        "public_id": reported_case.public_id})).status_code == 404


def test_either_side_cancels_until_the_set_time_and_both_get_a_cancelling_ics(
    reported_case: Case, specialist_hours: User, django_capture_on_commit_callbacks: Any,
) -> None:
    call = _book(reported_case, specialist_hours, index=60)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_cancel(consultation=call, actor=specialist_hours)
    call.refresh_from_db()
    assert call.status == ConsultationStatus.CANCELLED and call.sequence == 1
    for address in (reported_case.patient.holder.email, specialist_hours.email):
        [message] = _mails_to(address)
        calendar = ics_of(message)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
    # and the time is free again
    assert call.starts_at in {s.starts_at for s in
                              free_slots(specialist=specialist_hours.specialist_profile)}


def test_a_call_too_close_cannot_be_cancelled_or_moved(
    reported_case: Case, specialist_hours: User
) -> None:
    call = _book(reported_case, specialist_hours)
    soon = timezone.now() + dt.timedelta(hours=3)
    Consultation.objects.filter(pk=call.pk).update(starts_at=soon,
                                                   ends_at=soon + dt.timedelta(minutes=30))
    call.refresh_from_db()
    with pytest.raises(DomainError, match="too late"):
        consultation_cancel(consultation=call, actor=reported_case.patient.holder)
    later = free_slots(specialist=specialist_hours.specialist_profile)[40]
    with pytest.raises(DomainError, match="too late"):
        consultation_reschedule(consultation=call, actor=reported_case.patient.holder,
                                starts_at=later.starts_at)
    call.refresh_from_db()
    assert call.is_booked and call.starts_at == soon


def test_moving_a_call_keeps_its_link_and_sends_the_new_invitation(
    reported_case: Case, specialist_hours: User, django_capture_on_commit_callbacks: Any,
) -> None:
    call = _book(reported_case, specialist_hours, index=50)
    new = free_slots(specialist=specialist_hours.specialist_profile)[70]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_reschedule(consultation=call, actor=reported_case.patient.holder,
                                starts_at=new.starts_at)
    room = call.room
    call.refresh_from_db()
    assert (call.starts_at, call.room, call.sequence) == (new.starts_at, room, 1)
    [message] = _mails_to(specialist_hours.email)
    [event] = ics_of(message).walk("VEVENT")
    assert event.decoded("DTSTART") == new.starts_at and int(event["SEQUENCE"]) == 1


def test_the_specialists_note_after_the_call_is_in_the_patients_record(
    reported_case: Case, specialist_hours: User, django_capture_on_commit_callbacks: Any,
) -> None:
    call = _book(reported_case, specialist_hours)
    with pytest.raises(DomainError, match="once the call has started"):
        consultation_note(consultation=call, actor=specialist_hours, note="Too early")
    past = timezone.now() - dt.timedelta(minutes=40)
    Consultation.objects.filter(pk=call.pk).update(starts_at=past,
                                                   ends_at=past + dt.timedelta(minutes=30))
    with pytest.raises(DomainError, match="Only the call's specialist"):
        consultation_note(consultation=call, actor=reported_case.patient.holder, note="Mine")

    client = Client()
    login_with_2fa(client, specialist_hours)
    url = reverse("consultations:note", kwargs={"public_id": call.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"note": "Discussed surgery first; start in two weeks."})
    assert response.status_code == 302

    holder = Client()
    holder.force_login(reported_case.patient.holder)
    page = holder.get(call.get_absolute_url()).content.decode()
    assert "Discussed surgery first" in page and "part of the record" in page
    with pytest.raises(DomainError, match="already written"):
        consultation_note(consultation=call, actor=specialist_hours, note="Changed my mind")


def test_reminders_go_a_day_and_an_hour_before_once_each(
    reported_case: Case, specialist_hours: User, django_capture_on_commit_callbacks: Any,
) -> None:
    call = _book(reported_case, specialist_hours, index=100)
    in_a_day = timezone.now() + dt.timedelta(hours=23)
    Consultation.objects.filter(pk=call.pk).update(starts_at=in_a_day,
                                                   ends_at=in_a_day + dt.timedelta(minutes=30))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert consultation_remind_due() == 1
        assert consultation_remind_due() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [reported_case.patient.holder.email, specialist_hours.email])
    assert all(m.subject.startswith("Tomorrow") for m in mail.outbox)

    in_an_hour = timezone.now() + dt.timedelta(minutes=50)
    Consultation.objects.filter(pk=call.pk).update(starts_at=in_an_hour,
                                                   ends_at=in_an_hour + dt.timedelta(minutes=30))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert consultation_remind_due() == 1
        assert consultation_remind_due() == 0
    assert len(mail.outbox) == 2 and all(m.subject.startswith("In one hour")
                                         for m in mail.outbox)


def test_a_cancelled_call_gets_no_reminder(
    reported_case: Case, specialist_hours: User
) -> None:
    call = _book(reported_case, specialist_hours, index=100)
    consultation_cancel(consultation=call, actor=reported_case.patient.holder)
    soon = timezone.now() + dt.timedelta(minutes=50)
    Consultation.objects.filter(pk=call.pk).update(starts_at=soon,
                                                   ends_at=soon + dt.timedelta(minutes=30))
    assert consultation_remind_due() == 0


def test_the_call_page_is_only_for_its_two_sides(
    reported_case: Case, specialist_hours: User, other_specialist: User, other_patient: Any,
    coordinator: User,
) -> None:
    call = _book(reported_case, specialist_hours)
    for user, status in ((reported_case.patient.holder, 200), (specialist_hours, 200),
                         (other_specialist, 404), (other_patient.holder, 404)):
        client = Client()
        if user.is_staff_role:
            login_with_2fa(client, user)
        else:
            client.force_login(user)
        assert client.get(call.get_absolute_url()).status_code == status, user


def test_the_patient_books_through_the_pages_and_a_taken_time_is_explained(
    reported_case: Case, specialist_hours: User, django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    client.force_login(reported_case.patient.holder)
    case_page = client.get(reported_case.get_absolute_url()).content.decode()
    book_url = reverse("consultations:book", kwargs={"public_id": reported_case.public_id})
    assert book_url in case_page
    slot = free_slots(specialist=specialist_hours.specialist_profile)[3]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url, {"slot": slot.key, "mode": "video"})
    call = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == call.get_absolute_url()

    again = client.post(book_url, {"slot": slot.key, "mode": "video"})
    assert again.status_code == 200
    assert "Someone has just booked this time" in again.content.decode()
    assert slot.key not in again.content.decode()
    assert Consultation.objects.count() == 1


def test_cancelling_the_case_cancels_its_coming_calls_and_tells_both_sides(
    submitted_case: Case, coordinator: User, specialist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from consilium.cases.services import case_cancel
    from consilium.review.tests.fixtures import accept_all, offer

    every_day(specialist)
    accept_all(offer(submitted_case, coordinator, [specialist]))
    consultation_ask(case=submitted_case, actor=specialist)
    call = _book(submitted_case, specialist, index=40)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_cancel(case=submitted_case, actor=coordinator, reason="The patient asked us to.")
    call.refresh_from_db()
    assert call.status == ConsultationStatus.CANCELLED and call.cancelled_by == coordinator
    cancelled = [m for m in mail.outbox if m.subject.startswith("Call cancelled")]
    assert sorted(m.to[0] for m in cancelled) == sorted(
        [submitted_case.patient.holder.email, specialist.email])
