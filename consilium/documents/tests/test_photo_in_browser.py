"""A phone photo of a lab report on a dark table, tilted 3°, or taken sideways and 6° more, from the
patient's phone to the specialist: the coordinator sees boxes over the identifiers, and the
specialist gets the page upright with no identifier of the patient readable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.conf import settings as django_settings
from django.test import Client

from conftest import make_specialist
from consilium.cases.services import (
    case_create,
    case_save_condition,
    case_set_questions,
    case_submit,
)
from consilium.cases.tests.conftest import add_consent, add_payment
from consilium.core.testing import login_with_2fa, wait_for_js
from consilium.documents.models import Document, DocumentPage
from consilium.documents.tests import planted
from consilium.documents.tests.test_review_in_browser import accessibility_problems
from consilium.insights.tests.fixtures import pdf_from_html, photo_on_table, render_page
from consilium.review.models import Assignment
from consilium.review.services import assignment_accept, assignment_offer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


def signed_in_context(chromium: Any, live_server: Any, user: Any, *, phone: bool) -> Any:
    """A browser signed in as `user`: staff through their second factor, a patient plainly."""
    client = Client()
    if phone:
        client.force_login(user)
    else:
        login_with_2fa(client, user)
    viewport = {"width": 360, "height": 780} if phone else {"width": 1280, "height": 900}
    context = chromium.new_context(base_url=live_server.url, viewport=viewport, locale="en-IN")
    context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


@pytest.mark.parametrize(("tilt", "frame"), [
    (3.0, (1500, 2000)),  # upright, tilted 3°
    (96.0, (2000, 1500)),  # landscape frame, the page turned a quarter and 6° more, no EXIF
], ids=["tilted", "sideways"])
def test_a_tilted_photo_reaches_the_specialist_upright_and_de_identified(
    tilt: float, frame: tuple[int, int], chromium: Any, live_server: Any, patient: Any,
    coordinator: Any, tmp_path: Path,
) -> None:
    planted.plant(patient)
    case = case_create(patient=patient, actor=patient.holder)
    case_save_condition(case=case, actor=patient.holder,
                        data={"medical_area": "cancer", "diagnosis_so_far": "Breast cancer"})
    case_set_questions(case=case, actor=patient.holder, texts=["Is chemotherapy needed?"])
    add_consent(case)
    add_payment(case)
    photo = tmp_path / "cbc-photo.jpg"
    photo.write_bytes(photo_on_table(render_page(pdf_from_html(planted.lab_html()), dpi=150),
                                     tilt=tilt, size=frame))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The patient, on a phone, uploads the photo.
    context, page = signed_in_context(chromium, live_server, patient.holder, phone=True)
    page.goto(f"/documents/case/{case.public_id}/")
    page.select_option("#id_category", "lab")
    page.set_input_files("#id_files", str(photo))
    page.click("#upload-form button[type=submit]")
    wait_for_js(page, 
        "document.querySelector('#document-list') &&"
        " document.querySelector('#document-list').innerText.includes('Read')"
    )
    context.close()
    document = Document.objects.get(case=case)
    assert document.status == "processed"
    case_submit(case=case, actor=patient.holder)

    # The coordinator checks the boxes: this photo is legible, so it is read, not waved through as
    # "hard to read", and the name and phone number are boxed.
    context, page = signed_in_context(chromium, live_server, coordinator, phone=False)
    page.goto(f"/documents/{document.public_id}/review/")
    wait_for_js(page, 
        "Array.from(document.images).every(function (i) { return i.complete && i.naturalWidth; })"
    )
    page.screenshot(path=str(SCREENSHOTS / f"photo-review-{tilt:g}.png"), full_page=True)
    problems = accessibility_problems(page)
    assert DocumentPage.objects.get(document=document).hard_to_read is False
    assert page.locator("text=Hard to read").count() == 0
    kinds = set(document.boxes.filter(active=True).values_list("kind", flat=True))
    assert {"NAME", "PHONE"} <= kinds, kinds
    assert page.locator("#page-1 .redaction-box").count() == document.boxes.count()
    page.click("text=Release to the specialists…")
    page.click("button:has-text('Yes, release it')")
    page.wait_for_selector("text=was released to the specialists")
    context.close()
    assert problems == []

    # The specialist opens the rendition: upright, legible, and nothing of the patient on it.
    specialist = make_specialist("onco@example.com")
    assignment_offer(case=case, actor=coordinator,
                     specialists=[specialist.specialist_profile], panel_size=1)
    seat = Assignment.objects.get(review__case=case)
    assignment_accept(assignment=seat, actor=specialist)
    context, page = signed_in_context(chromium, live_server, specialist, phone=False)
    response = page.request.get(f"/review/a/{seat.public_id}/documents/{document.public_id}/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    rendition = response.body()
    context.close()
    assert len(pdfium.PdfDocument(rendition)) == 1
    picture = render_page(rendition, dpi=150)
    picture.save(SCREENSHOTS / f"photo-rendition-{tilt:g}.png")
    # Tesseract as it is, told nothing about orientation: it reads the lab's words only if the
    # page is upright, and it must read none of the patient's.
    text = upright_text(picture)
    assert "haemoglobin" in text.lower() and "potassium" in text.lower(), text
    # The label "ABHA No:" is a label, not the patient: at this resolution Tesseract may read it
    # "ASHA No:", which is her first name. Only the label's word right before "No" is dropped.
    text = re.sub(r"\b[a-z]sha(?= no\b)", "ABHA", text, flags=re.IGNORECASE)
    assert planted.identifiers_in(text) == {}


def upright_text(picture: Any) -> str:
    import tesserocr

    from consilium.insights.reading import tessdata_path

    with tesserocr.PyTessBaseAPI(path=tessdata_path(), lang="eng",
                                 psm=tesserocr.PSM.SINGLE_BLOCK) as api:
        api.SetImage(picture.convert("L"))
        return str(api.GetUTF8Text())
