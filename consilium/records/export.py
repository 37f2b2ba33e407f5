"""The patient takes their record away: one zip with the FHIR document Bundle, every original
upload, every signed report, the consent PDFs and a README in plain words.

The zip is built by the worker straight into an encrypted file (the patient's data key, like
every other file): it is written as a stream, one file after another, so no plaintext touches
the disk and memory stays at one chunk whatever the record's size. Its link is emailed when it
is ready, works for the account holder only, and expires after EXPORT_LINK_DAYS; then the
stored zip is deleted.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import re
import zipfile
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases.models import Case
from consilium.consent.models import ConsentSignature
from consilium.consent.pdf import consent_pdf_render
from consilium.core.crypto import patient_data_key
from consilium.core.errors import require
from consilium.core.storage import EncryptedPendingFile, encrypted_open_write, get_storage
from consilium.documents.files import document_open
from consilium.documents.models import Document
from consilium.notifications.services import outbox_enqueue
from consilium.patients.models import Patient
from consilium.records.actions import RecordAction
from consilium.records.fhir import RecordFiles, ZipFile, record_bundle
from consilium.records.models import Erasure, ExportStatus, RecordExport
from consilium.reports.files import report_read
from consilium.reports.models import Report

logger = logging.getLogger(__name__)

BUNDLE_NAME = "record.fhir.json"
README_NAME = "README.txt"
# A patient asks once; more builds than this a day is a mistake or an attack on the worker.
EXPORTS_PER_DAY = 5


class _Sink:
    """What zipfile writes to: the encrypted pending file, which cannot seek. zipfile then
    writes each entry's sizes after its data (a data descriptor), which every unzip reads."""

    def __init__(self, pending: EncryptedPendingFile) -> None:
        self._pending = pending

    def write(self, data: bytes) -> int:
        return self._pending.write(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def _safe(name: str) -> str:
    """A file name safe in any unzip: no folders, no control characters, not too long."""
    cleaned = re.sub(r"[^\w.\- ()]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return (cleaned or "file")[-120:]


def _cases(patient: Patient) -> list[Case]:
    return list(Case.objects.filter(patient=patient).order_by("created_at", "id"))


@transaction.atomic
def record_export_request(*, patient: Patient, actor: User) -> RecordExport:
    """The account holder asks for the zip of a patient's record; it is built by the worker.
    One already being built is returned instead of starting a second."""
    require(patient.holder_id == actor.pk, _("Only the account holder can export this record."))
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    # An erased patient has no key any more: asking for one would make a new, empty one.
    require(not Erasure.objects.filter(patient=locked).exists(),
            _("This record has been erased."))
    running = RecordExport.objects.filter(
        patient=locked, status__in=[ExportStatus.QUEUED, ExportStatus.BUILDING]
    ).first()
    if running is not None:
        return running
    a_day_ago = timezone.now() - dt.timedelta(days=1)
    require(RecordExport.objects.filter(patient=locked, created_at__gte=a_day_ago).count()
            < EXPORTS_PER_DAY,
            _("You have asked for %(n)d exports today. Please use the last one, or try again "
              "tomorrow.") % {"n": EXPORTS_PER_DAY})
    export = RecordExport.objects.create(patient=locked, requested_by=actor,
                                         step=_("Waiting for the worker"))
    record(actor=actor, action=RecordAction.EXPORT_REQUEST, target=locked,
           detail={"export": str(export.public_id)})
    export_id = export.pk
    transaction.on_commit(lambda: _enqueue_build(export_id))
    return export


def _enqueue_build(export_id: int) -> None:
    from consilium.records.tasks import record_export_build_task

    record_export_build_task.enqueue(export_id=export_id)


def _progress(export: RecordExport, done: int, total: int, step: str) -> None:
    percent = min(99, int(100 * done / max(total, 1)))
    RecordExport.objects.filter(pk=export.pk).update(progress=percent, step=step[:80])


def _copy(archive: zipfile.ZipFile, path: str, chunks: Any, compress: bool = False) -> ZipFile:
    sha1 = hashlib.sha1()  # noqa: S324 -- FHIR's Attachment.hash is defined as SHA-1
    size = 0
    info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with archive.open(info, "w", force_zip64=True) as out:
        for chunk in chunks:
            sha1.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return ZipFile(path=path, size=size, sha1_b64=base64.b64encode(sha1.digest()).decode())


def _write(archive: zipfile.ZipFile, path: str, data: bytes, compress: bool = True) -> ZipFile:
    return _copy(archive, path, [data], compress=compress)


def record_export_build(*, export: RecordExport) -> RecordExport:
    """Builds the zip (claimed with a conditional UPDATE, so two workers never build one export),
    stores it encrypted, emails the link, and writes the audit event. A failure leaves no file
    and marks the export failed with a reason the patient can read."""
    claimed = RecordExport.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.BUILDING, step=_("Starting"))
    if not claimed:
        return export
    export.refresh_from_db()
    patient = export.patient
    pending = encrypted_open_write(data_key=patient_data_key(patient=patient))
    try:
        files = RecordFiles()
        cases = _cases(patient)
        documents = list(Document.objects.filter(case__in=cases).select_related("case__patient")
                         .order_by("case__created_at", "created_at", "id"))
        reports = list(Report.objects.filter(case__in=cases).select_related("case__patient")
                       .order_by("case__created_at", "version"))
        consents = list(ConsentSignature.objects.filter(case__in=cases)
                        .select_related("case", "consent_text").order_by("signed_at", "id"))
        total = len(documents) + len(reports) + len(consents) + 2
        done = 0
        with zipfile.ZipFile(_Sink(pending), "w") as archive:
            for number, document in enumerate(documents, 1):
                _progress(export, done, total, _("Copying your reports (%(n)d of %(total)d)")
                          % {"n": number, "total": len(documents)})
                path = (f"uploads/{document.case.reference}/"
                        f"{number:03d}-{_safe(document.original_name)}")
                with document_open(document=document) as reader:
                    stored = _copy(archive, path, reader.iter_chunks())
                if stored.size != document.size:
                    raise ValueError("a document's size changed while it was copied")
                files.documents[document.pk] = stored
                done += 1
            for report in reports:
                _progress(export, done, total, _("Copying the signed opinions"))
                files.reports[report.pk] = _write(
                    archive, f"reports/{report.case.reference}/{_safe(report.filename)}",
                    report_read(report=report), compress=False)
                done += 1
            for consent in consents:
                _progress(export, done, total, _("Writing the consent forms"))
                path = (f"consents/{consent.case.reference}/consent-"
                        f"{consent.signed_at:%Y-%m-%d}-{str(consent.public_id)[:8]}.pdf")
                files.consents[consent.pk] = _write(
                    archive, path, consent_pdf_render(signature=consent), compress=False)
                done += 1
            _progress(export, done, total, _("Writing the FHIR record"))
            bundle = record_bundle(patient=patient, files=files, identifier=export.public_id)
            _write(archive, BUNDLE_NAME, json.dumps(bundle, ensure_ascii=False, indent=1)
                   .encode("utf-8"))
            _write(archive, README_NAME, readme_text(
                patient=patient, documents=len(documents), reports=len(reports),
                consents=len(consents), cases=len(cases)).encode("utf-8"))
        size, sha256 = pending.commit()
    except Exception as error:
        pending.abort()
        # The reason for the log names no health data: the kind of error only.
        logger.exception("record export %s failed: %s", export.public_id, type(error).__name__)
        RecordExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, step="",
            error=_("Something went wrong while building the file. Please try again; if it "
                    "fails again, tell us."))
        record(actor=None, action=RecordAction.EXPORT_FAILED, target=patient,
               detail={"export": str(export.public_id), "error": type(error).__name__})
        export.refresh_from_db()
        return export
    now = timezone.now()
    with transaction.atomic():
        RecordExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.READY, progress=100, step="", storage_key=pending.key,
            sha256=sha256, size=size, ready_at=now,
            expires_at=now + dt.timedelta(days=settings.EXPORT_LINK_DAYS))
        export.refresh_from_db()
        record(actor=None, action=RecordAction.EXPORT_BUILD, target=patient,
               detail={"export": str(export.public_id), "documents": len(documents),
                       "reports": len(reports), "consents": len(consents), "size": size})
        _email_ready(export)
    return export


