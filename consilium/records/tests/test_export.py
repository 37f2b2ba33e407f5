"""The patient takes the whole record away: one click, a zip built in the worker, a FHIR R4
document Bundle that parses with the fhir.resources models and whose every reference resolves,
every original upload byte for byte, the signed reports, the consents, a README; an email with
a link that only the holder can open and that expires."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import importlib
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from consilium.accounts.models import User
from consilium.audit.models import AuditEvent
from consilium.cases.models import Case, CaseStatus, MedicalArea, ReviewType
from consilium.cases.services import (
    case_create,
    case_save_condition,
    case_set_questions,
    case_submit,
)
from consilium.cases.tests.conftest import add_payment
from consilium.consent.models import ConsentText
from consilium.consent.selectors import consent_text_current
from consilium.consent.services import consent_sign
from consilium.core.testing import stored_objects
from consilium.documents.models import Document
from consilium.documents.services import document_process
from consilium.documents.tests.conftest import text_pdf
from consilium.insights.models import DocumentFact, FactKind
from consilium.notifications.models import OutboxMessage
from consilium.patients.models import Patient
from consilium.records.actions import RecordAction
from consilium.records.export import BUNDLE_NAME, README_NAME, record_exports_expire
from consilium.records.models import ExportStatus, RecordExport
from consilium.reports.models import Report
from consilium.review.tests.fixtures import accept_all, offer, write_and_submit

pytestmark = pytest.mark.django_db

ABHA = "91-1234-5678-9012"
UPLOADS = {
    "cbc.pdf": ("lab", text_pdf("Complete blood count. Haemoglobin 9.2 g/dL (12.0 - 15.0). "
                                "Platelet count 250 x10^3/uL (150 - 410).")),
    "ct-chest.pdf": ("imaging", text_pdf("CT chest: a 2.1 cm mass in the left breast, no "
                                         "lung nodules.")),
}


def build_record(patient: Patient, coordinator: User, specialist: User,
                 capture: Any) -> Case:
    """A case as a patient makes it: real uploads through the upload page, read by the worker,
    a signed consent, a payment, submitted, reviewed, and its signed report issued."""
    Patient.objects.filter(pk=patient.pk).update(abha_number=ABHA, address="12 MG Road")
    patient.refresh_from_db()
    holder = patient.holder
    case = case_create(patient=patient, actor=holder)
    case_save_condition(case=case, actor=holder, data={
        "medical_area": MedicalArea.CANCER,
        "diagnosis_so_far": "Carcinoma of the left breast, stage II"})
    case_set_questions(case=case, actor=holder, texts=["Is surgery needed first?"])
    client = Client()
    client.force_login(holder)
    for name, (category, data) in UPLOADS.items():
        response = client.post(reverse("documents:upload", kwargs={"public_id": case.public_id}),
                               {"category": category, "files": [SimpleUploadedFile(name, data)]})
        assert response.status_code in (200, 302)
    for document in Document.objects.filter(case=case):
        document_process(document=document)
    # The migrations publish one; a transactional test (the browser's) starts without it.
    text = consent_text_current(language="en") or ConsentText.objects.create(
        version=1, language="en", title="Consent", body="I agree.", is_active=True,
        published_at=timezone.now())
    consent_sign(case=case, signer=holder, signer_name=holder.full_name,
                 relationship=patient.relationship, ip="127.0.0.1", user_agent="test",
                 consent_text=text)
    add_payment(case)
    Case.objects.filter(pk=case.pk).update(review_type=ReviewType.SINGLE)
    case.refresh_from_db()
    case_submit(case=case, actor=holder)
    [seat] = offer(case, coordinator, [specialist])
    accept_all([seat])
    with capture(execute=True):
        write_and_submit(seat)
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED
    assert Report.objects.filter(case=case).exists()
    return case


@pytest.fixture
def record_case(patient: Patient, coordinator: User, specialist: User,
                django_capture_on_commit_callbacks: Any) -> Case:
    return build_record(patient, coordinator, specialist, django_capture_on_commit_callbacks)


def export_url(patient: Patient) -> str:
    return reverse("records:export", kwargs={"public_id": patient.public_id})


def build_export(client: Client, patient: Patient, capture: Any) -> RecordExport:
    client.force_login(patient.holder)
    with capture(execute=True):
        response = client.post(export_url(patient))
    assert response.status_code == 302
    export = RecordExport.objects.get(patient=patient)
    assert export.status == ExportStatus.READY, export.error
    return export


def download(client: Client, export: RecordExport) -> zipfile.ZipFile:
    response = client.get(reverse("records:export_download",
                                  kwargs={"public_id": export.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def model_of(resource_type: str) -> Any:
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    return getattr(module, resource_type)


def test_the_zip_holds_a_fhir_document_every_upload_byte_for_byte_the_reports_and_consents(
    client: Client, record_case: Case, specialist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    patient = record_case.patient
    export = build_export(client, patient, django_capture_on_commit_callbacks)

    archive = download(client, export)
    names = archive.namelist()
    assert README_NAME in names and BUNDLE_NAME in names
    assert "Carcinoma" not in archive.read(README_NAME).decode()  # plain words, no health data

    # Every original upload, byte for byte.
    for document in Document.objects.filter(case=record_case):
        [path] = [n for n in names if n.startswith("uploads/") and
                  n.endswith(document.original_name)]
        assert archive.read(path) == UPLOADS[document.original_name][1]
    # Every signed report, as stored and signed.
    for report in Report.objects.filter(case=record_case):
        pdf = archive.read(f"reports/{record_case.reference}/{report.filename}")
        assert hashlib.sha256(pdf).hexdigest() == report.sha256
    consents = [n for n in names if n.startswith("consents/")]
    assert len(consents) == 1 and archive.read(consents[0]).startswith(b"%PDF")

    data = json.loads(archive.read(BUNDLE_NAME))
    bundle = Bundle.model_validate(data)
    assert bundle.type == "document"
    assert data["identifier"]["value"] == f"urn:uuid:{export.public_id}"
    assert bundle.timestamp is not None
    entries = data["entry"]
    assert entries[0]["resource"]["resourceType"] == "Composition"
    full_urls = [e["fullUrl"] for e in entries]
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    assert len(set(full_urls)) == len(full_urls)
    # Every entry parses back with its own R4B model; every reference resolves in the Bundle.
    by_type: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        resource = entry["resource"]
        parsed = model_of(resource["resourceType"]).model_validate(resource)
        assert parsed.get_resource_type() == resource["resourceType"]
        by_type.setdefault(resource["resourceType"], []).append(resource)
    unresolved = set(references(data)) - set(full_urls)
    assert not unresolved

    [fhir_patient] = by_type["Patient"]
    assert {"system": "https://healthid.ndhm.gov.in", "value": ABHA}.items() <= {
        k: v for i in fhir_patient["identifier"] for k, v in i.items()
        if i.get("value") == ABHA}.items()
    assert fhir_patient["birthDate"] == "1970-05-17"
    [practitioner] = by_type["Practitioner"]
    assert practitioner["identifier"][0]["value"] == "MCI-12345"
    assert practitioner["qualification"][0]["code"]["text"] == "MBBS, MD, DM (Medical Oncology)"
    [role] = by_type["PractitionerRole"]
    assert role["practitioner"]["reference"] == full_urls[entries.index(
        next(e for e in entries if e["resource"] is practitioner))]
    [condition] = by_type["Condition"]
    assert condition["code"]["text"] == "Carcinoma of the left breast, stage II"
    [consent] = by_type["Consent"]
    assert consent["status"] == "active"
    assert consent["sourceAttachment"]["url"] in names
    # The labs the worker read, with LOINC and UCUM.
    haemoglobin = next(o for o in by_type["Observation"]
                       if o["code"].get("coding", [{}])[0].get("code") == "718-7")
    assert haemoglobin["code"]["coding"][0]["system"] == "http://loinc.org"
    assert haemoglobin["valueQuantity"] == {
        "value": 9.2, "unit": "g/dL", "system": "http://unitsofmeasure.org", "code": "g/dL"}
    [lab_report] = by_type["DiagnosticReport"]
    assert haemoglobin in [next(e["resource"] for e in entries if e["fullUrl"] == r["reference"])
                           for r in lab_report["result"]]
    # One DocumentReference per upload and per signed report, each naming its file in the zip
    # with the file's SHA-1, as FHIR's Attachment.hash is.
    attachments = [d["content"][0]["attachment"] for d in by_type["DocumentReference"]]
    assert len(attachments) == len(UPLOADS) + Report.objects.filter(case=record_case).count()
    for attachment in attachments:
        digest = hashlib.sha1(archive.read(attachment["url"])).digest()  # noqa: S324
        assert attachment["hash"] == base64.b64encode(digest).decode()
    # The opinion as an OPConsultation-style Composition, signed by the reviewer.
    opinion = next(c for c in by_type["Composition"][1:])
    assert opinion["type"]["coding"][0]["code"] == "371530004"
    assert opinion["author"][0]["reference"] in full_urls
    sections = {s["code"]["coding"][0]["code"]: s for s in opinion["section"]}
    assert "Breast-conserving surgery" in sections["404684003"]["text"]["div"]
    assert "Is surgery needed first?" in sections["422843007"]["text"]["div"]


def test_the_build_and_the_download_are_audited_and_the_holder_is_emailed_a_link(
    client: Client, record_case: Case, django_capture_on_commit_callbacks: Any,
) -> None:
    patient = record_case.patient
    export = build_export(client, patient, django_capture_on_commit_callbacks)
    download(client, export)

    actions = list(AuditEvent.objects.filter(target_id=str(patient.public_id))
                   .values_list("action", flat=True))
    for action in (RecordAction.EXPORT_REQUEST, RecordAction.EXPORT_BUILD,
                   RecordAction.EXPORT_DOWNLOAD):
        assert action in actions
    message = OutboxMessage.objects.get(dedupe_key=f"record-export-ready:{export.public_id}")
    assert message.to == patient.holder.email
    assert reverse("records:export_detail", kwargs={"public_id": export.public_id}) \
        in message.body_text
    assert patient.full_name not in message.subject


def test_the_stored_zip_is_encrypted_like_every_other_file(
    client: Client, record_case: Case, django_capture_on_commit_callbacks: Any,
) -> None:
    export = build_export(client, record_case.patient, django_capture_on_commit_callbacks)
    [stored] = [o for o in stored_objects() if o.key == export.storage_key]
    ciphertext = stored.read_bytes()
    assert ciphertext.startswith(b"CSLM")
    assert b"PK\x03\x04" not in ciphertext and b"Carcinoma" not in ciphertext


def test_only_the_account_holder_can_download_and_not_after_it_expires(
    client: Client, record_case: Case, other_patient: Patient, coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    export = build_export(client, record_case.patient, django_capture_on_commit_callbacks)
    url = reverse("records:export_download", kwargs={"public_id": export.public_id})
    other = Client()
    other.force_login(other_patient.holder)
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in

    RecordExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(url).status_code == 410
    assert record_exports_expire() == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert export.public_id and not any(o.key == export.storage_key for o in stored_objects())


def test_a_lab_value_reading_was_unsure_of_is_left_out(
    client: Client, record_case: Case, django_capture_on_commit_callbacks: Any,
) -> None:
    withheld = DocumentFact.objects.filter(kind=FactKind.LAB, code="718-7").get()
    DocumentFact.objects.filter(pk=withheld.pk).update(withheld=True)
    export = build_export(client, record_case.patient, django_capture_on_commit_callbacks)
    data = json.loads(download(client, export).read(BUNDLE_NAME))
    codes = [c.get("code") for e in data["entry"] if e["resource"]["resourceType"] ==
             "Observation" for c in e["resource"]["code"].get("coding", [])]
    assert "718-7" not in codes


def test_the_page_shows_progress_and_a_second_click_does_not_start_a_second_build(
    client: Client, record_case: Case,
) -> None:
    patient = record_case.patient
    client.force_login(patient.holder)
    client.post(export_url(patient))  # the build is queued after commit, which a test never has
    client.post(export_url(patient))
    assert RecordExport.objects.filter(patient=patient).count() == 1
    page = client.get(export_url(patient)).content.decode()
    assert "<progress" in page and 'hx-trigger="every 3s"' in page
    fragment = client.get(export_url(patient), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<section id="exports"')
