"""Every write to documents: creating one from an upload, deleting it, processing it."""

from __future__ import annotations

import logging
from typing import Any

import pypdfium2 as pdfium
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from consilium.audit.services import record
from consilium.cases.models import Case, CaseStatus
from consilium.core.crypto import patient_data_key
from consilium.core.errors import require
from consilium.core.storage import encrypted_open_read, encrypted_write_bytes, get_storage
from consilium.documents.files import document_data_key, document_open, document_verify
from consilium.documents.models import Document, DocumentCategory, DocumentStatus
from consilium.documents.safety import image_strip_metadata, pdf_check
from consilium.documents.selectors import case_upload_used
from consilium.documents.upload import PDF, ReceivedFile

logger = logging.getLogger(__name__)


def _delete_files_on_commit(*keys: str) -> None:
    storage = get_storage()
    for key in keys:
        if key:
            transaction.on_commit(lambda key=key: storage.delete(key))  # type: ignore[misc]


def document_create(
    *, case: Case, actor: Any, category: str, received: ReceivedFile
) -> Document:
    """Turns a stored upload into a Document: photos lose their metadata, unsafe PDFs are
    refused, the case's limit is checked again under a lock. Takes ownership of the uploaded
    file (kept or deleted); enqueues processing after commit."""
    storage = get_storage()
    received.handed_over = True
    require(category in DocumentCategory.values, _("Please choose what kind of report this is."))
    data_key = patient_data_key(patient=case.patient)
    storage_key, size, sha256 = received.storage_key, received.size, received.sha256
    try:
        with encrypted_open_read(key=received.storage_key, data_key=data_key) as source:
            if received.content_type == PDF:
                pdf_check(source=source)
            else:
                storage_key, size, sha256 = image_strip_metadata(
                    source=source, content_type=received.content_type, data_key=data_key
                )
        if storage_key != received.storage_key:
            storage.delete(received.storage_key)
        with transaction.atomic():
            # Two uploads to one case at once each saw room for their files; the lock makes the
            # second one count the first.
            locked = Case.objects.select_for_update().get(pk=case.pk)
            require(
                locked.status in (CaseStatus.DRAFT, CaseStatus.AWAITING_INFO),
                _("This request has been sent, so reports can no longer be added here."),
            )
            room = settings.CASE_UPLOAD_LIMIT_BYTES - case_upload_used(case=locked)
            require(
                received.size <= room, limit_message(name=received.original_name, room=room)
            )
            document = Document.objects.create(
                case=case, uploaded_by=actor, category=category,
                original_name=received.original_name, content_type=received.content_type,
                size=size, uploaded_size=received.size, sha256=sha256, storage_key=storage_key,
            )
            record(
                actor=actor, action="document.upload", target=document,
                detail={"case": str(case.public_id), "content_type": received.content_type},
            )
            transaction.on_commit(lambda: _enqueue_processing(document.pk))
    except BaseException:
        storage.delete(received.storage_key)
        if storage_key != received.storage_key:
            storage.delete(storage_key)
        raise
    return document


def _enqueue_processing(document_id: int) -> None:
    from consilium.documents.tasks import document_process_task

    document_process_task.enqueue(document_id=document_id)


def limit_message(*, name: str, room: int) -> str:
    return _(
        "“%(name)s” was not saved: it would take this request over the %(limit)s MB limit for "
        "reports. %(left)s MB left."
    ) % {"name": name, "limit": megabytes(settings.CASE_UPLOAD_LIMIT_BYTES),
         "left": megabytes(max(0, room))}


def megabytes(size: int) -> str:
    """Sizes the way phones show them (1 MB = 1,048,576 bytes), one decimal."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def document_upload_refused(*, case: Case, actor: Any, reason: str) -> None:
    """Records that a file was refused (the reason is a code, never the file's content)."""
    record(actor=actor, action="document.refused", target=case, detail={"reason": reason})


@transaction.atomic
def document_delete(*, document: Document, actor: Any) -> None:
    """Removes a document of a draft case and, after commit, its encrypted files."""
    case = Case.objects.select_for_update().get(pk=document.case_id)
    require(
        case.status == CaseStatus.DRAFT,
        _("This request has been sent, so its reports can no longer be removed."),
    )
    record(
        actor=actor, action="document.delete", target=document,
        detail={"case": str(case.public_id)},
    )
    keys = (document.storage_key, document.text_storage_key)
    document.delete()
    _delete_files_on_commit(*keys)


def _pdf_pages_and_text(*, document: Document) -> tuple[int, str]:
    # Verified first: pdfium reads through a callback that would swallow a TamperedFileError.
    document_verify(document=document)
    with document_open(document=document) as reader:
        pdf = pdfium.PdfDocument(reader)
        try:
            pages: list[str] = []
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                pages.append(textpage.get_text_range())
                textpage.close()
                page.close()
        finally:
            pdf.close()
    return len(pages), "\f".join(pages)


def document_process(*, document: Document) -> Document:
    """Counts pages and extracts the PDF text layer (stored encrypted). Sets the status to
    processed, or failed with a short message that holds no health data."""
    claimed = Document.objects.filter(
        pk=document.pk, status__in=[DocumentStatus.UPLOADED, DocumentStatus.FAILED]
    ).update(status=DocumentStatus.PROCESSING)
    if not claimed:
        return document
    text_key = ""
    try:
        if document.content_type == PDF:
            page_count, text = _pdf_pages_and_text(document=document)
            text_key, _size, _sha = encrypted_write_bytes(
                data=text.encode("utf-8"), data_key=document_data_key(document=document)
            )
        else:
            page_count = 1
    except Exception:
        # The traceback names only our code and pdfium; the document is identified by its id.
        logger.exception("processing document %s failed", document.public_id)
        if Document.objects.filter(pk=document.pk).update(
            status=DocumentStatus.FAILED,
            processing_error=_("The file could not be read. Our team will look at it."),
        ):
            document.refresh_from_db()
        return document
    updated = Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.PROCESSED, page_count=page_count, text_storage_key=text_key,
        processing_error="",
    )
    if not updated and text_key:
        # The document was deleted while we read it.
        get_storage().delete(text_key)
        return document
    document.refresh_from_db()
    return document
