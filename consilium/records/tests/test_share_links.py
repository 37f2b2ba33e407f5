"""A patient shares one case's report with a doctor by a link: it expires (14 days unless they
choose up to 90), may need a one-time PIN, is kept only as hashes, opens a read-only page for
anyone who holds it, shows the patient every use, and stops working the moment it is revoked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.core.crypto import patient_data_key
from consilium.core.errors import DomainError
from consilium.core.storage import encrypted_write_bytes
from consilium.documents.models import Document
from consilium.documents.tests.conftest import text_pdf
from consilium.records.actions import RecordAction
from consilium.records.models import PIN_ATTEMPTS, ShareLink
from consilium.records.selectors import SHARED_ACTIONS
from consilium.records.services import (
    NewShareLink,
    share_link_create,
    share_link_revoke,
    share_token_hash,
)
from consilium.records.tests.conftest import make_link, shared_url
from consilium.reports.files import report_read
from consilium.reports.models import Report

pytestmark = pytest.mark.django_db


def uses(link: ShareLink) -> list[str]:
    """What happened to the link after it was made, oldest first."""
    return list(
        AuditEvent.objects.filter(detail__share_link=str(link.public_id))
        .filter(action__in=[*SHARED_ACTIONS, RecordAction.SHARE_REVOKE])
        .order_by("id").values_list("action", flat=True)
    )


def stored_document(case: Case) -> Document:
    """The case's first document, with real encrypted bytes behind it."""
    document = case.documents.first()
    assert document is not None
    data = text_pdf("Haemoglobin 11.2 g/dL")
    key, size, sha256 = encrypted_write_bytes(data=data,
                                              data_key=patient_data_key(patient=case.patient))
    Document.objects.filter(pk=document.pk).update(storage_key=key, size=size, sha256=sha256,
                                                   content_type="application/pdf")
    document.refresh_from_db()
    return document


# --- Making a link ------------------------------------------------------------------------------


def test_a_link_expires_after_14_days_unless_the_patient_chooses(reported_case: Case) -> None:
    before = timezone.now()
    new = make_link(reported_case)
    assert dt.timedelta(days=14) <= new.link.expires_at - before < dt.timedelta(days=14, seconds=5)
    longest = make_link(reported_case, days=90)
    assert longest.link.expires_at - before >= dt.timedelta(days=90)


@pytest.mark.parametrize("days", [0, 91, 365])
def test_a_link_cannot_outlive_90_days_or_be_shorter_than_one(
    reported_case: Case, days: int
) -> None:
    with pytest.raises(DomainError):
        make_link(reported_case, days=days)
    assert not ShareLink.objects.exists()


def test_the_token_and_the_pin_are_kept_only_as_hashes(reported_case: Case) -> None:
    new = make_link(reported_case, with_pin=True)
    stored = ShareLink.objects.get(pk=new.link.pk)
    assert len(new.token) >= 43  # 32 random bytes
    assert stored.token_hash == share_token_hash(new.token) != new.token
    assert len(new.pin) == 6 and new.pin.isdigit()
    assert new.pin not in stored.pin_hash
    row = ShareLink.objects.filter(pk=new.link.pk).values().get()
    assert new.token not in str(row) and f"'{new.pin}'" not in str(row)


def test_only_the_account_holder_makes_or_revokes_a_link(
    reported_case: Case, other_patient: Any, coordinator: Any, link: NewShareLink
) -> None:
    for someone in (other_patient.holder, coordinator):
        with pytest.raises(DomainError):
            share_link_create(case=reported_case, actor=someone, label="Dr X")
        with pytest.raises(DomainError):
            share_link_revoke(link=link.link, actor=someone)
    assert ShareLink.objects.get().revoked_at is None


def test_there_is_nothing_to_share_before_the_report(submitted_case: Case) -> None:
    with pytest.raises(DomainError):
        make_link(submitted_case)


