"""In Chromium, on a 360 px phone: a specialist sets hours for calls; a patient whose opinion is
delivered books a video call, both sides' invitations arrive on a real SMTP server with an .ics
that parses, a second booking of the same time (from a page loaded before the first) is refused
with a clear message, the specialist sees the call under a pseudonym, and the patient looks at
moving it, then cancels it after a confirmation page. Every page is checked with axe-core: a
serious or critical violation fails the test."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from consilium.accounts.models import User
from consilium.cases.models import Case
from consilium.consultations.models import Consultation, ConsultationStatus
from consilium.consultations.tests.conftest import ics_of
from consilium.core.testing import SmtpServer, login_with_2fa
from consilium.records.tests.test_share_in_browser import (
    AXE,
    PHONE,
    accessibility_problems,
    fits_the_screen,
    issued_outside_the_browsers_loop,
)
from consilium.review.models import Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_phone(chromium: Any, live_server: Any, user: User) -> Any:
    client = Client()
    if user.is_staff_role:
        login_with_2fa(client, user)
    else:
        client.force_login(user)
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE, locale="en-IN")
    context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def mails(smtp: SmtpServer, subject_start: str, count: int) -> list[Any]:
    """The messages whose subject starts so, once `count` of them have arrived."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [m for m in smtp.messages if str(m["Subject"]).startswith(subject_start)]
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{count} emails '{subject_start}…' did not arrive: "
                         f"{[str(m['Subject']) for m in smtp.messages]}")


def test_a_patient_books_a_video_call_both_get_the_invitation_and_the_same_time_is_refused(
    smtp_server: SmtpServer, chromium: Any, live_server: Any, settings: Any,
    reported_case: Case, specialist: User,
) -> None:
    assert AXE.exists(), "axe-core is missing: run `make setup` (it runs `npm ci`)"
    settings.SITE_URL = live_server.url
    settings.IDENTITY_MODE = "blind"
    settings.CONSULTATION_CHANGE_HOURS = 1  # the first free time (2 h ahead) may still change
    issued_outside_the_browsers_loop(reported_case)
    holder = reported_case.patient.holder
    problems: list[str] = []

    # Given the specialist sets hours for calls, in their own time zone, in two days' time
    doctor = signed_in_phone(chromium, live_server, specialist)
    doctor.goto("/")
    doctor.get_by_role("link", name="Calls").click()
    problems += accessibility_problems(doctor, "hours-empty")
    day = (timezone.now().astimezone(ZoneInfo("Asia/Kolkata")) + dt.timedelta(days=2)).date()
    doctor.get_by_label("Day", exact=True).select_option(str(day.weekday()))
    doctor.get_by_label("From", exact=True).fill("09:00")
    doctor.get_by_label("Until", exact=True).fill("11:00")
    doctor.get_by_label("Your time zone").select_option("Asia/Kolkata")
    doctor.get_by_role("button", name="Add these hours").click()
    doctor.wait_for_selector("text=Your hours are added.")
    assert fits_the_screen(doctor)

    # and the patient on their case page with the opinion delivered
    patient = signed_in_phone(chromium, live_server, holder)
    patient.goto(reported_case.get_absolute_url())
    patient.get_by_role("button", name="Book a video or voice call").click()
    problems += accessibility_problems(patient, "book")
    assert fits_the_screen(patient)
    # and the same booking page open in a second tab, before anything is booked
    second_tab = signed_in_phone(chromium, live_server, holder)
    second_tab.goto(patient.url)

    # When they choose a video call at the first free time and book it
    patient.get_by_label("Video call").check()
    first_time = patient.locator("input[name=slot]").first
    chosen = first_time.get_attribute("value")
    assert chosen is not None
    assert dt.datetime.fromisoformat(chosen.split("|")[1]) == dt.datetime.combine(
        day, dt.time(9), tzinfo=ZoneInfo("Asia/Kolkata"))
    first_time.check()
    patient.get_by_role("button", name="Book this time").click()

    # Then the call's page shows it booked, with the link to join
    patient.wait_for_selector("h1:has-text('Your call')")
    problems += accessibility_problems(patient, "call")
    assert fits_the_screen(patient)
    call = Consultation.objects.get()
    join = patient.get_by_role("button", name="Join the call").get_attribute("href")
    assert join == f"https://meet.jit.si/{call.room}"

    # and both sides' invitations arrive by SMTP, each with an .ics that parses
    booked = mails(smtp_server, "Call booked", 2)
    assert sorted(str(m["To"]) for m in booked) == sorted([holder.email, specialist.email])
    code = Review.objects.get(case=reported_case).code
    for message in booked:
        [event] = ics_of(message).walk("VEVENT")
        assert event.decoded("DTSTART") == call.starts_at
        assert str(event["LOCATION"]) == join
        text = message.get_body(preferencelist=("plain",)).get_content()
        if str(message["To"]) == specialist.email:
            assert code in text and "Asha" not in text  # blind: the case's code only
        else:
            assert "Your specialist" in text and "Oncologist" not in text

    # When the second tab books the same time
    second_tab.check(f"input[name=slot][value='{chosen}']")
    second_tab.get_by_role("button", name="Book this time").click()
    # Then it is refused, clearly, and nothing more is booked
    second_tab.wait_for_selector("text=Someone has just booked this time")
    problems += accessibility_problems(second_tab, "book-refused")
    assert second_tab.locator(f"input[name=slot][value='{chosen}']").count() == 0
    assert Consultation.objects.count() == 1

    # The specialist sees the call among theirs, under the case's code
    doctor.goto("/consultations/hours/")
    problems += accessibility_problems(doctor, "hours")
    assert fits_the_screen(doctor)
    doctor.locator(f"a[href='{call.get_absolute_url()}']").click()
    doctor.wait_for_selector("h1:has-text('Your call')")
    problems += accessibility_problems(doctor, "call-specialist")
    main = doctor.locator("main").inner_text()
    assert code in main and "Asha" not in main

    # The patient can move it to another of the specialist's times
    patient.get_by_role("link", name="Move the call").click()
    problems += accessibility_problems(patient, "move")
    assert fits_the_screen(patient)
    # that weekday twice in the 14 days ahead, four slots each, less the one booked
    assert patient.locator("input[name=slot]").count() == 7
    patient.get_by_role("link", name="No, keep the time").click()

    # The patient cancels after a confirmation page; both are told
    patient.get_by_role("link", name="Cancel the call").click()
    problems += accessibility_problems(patient, "cancel")
    assert fits_the_screen(patient)
    patient.get_by_role("button", name="Yes, cancel the call").click()
    patient.wait_for_selector("h1:has-text('Cancelled call')")
    call.refresh_from_db()
    assert call.status == ConsultationStatus.CANCELLED
    cancelled = mails(smtp_server, "Call cancelled", 2)
    assert all(str(ics_of(m)["METHOD"]) == "CANCEL" for m in cancelled)

    assert problems == []
