"""A submitted case goes through triage, a request for information and its answer, a panel of
three, three independent opinions, consolidation, the signed PDF delivered by email to a real
SMTP server, and a follow-up question answered as a signed addendum — all in the browser."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from consilium.accounts.models import User
from consilium.cases.models import Case
from consilium.core.testing import SmtpServer, login_with_2fa
from consilium.documents.tests.conftest import text_pdf
from consilium.patients.models import Patient
from consilium.reports.models import Report
from consilium.reports.signing import pdf_verify
from consilium.review.models import Review
from consilium.review.tests.fixtures import release, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPINION = {
    "assessment_explanation": "Biopsy and imaging agree: invasive ductal carcinoma.",
    "stage_or_severity": "Stage IIA",
    "recommended_treatment": "Breast-conserving surgery, then radiotherapy.",
    "alternatives": "Mastectomy avoids radiotherapy but is a bigger operation.",
    "further_investigations": "HER2 FISH.",
    "clinical_trial_note": "Ask about adjuvant trials.",
    "lifestyle_advice": "Stay active.",
    "patient_summary": "The diagnosis is right; surgery first is reasonable.",
    "answer_1": "Yes, surgery can come first.",
}


class People:
    """One browser context per person, each signed in (staff as if past two-factor)."""

    def __init__(self, chromium: Any, live_server: Any) -> None:
        self.chromium = chromium
        self.live_server = live_server
        self.contexts: list[Any] = []

    def page_for(self, user: User, staff: bool = True) -> Any:
        client = Client()
        if staff:
            login_with_2fa(client, user)
        else:
            client.force_login(user)
        context = self.chromium.new_context(
            base_url=self.live_server.url, viewport={"width": 390, "height": 844},
            accept_downloads=True,
        )
        context.add_cookies([{
            "name": django_settings.SESSION_COOKIE_NAME,
            "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
            "url": self.live_server.url,
        }])
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def people(chromium: Any, live_server: Any) -> Iterator[People]:
    crowd = People(chromium, live_server)
    yield crowd
    crowd.close()


def fill_opinion(page: Any) -> None:
    page.check("input[name=assessment][value=confirmed]")
    page.check("input[name=clinical_trial][value=consider]")
    page.check("input[name=urgency][value=soon]")
    for name, text in OPINION.items():
        page.fill(f"textarea[name={name}]", text)


def download(page: Any, link_text: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"a:has-text('{link_text}')")
    return Path(info.value.path()).read_bytes()


def signature_valid(pdf: bytes) -> bool:
    """pyHanko validates in asyncio; Playwright's sync API holds this thread's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: pdf_verify(pdf=pdf).valid).result(timeout=60)


def attachment(message: Any) -> bytes:
    [part] = [p for p in message.walk() if p.get_filename()]
    payload: bytes = part.get_payload(decode=True)
    return payload


