"""In Chromium, on a 360 px phone: the patient reads the opinion page (and its print layout),
makes a share link with a PIN, a doctor opens it in a fresh browser with the PIN, the patient
sees that use in the access log, revokes the link, and the doctor is refused. Every page is
checked with axe-core: a serious or critical violation fails the test."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from consilium.cases.models import Case
from consilium.reports.models import Report
from consilium.reports.services import report_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}


def accessibility_problems(page: Any, name: str) -> list[str]:
    """Serious or critical axe-core violations on the page as it is now."""
    # Evaluated, not added as a <script>: the page's CSP refuses inline scripts.
    page.evaluate(AXE.read_text())
    found: list[str] = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id}: ${v.help} — ` +
                          v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return [f"{name}: {problem}" for problem in found]


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ))


def phone(chromium: Any, live_server: Any, session: str | None = None) -> Any:
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE, locale="en-IN")
    if session:
        context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
                              "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def issued_outside_the_browsers_loop(case: Case) -> None:
    """Signs the case's report in a thread of its own: pyHanko runs asyncio, which cannot start
    inside the event loop Playwright's sync API keeps running in this thread."""
    failures: list[BaseException] = []

    def issue() -> None:
        try:
            if not Report.objects.filter(case=case).exists():
                report_issue(case=case, kind="opinion")
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            failures.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=issue)
    worker.start()
    worker.join()
    assert failures == []
    assert Report.objects.filter(case=case).exists()


def test_a_patient_shares_the_opinion_with_a_pin_sees_the_doctor_read_it_and_revokes_it(
    chromium: Any, live_server: Any, reported_case: Case
) -> None:
    assert AXE.exists(), "axe-core is missing: run `make setup` (it runs `npm ci`)"
    issued_outside_the_browsers_loop(reported_case)
    holder = Client()
    holder.force_login(reported_case.patient.holder)
    patient = phone(chromium, live_server,
                    holder.cookies[django_settings.SESSION_COOKIE_NAME].value)
    problems: list[str] = []

    # Given the patient on their case page, when they open the opinion as a page
    patient.goto(reported_case.get_absolute_url())
    patient.get_by_role("link", name="Read the opinion here").click()
    problems += accessibility_problems(patient, "opinion")
    main = patient.locator("main").inner_text()
    # then the plain-language summary comes before the sections, and the page fits the phone
    assert main.index("In plain words") < main.index("The opinion")
    assert "MCI-12345" in main and "SHA-256" in main
    assert fits_the_screen(patient)
    # and printing leaves out the site's header and the buttons
    patient.emulate_media(media="print")
    assert not patient.locator("header nav").first.is_visible()
    assert patient.locator(".opinion-summary").is_visible()
    patient.emulate_media(media="screen")

    # When they make a link for their doctor with a PIN
    patient.get_by_role("link", name="Share it with a doctor").click()
    problems += accessibility_problems(patient, "shares")
    patient.get_by_label("Who is the link for?").fill("Dr Mehta")
    patient.get_by_label("Protect it with a one-time PIN").check()
    patient.get_by_role("button", name="Make the link").click()
    problems += accessibility_problems(patient, "share-created")
    url = patient.get_by_label("The link").input_value()
    pin = patient.locator("[data-pin]").inner_text().strip()
    assert re.fullmatch(r"\d{6}", pin)
    assert patient.locator(".qr-code svg").is_visible()
    assert fits_the_screen(patient)

    # Then a doctor in a fresh browser opens it with the PIN
    doctor = phone(chromium, live_server)
    doctor.goto(url)
    problems += accessibility_problems(doctor, "shared-pin")
    assert "The diagnosis is right" not in doctor.locator("main").inner_text()
    doctor.get_by_label("PIN (6 digits)").fill(pin)
    doctor.get_by_role("button", name="Open the report").click()
    problems += accessibility_problems(doctor, "shared")
    assert "The diagnosis is right" in doctor.locator("main").inner_text()
    assert fits_the_screen(doctor)

    # and the patient sees that access in their access log, with the link's label
    patient.goto(reported_case.get_absolute_url())
    patient.get_by_role("link", name="Who looked at this record").click()
    problems += accessibility_problems(patient, "access-log")
    first = patient.locator("tbody tr").first.inner_text()
    assert "Someone with your link “Dr Mehta”" in first
    assert "opened the shared report" in first

    # When the patient revokes the link, the doctor's next visit is refused
    patient.goto(reported_case.get_absolute_url())
    patient.get_by_role("link", name="Share it with a doctor by a link").click()
    patient.get_by_role("button", name="Revoke Dr Mehta").click()
    assert "no longer works" in patient.locator(".messages").inner_text()
    doctor.reload()
    problems += accessibility_problems(doctor, "shared-closed")
    assert "closed this link" in doctor.locator("main").inner_text()
    assert "The diagnosis is right" not in doctor.locator("main").inner_text()

    assert problems == []
