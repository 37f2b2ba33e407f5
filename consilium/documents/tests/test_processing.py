"""After an upload the worker reads every page and keeps what it read encrypted; a file that
cannot be read fails with a plain message and a coordinator can have it read again."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.core.testing import login_with_2fa
from consilium.documents.files import document_read_text
from consilium.documents.models import Document, DocumentStatus
from consilium.documents.services import document_process
from consilium.documents.tests.conftest import jpeg, stored_files, submit, text_pdf, upload

# Long enough to count as a text layer (shorter pages are scans and go to OCR).
TEXT = "Haemoglobin 9.1 g/dL, range 12.0 - 15.0"


def test_an_uploaded_pdf_gets_its_pages_counted_and_text_extracted(
    client: Client, draft_case: Case, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, draft_case, ("cbc.pdf", text_pdf(TEXT, "Platelet count 150 x10^9/L")))
    document = Document.objects.get()
    assert document.status == DocumentStatus.PROCESSED
    assert document.page_count == 2
    assert document_read_text(document=document) == f"{TEXT}\fPlatelet count 150 x10^9/L"
    # The original, its text, the analysis, two page pictures, the rendition and its text.
    files = stored_files(settings)
    assert len(files) == 7
    for path in files:
        data = path.read_bytes()
        assert data.startswith(b"CSLM")
        assert b"Haemoglobin" not in data and b"%PDF" not in data and b"JFIF" not in data


def test_a_photo_counts_as_one_page_read_by_ocr(
    client: Client, draft_case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, draft_case, ("page.jpg", jpeg((120, 90))))
    document = Document.objects.get()
    assert (document.status, document.page_count) == (DocumentStatus.PROCESSED, 1)
    assert document.pages.get().source == "ocr"


def test_a_file_that_cannot_be_read_is_marked_failed_with_a_short_message(
    client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf("Haemoglobin 9.1")))
    document = Document.objects.get()
    (path,) = stored_files(settings)
    path.write_bytes(path.read_bytes()[:-1])

    document = document_process(document=document)

    assert document.status == DocumentStatus.FAILED
    assert document.processing_error == "The file could not be read. Our team will look at it."
    assert stored_files(settings) == [path]


def test_a_failure_after_reading_keeps_nothing_and_logs_no_word_of_the_report(
    client: Client, draft_case: Case, settings: Any, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from consilium.documents import services

    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf(f"Asha Verma {TEXT}")))
    (original,) = stored_files(settings)

    def failing(pages: Any) -> Any:
        raise ValueError(f"could not convert string to float: {pages[0].text!r}")

    monkeypatch.setattr(services, "extract_facts", failing)
    with caplog.at_level(logging.ERROR):
        document = document_process(document=Document.objects.get())

    assert document.status == DocumentStatus.FAILED
    assert stored_files(settings) == [original]  # the page picture written meanwhile is gone
    assert str(document.public_id) in caplog.text and "ValueError" in caplog.text
    assert "Asha" not in caplog.text and "Haemoglobin" not in caplog.text


def test_a_coordinator_has_a_failed_report_read_again(
    client: Client, draft_case: Case, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf(TEXT)))
    document = Document.objects.get()
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.FAILED, processing_error="The file could not be read."
    )
    submit(draft_case)
    login_with_2fa(client, coordinator)

    case_page = client.get(draft_case.get_absolute_url()).content.decode()
    assert "Could not be read" in case_page and "Try reading it again" in case_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{document.public_id}/retry/")

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.PROCESSED
    assert AuditEvent.objects.filter(action="document.retry", actor=coordinator).exists()


def test_a_report_being_read_cannot_be_sent_for_another_try(
    client: Client, draft_case: Case, coordinator: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf(TEXT)))
    document = Document.objects.get()
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.PROCESSING)
    submit(draft_case)
    login_with_2fa(client, coordinator)

    response = client.post(f"/documents/{document.public_id}/retry/", follow=True)

    assert "This report is not waiting for another try." in response.content.decode()
    assert Document.objects.get().status == DocumentStatus.PROCESSING


def test_the_page_polls_while_a_report_is_being_read(client: Client, draft_case: Case) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf(TEXT)))
    page = client.get(f"/documents/case/{draft_case.public_id}/").content.decode()
    assert 'hx-trigger="every 3s"' in page
    document_process(document=Document.objects.get())
    page = client.get(f"/documents/case/{draft_case.public_id}/").content.decode()
    assert 'hx-trigger="every 3s"' not in page


def test_removing_a_report_removes_every_file_made_from_it(
    client: Client, draft_case: Case, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, draft_case, ("cbc.pdf", text_pdf(TEXT)))
    document = Document.objects.get()
    assert len(stored_files(settings)) == 6

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/{document.public_id}/delete/")

    assert stored_files(settings) == []
