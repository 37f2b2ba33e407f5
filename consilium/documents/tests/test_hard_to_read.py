"""A page reading could not read well is marked hard to read, the coordinator is told plainly on
every page that shows the report, and it is released only once they say they checked it by eye."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.core.testing import login_with_2fa
from consilium.documents.models import Document, DocumentPage
from consilium.documents.tests import planted
from consilium.documents.tests.conftest import submit, upload

pytestmark = pytest.mark.django_db


def smudged_photo() -> bytes:
    """A photo with no legible word on it: grey smudges, as a page shot in the dark with a shake."""
    rng = np.random.default_rng(7)
    noise = rng.normal(70, 25, (900, 700)).clip(0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).convert("RGB").save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


@pytest.fixture
def documents(draft_case: Case, django_capture_on_commit_callbacks: Any) -> list[Document]:
    """Report 1: a clear text-layer PDF; report 2: an unreadable photo. Both read."""
    planted.plant(draft_case.patient)
    holder = Client()
    holder.force_login(draft_case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(holder, draft_case, ("histo.pdf", planted.pathology_pdf()), category="pathology")
        upload(holder, draft_case, ("cbc.jpg", smudged_photo()), category="lab")
    submit(draft_case)
    return list(Document.objects.order_by("created_at", "id"))


@pytest.fixture
def signed_in(client: Client, coordinator: Any) -> Client:
    login_with_2fa(client, coordinator)
    return client


def test_an_unreadable_photo_is_marked_hard_to_read_and_a_clear_pdf_is_not(
    documents: list[Document],
) -> None:
    clear, smudged = documents
    assert not DocumentPage.objects.get(document=clear).hard_to_read
    page = DocumentPage.objects.get(document=smudged)
    assert page.hard_to_read
    assert page.checked_by_eye_at is None


def test_the_coordinator_is_told_on_the_case_page_and_on_the_redaction_page(
    signed_in: Client, documents: list[Document],
) -> None:
    case_page = signed_in.get(documents[1].case.get_absolute_url()).content.decode()
    assert "1 page hard to read: check it by eye" in case_page

    review = signed_in.get(f"/documents/{documents[1].public_id}/review/").content.decode()
    assert "Hard to read." in review
    assert "Hard to read: not checked by eye yet." in review
    # A page with no boxes must not read as a clean page.
    assert "No boxes on this page." not in review
    assert "that does not mean there are none" in review

    clear = signed_in.get(f"/documents/{documents[0].public_id}/review/").content.decode()
    assert "Hard to read" not in clear


def test_release_needs_the_tick_for_each_hard_page(
    signed_in: Client, documents: list[Document], coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    smudged = documents[1]
    confirm = signed_in.get(f"/documents/{smudged.public_id}/release/").content.decode()
    assert 'name="checked_by_eye" value="1" required' in confirm

    with django_capture_on_commit_callbacks(execute=True):
        refused = signed_in.post(
            f"/documents/{smudged.public_id}/release/",
            {"version": smudged.redaction_version}, follow=True,
        )
    assert "Page 1 was hard to read" in refused.content.decode()
    smudged.refresh_from_db()
    assert smudged.released_at is None
    assert not AuditEvent.objects.filter(action="document.release").exists()

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            f"/documents/{smudged.public_id}/release/",
            {"version": smudged.redaction_version, "checked_by_eye": "1"},
        )
    smudged.refresh_from_db()
    assert smudged.released_by == coordinator
    page = DocumentPage.objects.get(document=smudged)
    assert page.checked_by_eye_by == coordinator and page.checked_by_eye_at is not None
    event = AuditEvent.objects.get(action="document.release")
    assert event.detail["checked_by_eye"] == [1]


def test_a_clear_report_releases_without_any_tick(
    signed_in: Client, documents: list[Document], django_capture_on_commit_callbacks: Any,
) -> None:
    clear = documents[0]
    confirm = signed_in.get(f"/documents/{clear.public_id}/release/").content.decode()
    assert "checked_by_eye" not in confirm
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/documents/{clear.public_id}/release/",
                       {"version": clear.redaction_version})
    clear.refresh_from_db()
    assert clear.released_at is not None


def test_the_patient_is_asked_for_a_clearer_photo_while_they_can_still_add_one(
    draft_case: Case, django_capture_on_commit_callbacks: Any,
) -> None:
    holder = Client()
    holder.force_login(draft_case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(holder, draft_case, ("cbc.jpg", smudged_photo()), category="lab")
    page = holder.get(f"/documents/case/{draft_case.public_id}/").content.decode()
    assert "Hard to read." in page
    assert "add a clearer photo" in page


def test_the_summary_says_which_pages_were_hard_to_read(
    signed_in: Client, documents: list[Document],
) -> None:
    summary = signed_in.get(f"/insights/case/{documents[1].case.public_id}/summary/")
    html = summary.content.decode()
    assert "Some pages were hard to read" in html
    assert f"/documents/{documents[1].public_id}/review/#page-1" in html
    assert "Report 2, page 1" in html
