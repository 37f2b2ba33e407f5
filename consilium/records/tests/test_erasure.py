"""Erasing a patient: after it, every stored object of theirs fails to decrypt with any key the
deployment still has (copies kept as a backup would keep them included), no row of any model
holds their name, phone, email or ABHA number, the audit log keeps the erasure, payments and the
consent's tombstone stay; a request still open is refused with the reason; a coordinator needs
the written request; a deployment that keeps signed reports keeps them under its own key."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse

from consilium.accounts.models import User
from consilium.audit.models import AuditEvent
from consilium.billing.models import Payment
from consilium.cases.models import Case, CaseStatus
from consilium.cases.services import case_transition
from consilium.consent.models import ConsentSignature
from consilium.core.crypto import (
    DecryptingReader,
    TamperedFileError,
    backup_key,
    patient_data_key,
    retention_key,
)
from consilium.core.integrity import integrity_check_all
from consilium.core.storage import encrypted_read_bytes, encrypted_write_bytes
from consilium.core.testing import login_with_2fa, stored_objects
from consilium.notifications.services import notification_create
from consilium.patients.models import Patient
from consilium.records.actions import RecordAction
from consilium.records.erasure import ERASED, retained_report_read
from consilium.records.models import Erasure, RecordExport, RetainedReport
from consilium.records.services import share_link_create
from consilium.records.tests.test_export import ABHA, build_export, build_record
from consilium.reports.models import Report

pytestmark = pytest.mark.django_db


def erase_url(patient: Patient) -> str:
    return reverse("records:erase", kwargs={"public_id": patient.public_id})


@pytest.fixture
def closed_record(patient: Patient, coordinator: User, specialist: User,
                  django_capture_on_commit_callbacks: Any) -> Case:
    """A whole record: uploads read by the worker, a signed report, a consent, a payment, an
    export, a share link, a notice naming the patient; the case then closed."""
    case = build_record(patient, coordinator, specialist, django_capture_on_commit_callbacks)
    build_export(Client(), patient, django_capture_on_commit_callbacks)
    share_link_create(case=case, actor=patient.holder, label="Dr Mehta")
    notification_create(user=coordinator, message=f"{patient.full_name} uploaded a report",
                        url="/")
    case_transition(case=case, to=CaseStatus.CLOSED, actor=coordinator)
    return case


def identity_of(patient: Patient) -> list[str]:
    return [patient.full_name, patient.email, patient.phone, patient.phone[-10:], ABHA]


def rows_naming(values: list[str]) -> list[str]:
    """Every row, of every model, with one of the values in any of its text columns (JSON
    columns read as text)."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                column: Any = field.name
                queryset = model._default_manager.all()
            elif isinstance(field, models.JSONField):
                column = f"{field.name}_as_text"
                queryset = model._default_manager.annotate(
                    **{column: Cast(field.name, models.TextField())})
            else:
                continue
            for value in values:
                if queryset.filter(**{f"{column}__icontains": value}).exists():
                    found.append(f"{model._meta.label}.{field.name} holds {value!r}")
    return found


def keys_the_deployment_has() -> list[bytes]:
    keys = [backup_key(), retention_key()]
    for patient in Patient.objects.filter(wrapped_data_key__isnull=False):
        keys.append(patient_data_key(patient=patient))
    return keys


def opens_with(blob: bytes, key: bytes) -> bool:
    try:
        with DecryptingReader(io.BytesIO(blob), key) as reader:
            reader.read()
    except TamperedFileError:
        return False
    return True


