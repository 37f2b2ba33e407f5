"""PDFs that could run code, launch programs or hide files are refused; so are locked ones."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import pytest
from django.test import Client

from consilium.cases.models import Case
from consilium.documents.models import Document
from consilium.documents.tests.conftest import stored_files, text_pdf, upload

JS_ACTION = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))


def with_page_action() -> bytes:
    pdf = pikepdf.open(io.BytesIO(text_pdf("Report")))
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=JS_ACTION)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def with_embedded_file() -> bytes:
    pdf = pikepdf.open(io.BytesIO(text_pdf("Report")))
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def locked() -> bytes:
    pdf = pikepdf.open(io.BytesIO(text_pdf("Report")))
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(user="17051970", owner="lab"))
    return buffer.getvalue()


def owner_locked() -> bytes:
    pdf = pikepdf.open(io.BytesIO(text_pdf("Report")))
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(user="", owner="lab"))
    return buffer.getvalue()


UNSAFE = {
    "javascript on open": lambda: text_pdf("x", extra={"/OpenAction": JS_ACTION}),
    "javascript in a page action": with_page_action,
    "launch action": lambda: text_pdf(
        "x", extra={"/OpenAction": pikepdf.Dictionary(S=pikepdf.Name.Launch,
                                                      F=pikepdf.String("cmd.exe"))}
    ),
    "document javascript": lambda: text_pdf(
        "x", extra={"/Names": pikepdf.Dictionary(JavaScript=pikepdf.Dictionary())}
    ),
    "embedded file": with_embedded_file,
}


@pytest.mark.parametrize("kind", UNSAFE)
def test_an_unsafe_pdf_is_refused_and_not_kept(
    kind: str, client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("report.pdf", UNSAFE[kind]()), json=True)
    assert response.status_code == 400
    assert "scripts, actions or attached files" in response.json()["errors"][0]
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_pdf_that_needs_a_password_is_refused_with_advice(
    client: Client, draft_case: Case
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("lab.pdf", locked()), json=True)
    assert "protected by a password" in response.json()["errors"][0]


def test_a_pdf_that_only_restricts_printing_is_accepted(client: Client, draft_case: Case) -> None:
    # Many labs send reports with an owner password only; anyone can open them.
    client.force_login(draft_case.patient.holder)
    assert upload(client, draft_case, ("lab.pdf", owner_locked()), json=True).status_code == 200


def test_a_damaged_pdf_is_refused(client: Client, draft_case: Case) -> None:
    client.force_login(draft_case.patient.holder)
    damaged = b"%PDF-1.4\n" + b"\x00garbage" * 10
    response = upload(client, draft_case, ("lab.pdf", damaged), json=True)
    assert "damaged" in response.json()["errors"][0]


def test_a_plain_pdf_with_a_link_to_a_page_is_accepted(client: Client, draft_case: Case) -> None:
    client.force_login(draft_case.patient.holder)
    pdf = text_pdf("x", extra={"/OpenAction": pikepdf.Array([0, pikepdf.Name.Fit])})
    assert upload(client, draft_case, ("ok.pdf", pdf), json=True).status_code == 200