def test_the_patient_makes_a_link_on_the_page_and_sees_it_once_with_its_qr_code(
    client: Client, reported_case: Case
) -> None:
    client.force_login(reported_case.patient.holder)
    url = reverse("records:shares", kwargs={"public_id": reported_case.public_id})
    response = client.post(url, {"label": "Dr Mehta", "days": "30", "with_pin": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    link = ShareLink.objects.get()
    token = page.split("/records/s/")[1].split("/")[0]
    assert link.token_hash == share_token_hash(token)
    assert "<svg" in page
    assert link.has_pin and link.label == "Dr Mehta"
    assert response["Cache-Control"] == "private, no-store"
    # Listed afterwards without its token.
    listing = client.get(url).content.decode()
    assert "Dr Mehta" in listing and token not in listing
    event = AuditEvent.objects.get(action=RecordAction.SHARE_CREATE)
    assert event.detail == {"share_link": str(link.public_id), "days": 30, "pin": True,
                            "documents": False}


# --- Opening it --------------------------------------------------------------------------------


def test_anyone_with_the_link_reads_the_report_and_the_patient_sees_that_use(
    client: Client, reported_case: Case, report: Report, link: NewShareLink
) -> None:
    doctor = Client()
    response = doctor.get(shared_url(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The diagnosis is right and the plan your doctors suggest is sound." in page
    assert report.sha256 in page
    assert response["Referrer-Policy"] == "same-origin"
    assert uses(link.link) == [RecordAction.SHARED_OPEN]
    event = AuditEvent.objects.get(action=RecordAction.SHARED_OPEN)
    assert event.actor is None and event.target_id == str(reported_case.public_id)

    client.force_login(reported_case.patient.holder)
    detail = client.get(reverse("records:share_detail", kwargs={"public_id": link.link.public_id}))
    assert "opened the shared report" in detail.content.decode()


def test_the_doctor_downloads_the_signed_pdf_through_the_link(
    report: Report, link: NewShareLink
) -> None:
    response = Client().get(reverse("records:shared_pdf", kwargs={"token": link.token}))
    assert response.status_code == 200
    assert response.content == report_read(report=report)
    assert uses(link.link) == [RecordAction.SHARED_PDF]


def test_a_revoked_link_is_refused_at_once_and_the_attempt_is_shown(
    client: Client, reported_case: Case, link: NewShareLink
) -> None:
    doctor = Client()
    assert doctor.get(shared_url(link)).status_code == 200
    client.force_login(reported_case.patient.holder)
    client.post(reverse("records:share_revoke", kwargs={"public_id": link.link.public_id}))

    response = doctor.get(shared_url(link))

    assert response.status_code == 410
    assert "closed this link" in response.content.decode()
    assert "The diagnosis is right" not in response.content.decode()
    pdf = reverse("records:shared_pdf", kwargs={"token": link.token})
    assert doctor.get(pdf).status_code == 410
    assert uses(link.link) == [RecordAction.SHARED_OPEN, RecordAction.SHARE_REVOKE,
                               RecordAction.SHARED_REFUSED, RecordAction.SHARED_REFUSED]


def test_an_expired_link_is_refused(link: NewShareLink) -> None:
    ShareLink.objects.filter(pk=link.link.pk).update(expires_at=timezone.now())
    response = Client().get(shared_url(link))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_an_unknown_token_opens_nothing(link: NewShareLink) -> None:
    response = Client().get(reverse("records:shared", kwargs={"token": link.token[:-1] + "x"}))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="share_link.open").exists()


# --- The PIN -----------------------------------------------------------------------------------


def test_a_link_with_a_pin_opens_only_after_the_pin_once_in_one_browser(
    reported_case: Case,
) -> None:
    new = make_link(reported_case, with_pin=True)
    doctor = Client()
    asked = doctor.get(shared_url(new))
    assert asked.status_code == 200
    assert "Enter the PIN" in asked.content.decode()
    assert "The diagnosis is right" not in asked.content.decode()
    pdf = reverse("records:shared_pdf", kwargs={"token": new.token})
    assert doctor.get(pdf).status_code == 302

    wrong = "000000" if new.pin != "000000" else "111111"
    refused = doctor.post(shared_url(new), {"pin": wrong})
    assert "not right" in refused.content.decode()
    assert doctor.post(shared_url(new), {"pin": new.pin}).status_code == 302
    assert "The diagnosis is right" in doctor.get(shared_url(new)).content.decode()
    assert doctor.get(pdf).status_code == 200

    # The PIN is spent: another browser with the same link and PIN is refused.
    second = Client()
    assert second.get(shared_url(new)).status_code == 410
    assert uses(new.link)[:4] == [
        RecordAction.SHARED_PIN_FAILED, RecordAction.SHARED_PIN_PASSED,
        RecordAction.SHARED_OPEN, RecordAction.SHARED_PDF,
    ]


def test_too_many_wrong_pins_lock_the_link(reported_case: Case) -> None:
    new = make_link(reported_case, with_pin=True)
    wrong = "000000" if new.pin != "000000" else "111111"
    for _ in range(PIN_ATTEMPTS):
        Client().post(shared_url(new), {"pin": wrong})
    new.link.refresh_from_db()
    assert new.link.is_locked
    # Even the right PIN no longer opens it.
    response = Client().post(shared_url(new), {"pin": new.pin})
    assert response.status_code == 410
    assert "locked" in response.content.decode()


# --- The documents ----------------------------------------------------------------------------


def test_the_uploaded_reports_are_shared_only_if_the_patient_chose(reported_case: Case) -> None:
    document = stored_document(reported_case)
    without = make_link(reported_case)
    url = reverse("records:shared_document",
                  kwargs={"token": without.token, "document_id": document.public_id})
    assert document.original_name not in Client().get(shared_url(without)).content.decode()
    assert Client().get(url).status_code == 404

    with_documents = make_link(reported_case, label="Dr Rao", include_documents=True)
    assert document.original_name in Client().get(shared_url(with_documents)).content.decode()
    response = Client().get(reverse(
        "records:shared_document",
        kwargs={"token": with_documents.token, "document_id": document.public_id},
    ))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"%PDF"  # type: ignore[attr-defined]
    assert RecordAction.SHARED_DOCUMENT in uses(with_documents.link)


# --- The throttle ------------------------------------------------------------------------------


def test_an_address_that_keeps_failing_is_stopped_even_with_a_good_link(
    link: NewShareLink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("consilium.records.services.FAILURE_LIMIT", 3)
    guesser = Client()
    for n in range(3):
        guess = reverse("records:shared", kwargs={"token": f"guess{n}"})
        assert guesser.get(guess).status_code == 404
    response = guesser.get(shared_url(link))
    assert response.status_code == 429
    assert response["Retry-After"]
    # Another address is not stopped.
    assert Client(REMOTE_ADDR="10.0.0.9").get(shared_url(link)).status_code == 200


def test_an_address_is_stopped_after_many_requests(
    link: NewShareLink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("consilium.records.services.REQUEST_LIMIT", 4)
    doctor = Client()
    assert [doctor.get(shared_url(link)).status_code for _ in range(5)] == [200] * 4 + [429]