def test_after_erasure_no_file_opens_no_row_names_the_patient_and_the_audit_keeps_it(
    client: Client, closed_record: Case, other_patient: Patient, smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    patient = closed_record.patient
    identity = identity_of(patient)
    assert rows_naming(identity), "the record names the patient before it is erased"
    # Another patient's file, which must still open afterwards.
    other_key, _size, other_sha = encrypted_write_bytes(
        data=b"another patient's report", data_key=patient_data_key(patient=other_patient))
    # What a backup of the file store would hold: every stored object as ciphertext.
    backup = {o.key: o.read_bytes() for o in stored_objects() if o.key != other_key}
    old_key = patient_data_key(patient=patient)
    assert len(backup) >= 6 and all(opens_with(blob, old_key) for blob in backup.values())
    events_before = AuditEvent.objects.count()
    payments = Payment.objects.filter(case=closed_record).count()

    # When the account holder (the patient herself) confirms the erasure
    client.force_login(patient.holder)
    page = client.get(erase_url(patient)).content.decode()
    assert "What will be lost" in page and "What stays, and why" in page
    assert "Your account: you will be signed out" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(patient), {"confirm": "on"})

    # then she is signed out, her key is gone and no stored object of hers opens with any key
    # the deployment has, not even the copies a backup kept
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get(reverse("cases:my_cases")).status_code == 302
    patient.refresh_from_db()
    assert patient.wrapped_data_key is None
    remaining = {o.key for o in stored_objects()}
    assert not remaining & set(backup), "the erased files are deleted from the store"
    keys = keys_the_deployment_has()
    assert [key for key, blob in backup.items() if any(opens_with(blob, k) for k in keys)] == []
    assert encrypted_read_bytes(key=other_key, data_key=patient_data_key(patient=other_patient),
                                sha256=other_sha) == b"another patient's report"
    # and no row of any model holds her name, phone, email or ABHA number
    assert rows_naming(identity) == []
    # and the audit log keeps everything it had, and the erasure
    assert AuditEvent.objects.count() > events_before
    erased = AuditEvent.objects.get(action=RecordAction.ERASE)
    assert erased.target_id == str(patient.public_id)
    assert erased.detail["by"] == "holder" and erased.detail["documents"] == 2
    # and the payments and the consent's tombstone stay, the reports do not (by default)
    assert Payment.objects.filter(case=closed_record).count() == payments == 1
    [consent] = ConsentSignature.objects.filter(case=closed_record)
    assert consent.signer_name == ERASED and consent.text_sha256 and consent.signed_at
    assert not Report.objects.filter(case=closed_record).exists()
    assert not RecordExport.objects.filter(patient=patient).exists()
    assert Erasure.objects.get(patient=patient).kept == {
        "payments": 1, "consents": 1, "reports": 0, "cases": 1}
    # and the confirmation email, over real SMTP, says what stayed and why
    [message] = [m for m in smtp_server.messages if "erased" in m["Subject"]]
    assert message["To"] == "asha@example.com"
    body = message.get_payload(decode=True).decode()
    assert "1 payment record: the law on accounts requires us to keep it." in body
    assert "Your account is closed." in body


def test_a_record_with_a_request_still_open_is_refused_with_the_reason(
    client: Client, submitted_case: Case,
) -> None:
    patient = submitted_case.patient
    client.force_login(patient.holder)
    response = client.post(erase_url(patient), {"confirm": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{submitted_case.reference} (Waiting for triage) still open" in page
    patient.refresh_from_db()
    assert patient.full_name == "Asha Verma" and patient.phone
    assert not Erasure.objects.exists()
    assert not AuditEvent.objects.filter(action=RecordAction.ERASE).exists()


def test_nothing_is_erased_without_the_box_ticked(client: Client, patient: Patient) -> None:
    client.force_login(patient.holder)
    response = client.post(erase_url(patient), {})
    assert "Tick the box to say you understand." in response.content.decode()
    assert not Erasure.objects.exists()


def test_a_coordinator_erases_on_a_written_request_and_the_relatives_account_stays(
    proxy: Patient, coordinator: User, django_capture_on_commit_callbacks: Any,
) -> None:
    from consilium.cases.services import case_create

    case = case_create(patient=proxy, actor=proxy.holder)
    client = Client()
    login_with_2fa(client, coordinator)
    assert client.post(erase_url(proxy), {"confirm": "on"}).status_code == 200
    assert not Erasure.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(proxy), {
            "confirm": "on", "reason": "Email of 3 March from Ravi Kumar for Mohan Kumar"})

    assert response.status_code == 302
    erasure = Erasure.objects.get(patient=proxy)
    assert erasure.requested_by == coordinator
    assert erasure.reason == f"Email of 3 March from Ravi Kumar for {ERASED}"
    assert AuditEvent.objects.get(action=RecordAction.ERASE).detail["by"] == "coordinator"
    holder = User.objects.get(pk=proxy.holder.pk)
    assert holder.is_active and holder.email == "ravi@example.com"
    assert rows_naming(["Mohan Kumar"]) == []
    case.refresh_from_db()
    assert case.reference


def test_a_deployment_that_keeps_signed_reports_keeps_them_under_its_own_key(
    client: Client, closed_record: Case, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.ERASURE_KEEPS_REPORTS = True
    patient = closed_record.patient
    report = Report.objects.get(case=closed_record)
    client.force_login(patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(erase_url(patient), {"confirm": "on"})

    assert Erasure.objects.get(patient=patient).kept["reports"] == 1
    kept = retained_report_read(report=report)
    assert hashlib.sha256(kept).hexdigest() == report.sha256
    assert RetainedReport.objects.get(report=report).storage_key != report.storage_key
    assert report.storage_key not in {o.key for o in stored_objects()}
    # and `manage.py verify_files` checks it under that key, not as a report whose key is gone
    results = {r.kind: r for r in integrity_check_all()}
    assert results["retained reports"].checked == 1 and results["retained reports"].ok
    assert results["reports"].ok
    assert rows_naming(identity_of(patient)[1:]) == []
