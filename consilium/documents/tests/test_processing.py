"""After an upload the worker counts pages and extracts the PDF text layer, stored encrypted."""

from __future__ import annotations

from typing import Any

from django.test import Client

from consilium.cases.models import Case
from consilium.documents.files import document_read_text
from consilium.documents.models import Document, DocumentStatus
from consilium.documents.services import document_process
from consilium.documents.tests.conftest import jpeg, stored_files, text_pdf, upload


def test_an_uploaded_pdf_gets_its_pages_counted_and_text_extracted(
    client: Client, draft_case: Case, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, draft_case, ("cbc.pdf", text_pdf("Haemoglobin 9.1 g/dL", "Platelets 1.5")))
    document = Document.objects.get()
    assert document.status == DocumentStatus.PROCESSED
    assert document.page_count == 2
    assert document_read_text(document=document) == "Haemoglobin 9.1 g/dL\fPlatelets 1.5"
    assert len(stored_files(settings)) == 2
    assert all(b"Haemoglobin" not in path.read_bytes() for path in stored_files(settings))


def test_a_photo_counts_as_one_page(
    client: Client, draft_case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, draft_case, ("page.jpg", jpeg()))
    document = Document.objects.get()
    assert (document.status, document.page_count, document.text_storage_key) == (
        DocumentStatus.PROCESSED, 1, ""
    )


def test_a_file_that_cannot_be_read_is_marked_failed_with_a_short_message(
    client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf("CBC")))
    document = Document.objects.get()
    (path,) = stored_files(settings)
    path.write_bytes(path.read_bytes()[:-1])
    document = document_process(document=document)
    assert document.status == DocumentStatus.FAILED
    assert document.processing_error == "The file could not be read. Our team will look at it."


def test_the_page_polls_while_a_report_is_being_read(client: Client, draft_case: Case) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf("CBC")))
    page = client.get(f"/documents/case/{draft_case.public_id}/").content.decode()
    assert 'hx-trigger="every 3s"' in page
    document_process(document=Document.objects.get())
    page = client.get(f"/documents/case/{draft_case.public_id}/").content.decode()
    assert 'hx-trigger="every 3s"' not in page
