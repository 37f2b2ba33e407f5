"""Who may list, download and remove a case's reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from consilium.accounts.models import User
from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.core.testing import login_with_2fa
from consilium.documents.models import Document
from consilium.documents.tests.conftest import stored_files, submit, text_pdf, upload


@pytest.fixture
def document(client: Client, draft_case: Case) -> Document:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf("CBC")))
    client.logout()
    return Document.objects.get()


def urls(document: Document) -> dict[str, str]:
    return {
        "list": f"/documents/case/{document.case.public_id}/",
        "download": f"/documents/{document.public_id}/download/",
        "delete": f"/documents/{document.public_id}/delete/",
    }


@pytest.mark.parametrize("page", ["list", "download", "delete"])
def test_another_patient_gets_not_found(
    page: str, client: Client, document: Document, other_patient: Any
) -> None:
    client.force_login(other_patient.holder)
    assert client.get(urls(document)[page]).status_code == 404


@pytest.mark.parametrize("page", ["list", "download", "delete"])
def test_a_specialist_gets_not_found(
    page: str, client: Client, document: Document, specialist: User
) -> None:
    submit(document.case)
    login_with_2fa(client, specialist)
    assert client.get(urls(document)[page]).status_code == 404


@pytest.mark.parametrize("page", ["list", "download", "delete"])
def test_an_anonymous_visitor_is_sent_to_sign_in(
    page: str, client: Client, document: Document
) -> None:
    response = client.get(urls(document)[page])
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_anyone_else_cannot_upload_to_a_case(
    client: Client, draft_case: Case, other_patient: Any, settings: Any
) -> None:
    client.force_login(other_patient.holder)
    assert upload(client, draft_case, ("x.pdf", text_pdf("x"))).status_code == 404
    assert stored_files(settings) == []


def test_a_coordinator_does_not_see_a_draft_but_reads_a_submitted_case(
    client: Client, document: Document, coordinator: User
) -> None:
    login_with_2fa(client, coordinator)
    assert client.get(urls(document)["list"]).status_code == 404
    submit(document.case)
    page = client.get(urls(document)["list"])
    assert page.status_code == 200
    assert "cbc.pdf" in page.content.decode()
    assert 'id="upload-form"' not in page.content.decode()
    assert client.get(urls(document)["download"]).status_code == 200
    assert client.get(urls(document)["delete"]).status_code == 404


def test_the_holder_removes_a_report_of_a_draft_after_confirming(
    client: Client, document: Document, settings: Any
) -> None:
    client.force_login(document.case.patient.holder)
    confirm = client.get(urls(document)["delete"])
    assert "Remove this report?" in confirm.content.decode()
    assert Document.objects.exists()
    with_files = stored_files(settings)
    assert with_files
    response = client.post(urls(document)["delete"])
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert AuditEvent.objects.filter(action="document.delete").exists()


def test_the_file_is_removed_from_storage_once_the_delete_commits(
    client: Client, document: Document, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(document.case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urls(document)["delete"])
    assert stored_files(settings) == []


def test_after_submission_the_holder_reads_the_list_but_cannot_change_it(
    client: Client, document: Document
) -> None:
    submit(document.case)
    client.force_login(document.case.patient.holder)
    page = client.get(urls(document)["list"]).content.decode()
    assert "cbc.pdf" in page
    assert 'id="upload-form"' not in page
    assert client.post(urls(document)["delete"]).status_code == 404
    assert upload(client, document.case, ("x.pdf", text_pdf("x"))).status_code == 404
    assert Document.objects.count() == 1


def test_reads_and_writes_leave_audit_events_without_health_data(
    client: Client, document: Document
) -> None:
    client.force_login(document.case.patient.holder)
    client.get(urls(document)["list"])
    b"".join(client.get(urls(document)["download"]).streaming_content)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"document.upload", "document.list", "document.download"} <= actions
    for event in AuditEvent.objects.all():
        assert "cbc.pdf" not in str(event.detail).lower()