def _email_ready(export: RecordExport) -> None:
    holder = export.requested_by
    url = settings.SITE_URL + reverse("records:export_detail",
                                      kwargs={"public_id": export.public_id})
    body = render_to_string("records/email_export_ready.txt", {
        "holder": holder, "url": url, "expires_at": export.expires_at,
        "days": settings.EXPORT_LINK_DAYS, "SITE_NAME": settings.SITE_NAME,
    })
    outbox_enqueue(
        to=holder.email, recipient=holder, body_text=body,
        # The patient's name stays out of the subject, which lock screens show.
        subject=_("Your health record is ready to download"),
        dedupe_key=f"record-export-ready:{export.public_id}",
    )


def readme_text(*, patient: Patient, documents: int, reports: int, consents: int,
                cases: int) -> str:
    return render_to_string("records/export_readme.txt", {
        "patient": patient, "documents": documents, "reports": reports, "consents": consents,
        "cases": cases, "bundle": BUNDLE_NAME, "SITE_NAME": settings.SITE_NAME,
        "now": timezone.localtime(),
    })


def record_exports_expire(*, now: dt.datetime | None = None) -> int:
    """Deletes the stored zip of every export past its expiry (the scheduler runs this)."""
    now = now or timezone.now()
    storage = get_storage()
    expired = 0
    for export in RecordExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now):
        if export.storage_key:
            storage.delete(export.storage_key)
        RecordExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED,
                                                         storage_key="")
        expired += 1
    return expired


def record_exports_expire_due() -> None:
    record_exports_expire()