def test_a_case_goes_from_triage_to_a_signed_report_and_an_addendum(
    smtp_server: SmtpServer, people: People, patient: Patient, coordinator: User,
    tumour_board: list[User], tmp_path: Path,
) -> None:
    case: Case = submitted(patient, "board")
    for document in case.documents.all():
        release(document, coordinator)
    holder = patient.holder

    # Triage: the coordinator asks for the biopsy report.
    staff = people.page_for(coordinator)
    staff.goto(case.get_absolute_url())
    staff.click("a:has-text('Ask the patient for information')")
    staff.fill("textarea[name=message]", "Please upload the biopsy report with the IHC results.")
    staff.check("input[name=wanted][value=pathology]")
    staff.click("button:has-text('Send the request')")
    staff.wait_for_selector("text=Information requested")
    asked = [m for m in smtp_server.messages if "more information" in m["Subject"]]
    assert asked and asked[0]["To"] == holder.email

    # The patient uploads it and answers; the case goes back to the queue.
    family = people.page_for(holder, staff=False)
    family.goto(case.get_absolute_url())
    family.click("a:has-text('Answer and add reports')")
    family.click("a:has-text('Add reports')")
    (tmp_path / "biopsy.pdf").write_bytes(text_pdf("Biopsy IHC ER positive"))
    family.select_option("select[name=category]", "pathology")
    family.set_input_files("#id_files", str(tmp_path / "biopsy.pdf"))
    family.click("#upload-form button[type=submit]")
    family.wait_for_selector("#document-list a:has-text('biopsy.pdf')")
    family.click("a:has-text('Back to the request to send your answer')")
    family.click("a:has-text('Answer and add reports')")
    family.fill("textarea[name=answer]", "Here is the biopsy report.")
    family.click("button:has-text('Send my answer')")
    family.wait_for_selector("text=Thank you. Your answer was sent")
    case.refresh_from_db()
    assert case.status == "triage"

    # Assignment: the proposal already holds a panel of three different oncologists.
    staff.goto(case.get_absolute_url())
    staff.click("a:has-text('Assign specialists')")
    assert staff.locator("input[name=specialists]:checked").count() == 3
    lead = tumour_board[0]
    staff.select_option("select[name=lead]", str(lead.specialist_profile.pk))
    staff.click("button:has-text('Offer the case')")
    staff.wait_for_selector("text=The case was offered")
    review = Review.objects.get(case=case)

    # Three independent opinions; before all are in, nobody sees the panel's.
    panel_url = f"/review/panel/{review.public_id}/"
    for n, specialist in enumerate(tumour_board):
        page = people.page_for(specialist)
        page.goto("/review/")
        page.click(f"a:has-text('{review.code}')")
        page.click("button:has-text('Accept this case')")
        page.wait_for_selector("text=Your opinion saves as you type")
        assert "Asha" not in page.content()
        fill_opinion(page)
        page.wait_for_selector("#save-status:has-text('Draft saved')")
        page.click("button:has-text('Review and submit')")
        page.click("button:has-text('Submit my opinion')")
        page.wait_for_selector("text=is submitted")
        if n == 0:
            assert page.goto(panel_url).status == 404

    # The lead consolidates and records the agreement; the report is signed and emailed.
    lead_page = people.page_for(lead)
    lead_page.goto("/review/")
    lead_page.click("a:has-text(\"Consolidate the panel's opinion\")")
    assert lead_page.locator(".side-by-side").count() >= 9
    fill_opinion(lead_page)
    for radio in lead_page.locator("input[name^=agree_][value=agree]").all():
        radio.check()
    lead_page.check("input[name=agreement][value=unanimous]")
    lead_page.click("button:has-text(\"Submit the panel's opinion\")")
    lead_page.wait_for_selector("text=The panel's opinion is submitted")

    family.goto(case.get_absolute_url())
    pdf = download(family, "Download the signed report (version 1)")
    assert signature_valid(pdf)
    [delivered] = [m for m in smtp_server.messages if "second opinion is ready" in m["Subject"]]
    assert delivered["To"] == holder.email
    assert attachment(delivered) == pdf

    # A follow-up question, answered by the lead, becomes version 2.
    family.goto(case.get_absolute_url())
    family.fill("textarea[name=question]", "Can radiotherapy wait until after the wedding?")
    family.click("button:has-text('Send the question')")
    family.wait_for_selector("text=Your question was sent")
    lead_page.goto("/review/")
    lead_page.click(f"section:has-text('Follow-up questions') a:has-text('{review.code}')")
    lead_page.fill("textarea[name=answer]", "A delay of up to six weeks after surgery is safe.")
    lead_page.click("button:has-text('Send the answer')")
    family.goto(case.get_absolute_url())
    addendum = download(family, "Download the signed report (version 2)")
    assert signature_valid(addendum)
    assert Report.objects.filter(case=case).count() == 2
    assert any("follow-up question" in m["Subject"] for m in smtp_server.messages)
