"""Files are encrypted on disk, a tampered file is never served, erasing the key erases files."""

from __future__ import annotations

from typing import Any

from django.test import Client

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.core.crypto import HEADER_SIZE, SEALED_CHUNK_SIZE
from consilium.documents.models import Document
from consilium.documents.tests.conftest import sized_pdf, stored_files, text_pdf, upload
from consilium.patients.models import Patient


def download(client: Client, document: Document) -> Any:
    return client.get(f"/documents/{document.public_id}/download/")


def test_the_file_on_disk_holds_no_plaintext(
    client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf("Haemoglobin 9.1")))
    (path,) = stored_files(settings)
    assert b"Haemoglobin" not in path.read_bytes()
    assert b"%PDF" not in path.read_bytes()
    assert Document.objects.get().storage_key in str(path)
    assert "Asha" not in str(path)


def test_a_download_streams_the_exact_original_bytes_with_safe_headers(
    client: Client, draft_case: Case
) -> None:
    original = sized_pdf(3 * 1024 * 1024 + 17)
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("ct report.pdf", original))
    response = download(client, Document.objects.get())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == original
    assert response["Content-Length"] == str(len(original))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'attachment; filename="ct report.pdf"'
    assert AuditEvent.objects.filter(action="document.download").count() == 1


def test_a_file_with_one_flipped_byte_is_refused_and_not_served(
    client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("ct.pdf", sized_pdf(2 * 1024 * 1024)))
    (path,) = stored_files(settings)
    data = bytearray(path.read_bytes())
    data[HEADER_SIZE + SEALED_CHUNK_SIZE + 100] ^= 0x01
    path.write_bytes(bytes(data))
    response = download(client, Document.objects.get())
    assert response.status_code == 500
    assert not response.streaming
    assert "failed our safety check" in response.content.decode()
    assert AuditEvent.objects.filter(action="document.integrity_failed").exists()


def test_a_truncated_file_is_refused(client: Client, draft_case: Case, settings: Any) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("ct.pdf", sized_pdf(2 * 1024 * 1024 + 5)))
    (path,) = stored_files(settings)
    path.write_bytes(path.read_bytes()[: HEADER_SIZE + 2 * SEALED_CHUNK_SIZE])
    assert download(client, Document.objects.get()).status_code == 500


def test_a_file_swapped_for_another_report_of_the_same_patient_is_refused(
    client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("a.pdf", text_pdf("first")), ("b.pdf", text_pdf("second")))
    first, second = Document.objects.order_by("id")
    Document.objects.filter(pk=first.pk).update(storage_key=second.storage_key + "x")
    Document.objects.filter(pk=second.pk).update(storage_key=first.storage_key)
    assert download(client, Document.objects.get(pk=second.pk)).status_code == 500


def test_destroying_the_patients_wrapped_key_makes_their_files_unreadable(
    client: Client, draft_case: Case
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("ct.pdf", text_pdf("CT")))
    Patient.objects.filter(pk=draft_case.patient.pk).update(wrapped_data_key=None)
    response = download(client, Document.objects.get())
    assert response.status_code == 500
