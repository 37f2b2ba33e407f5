"""A file's type comes from its first bytes, never from its name or declared type."""

from __future__ import annotations

from typing import Any

from django.test import Client

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.documents.models import Document
from consilium.documents.tests.conftest import png, stored_files, text_pdf, upload
from consilium.documents.upload import sanitise_filename, sniff_content_type


def test_types_are_recognised_by_their_magic_bytes() -> None:
    assert sniff_content_type(b"%PDF-1.7\n") == "application/pdf"
    assert sniff_content_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n") == "image/png"
    assert sniff_content_type(b"MZ\x90\x00") is None
    assert sniff_content_type(b"GIF89a") is None


def test_a_program_named_report_pdf_is_refused_and_nothing_is_kept(
    client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("report.pdf", b"MZ\x90\x00" + b"\x00" * 5000))
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert stored_files(settings) == []
    page = client.get(response.url).content.decode()
    assert "is not a PDF, JPEG or PNG file" in page
    assert AuditEvent.objects.filter(action="document.refused", detail__reason="type").exists()


def test_a_text_file_named_report_pdf_is_refused(client: Client, draft_case: Case) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("report.pdf", b"Creatinine 1.1"), json=True)
    assert response.status_code == 400
    assert "is not a PDF, JPEG or PNG" in response.json()["errors"][0]
    assert not Document.objects.exists()


def test_a_pdf_named_scan_jpg_is_stored_as_a_pdf_and_downloads_as_one(
    client: Client, draft_case: Case
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("scan.jpg", text_pdf("CT chest")), category="imaging")
    document = Document.objects.get()
    assert document.content_type == "application/pdf"
    assert document.original_name == "scan.jpg"
    response = client.get(f"/documents/{document.public_id}/download/")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="scan.pdf"' in response["Content-Disposition"]


def test_several_files_at_once_keep_the_good_ones_and_refuse_the_bad_one(
    client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(
        client, draft_case, ("cbc.pdf", text_pdf("CBC")), ("virus.pdf", b"#!/bin/sh\nrm -rf /"),
        ("lft.png", png()), json=True,
    )
    assert response.json()["saved"] == ["cbc.pdf", "lft.png"]
    assert len(response.json()["errors"]) == 1
    names = sorted(Document.objects.values_list("original_name", flat=True))
    assert names == ["cbc.pdf", "lft.png"]
    assert len(stored_files(settings)) == 2


def test_a_missing_category_keeps_nothing_and_says_so_next_to_the_field(
    client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("cbc.pdf", text_pdf("CBC")), category="")
    assert response.status_code == 400
    assert 'id="category-error"' in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_an_upload_without_the_csrf_token_keeps_nothing(
    draft_case: Case, settings: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("cbc.pdf", text_pdf("CBC")))
    assert response.status_code == 403
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_file_names_lose_paths_and_control_characters_but_keep_hindi() -> None:
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename("C:\\Users\\asha\\रिपोर्ट.pdf") == "रिपोर्ट.pdf"
    assert sanitise_filename("a\x00b\nc<script>.pdf") == "abc_script_.pdf"
    assert sanitise_filename("") == "report"
    assert len(sanitise_filename("x" * 300 + ".pdf")) == 120


def test_an_empty_file_is_called_empty_not_the_wrong_kind(client: Client, draft_case: Case) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("cbc.pdf", b""), json=True)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert "is empty (0 bytes)" in error and "not a PDF" not in error
    assert not Document.objects.exists()
