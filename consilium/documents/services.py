"""Every write to documents: creating one from an upload, deleting it, reading it, its
redaction boxes, its specialist rendition and its release."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases.models import Case, CaseStatus
from consilium.cases.services import case_mark_urgent
from consilium.core.crypto import patient_data_key
from consilium.core.errors import require
from consilium.core.storage import encrypted_open_read, encrypted_write_bytes, get_storage
from consilium.documents.actions import DocumentAction
from consilium.documents.files import (
    document_data_key,
    document_open,
    document_read_analysis,
    document_verify,
    page_picture,
)
from consilium.documents.models import (
    BoxOrigin,
    Document,
    DocumentCategory,
    DocumentPage,
    DocumentStatus,
    RedactionBox,
    RedactionKind,
)
from consilium.documents.redaction import (
    Box,
    ProposedBox,
    boxes_for_findings,
    hidden_words,
    redacted_text,
)
from consilium.documents.rendition import (
    draw_boxes,
    jpeg_bytes,
    pdf_of_pictures,
    picture_fit,
    picture_open,
)
from consilium.documents.safety import image_strip_metadata, pdf_check
from consilium.documents.selectors import case_upload_used
from consilium.documents.upload import PDF, ReceivedFile
from consilium.insights.contents import report_contents
from consilium.insights.deid import Finding
from consilium.insights.deid.timeline import date_label
from consilium.insights.extract import Facts, deidentify_page, extract_facts
from consilium.insights.identity import date_anchor_for, known_identity_for
from consilium.insights.reading import Page, Word, iter_pages, page_count
from consilium.insights.services import case_summary_documents_changed, document_facts_replace

logger = logging.getLogger(__name__)

# A box as the rendition draws it: its kind, where it is, and what is written on it.
Marked = tuple[str, Box, str]


def _delete_files_on_commit(*keys: str) -> None:
    storage = get_storage()
    for key in keys:
        if key:
            transaction.on_commit(lambda key=key: storage.delete(key))  # type: ignore[misc]


def document_create(
    *, case: Case, actor: User, category: str, received: ReceivedFile
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
                disarmed = pdf_check(source=source, data_key=data_key)
                if disarmed:
                    storage_key, size, sha256 = disarmed
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
                actor=actor, action=DocumentAction.DOCUMENT_UPLOAD, target=document,
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
    # Imported here: the task module imports this one (a task loads by id and calls a service).
    from consilium.documents.tasks import document_process_task

    document_process_task.enqueue(document_id=document_id)


def limit_message(*, name: str, room: int) -> str:
    return _(
        "“%(name)s” was not saved: it would take this request over the %(limit)s MB limit for "
        "reports. %(left)s MB left."
    ) % {"name": name, "limit": megabytes(settings.CASE_UPLOAD_LIMIT_BYTES),
         "left": megabytes(max(0, room))}


def storage_full_message(*, name: str | None = None) -> str:
    if name is not None:
        return _(
            "“%(name)s” was not saved: our server has run out of room to store files just now. "
            "Please try again later; our team has been told."
        ) % {"name": name}
    return _(
        "Our server has run out of room to store files just now, so nothing from this upload "
        "was saved. Please try again later; our team has been told."
    )


def megabytes(size: int) -> str:
    """Sizes the way phones show them (1 MB = 1,048,576 bytes), one decimal."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def document_upload_refused(*, case: Case, actor: User, reason: str) -> None:
    """Records that a file was refused (the reason is a code, never the file's content)."""
    record(actor=actor, action=DocumentAction.DOCUMENT_REFUSED, target=case,
           detail={"reason": reason})


def document_integrity_failure_record(*, document: Document, actor: User) -> None:
    """Records that a stored file failed its integrity check when someone opened it (logged
    with the document's public id only)."""
    logger.error("document %s failed its integrity check", document.public_id)
    record(actor=actor, action=DocumentAction.DOCUMENT_INTEGRITY_FAILED, target=document)


@transaction.atomic
def document_delete(*, document: Document, actor: User) -> None:
    """Removes a document of a draft case and, after commit, its encrypted files."""
    case = Case.objects.select_for_update().get(pk=document.case_id)
    require(
        case.status == CaseStatus.DRAFT,
        _("This request has been sent, so its reports can no longer be removed."),
    )
    record(
        actor=actor, action=DocumentAction.DOCUMENT_DELETE, target=document,
        detail={"case": str(case.public_id)},
    )
    keys = (document.storage_key, *_derived_keys(document))
    document.delete()
    _delete_files_on_commit(*keys)


# --- Reading: every page, its identifiers, its facts, and the proposed rendition ------------------

FAILED_MESSAGE = gettext_lazy("The file could not be read. Our team will look at it.")
TOO_LONG_MESSAGE = gettext_lazy(
    "Reading this file took too long, so it was stopped. Our team will look at it."
)


class _ReadingAbandoned(Exception):
    """The document was deleted or handed back while it was being read."""


class _ReadingTooLong(Exception):
    """Reading went past DOCUMENT_READ_SECONDS."""
# A document "processing" for longer than this without reading a page has lost its worker.
STALLED_AFTER = dt.timedelta(minutes=15)


@dataclass
class _Reading:
    pages: list[Page] = field(default_factory=list)
    pictures: list[bytes] = field(default_factory=list)
    page_rows: list[DocumentPage] = field(default_factory=list)
    boxes: list[ProposedBox] = field(default_factory=list)
    findings: list[list[Finding]] = field(default_factory=list)
    facts: Facts | None = None
    contents: set[str] = field(default_factory=set)
    keys: dict[str, str] = field(default_factory=dict)
    rendition_sha256: str = ""


def document_process(*, document: Document) -> Document:
    """Reads every page (text layer, or OCR of a photo straightened first), finds identifiers with
    the patient's registered identity, proposes a redaction box over each, extracts the facts and
    draws the specialist rendition (not released). Progress is saved after every page. Critical
    findings mark the case urgent; the case summary is re-drafted or told new facts exist. On any
    error the document is failed with a message that holds no health data; nothing half-done is
    kept."""
    claimed = Document.objects.filter(
        pk=document.pk, status__in=[DocumentStatus.UPLOADED, DocumentStatus.FAILED]
    ).update(
        status=DocumentStatus.PROCESSING, pages_done=0, processing_error="",
        updated_at=timezone.now(),
    )
    if not claimed:
        return document
    written: list[str] = []
    try:
        reading = _document_read(document=document, written=written)
        saved = _document_save_reading(document=document, reading=reading)
    except _ReadingAbandoned:
        _delete_files_now(written)
        return _refreshed(document)
    except _ReadingTooLong:
        logger.warning("reading document %s stopped after %s s", document.public_id,
                       settings.DOCUMENT_READ_SECONDS)
        _delete_files_now(written)
        Document.objects.filter(pk=document.pk, status=DocumentStatus.PROCESSING).update(
            status=DocumentStatus.FAILED, processing_error=str(TOO_LONG_MESSAGE),
            updated_at=timezone.now(),
        )
        return _refreshed(document)
    except Exception as error:
        _log_failure(document, error)
        _delete_files_now(written)
        Document.objects.filter(pk=document.pk, status=DocumentStatus.PROCESSING).update(
            status=DocumentStatus.FAILED, processing_error=str(FAILED_MESSAGE),
            updated_at=timezone.now(),
        )
        return _refreshed(document)
    if not saved:
        # Deleted, or handed back for another try, while we read it.
        _delete_files_now(written)
        return _refreshed(document)
    document = _refreshed(document)
    if reading.facts is not None and reading.facts.urgent:
        case_mark_urgent(case=document.case, source="document")

    case_summary_documents_changed(case=document.case)
    return document


def _refreshed(document: Document) -> Document:
    with contextlib.suppress(Document.DoesNotExist):
        document.refresh_from_db()
    return document


def _log_failure(document: Document, error: Exception) -> None:
    """Logs where it failed, never what the file said: exception messages can quote the text
    being parsed, so only the exception's type and the code's frames are written."""
    frames = traceback.extract_tb(error.__traceback__)
    where = " <- ".join(
        f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames[-8:])
    )
    logger.error(
        "processing document %s failed: %s at %s", document.public_id, type(error).__name__, where
    )


def _delete_files_now(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        storage.delete(key)


def _write(data: bytes, *, data_key: bytes, written: list[str]) -> tuple[str, str]:
    key, _size, sha256 = encrypted_write_bytes(data=data, data_key=data_key)
    written.append(key)
    return key, sha256


def _document_read(*, document: Document, written: list[str]) -> _Reading:
    # Verified first: pdfium reads through a callback that would swallow a TamperedFileError.
    document_verify(document=document)
    with document_open(document=document) as reader:
        data = reader.read()
    data_key = document_data_key(document=document)
    known = known_identity_for(case=document.case)
    anchor = date_anchor_for(case=document.case)
    Document.objects.filter(pk=document.pk).update(
        page_count=page_count(data, document.content_type), updated_at=timezone.now()
    )
    reading = _Reading()
    deadline = time.monotonic() + settings.DOCUMENT_READ_SECONDS
    for page, image in iter_pages(data, document.content_type, images=True):
        if image is None:
            raise RuntimeError("reading gave no page picture")
        if time.monotonic() > deadline:
            raise _ReadingTooLong
        findings = deidentify_page(page, known=known)
        picture = picture_fit(image)
        jpeg = jpeg_bytes(picture)
        key, sha256 = _write(jpeg, data_key=data_key, written=written)
        reading.pages.append(page)
        reading.findings.append(findings)
        reading.boxes.extend(
            boxes_for_findings(page, findings, _date_labels(page.text, findings, anchor))
        )
        reading.pictures.append(jpeg)
        reading.page_rows.append(
            DocumentPage(
                number=page.number, source=page.source, width=picture.width,
                height=picture.height, image_storage_key=key, image_sha256=sha256,
                confidence=page_confidence(page), hard_to_read=page_hard_to_read(page),
            )
        )
        still_reading = Document.objects.filter(
            pk=document.pk, status=DocumentStatus.PROCESSING
        ).update(pages_done=page.number, updated_at=timezone.now())
        if not still_reading:
            # Deleted, or handed back for another try: the rest of the pages are nobody's work.
            raise _ReadingAbandoned
    reading.facts = extract_facts(reading.pages)
    reading.contents = report_contents(
        text="\n".join(page.text for page in reading.pages), labs=reading.facts.labs,
        oncology=reading.facts.oncology,
    )
    analysis = {
        "version": 1,
        "pages": [
            _page_analysis(page, findings)
            for page, findings in zip(reading.pages, reading.findings, strict=True)
        ],
    }
    reading.keys["text"], _sha = _write(
        "\f".join(page.text for page in reading.pages).encode("utf-8"),
        data_key=data_key, written=written,
    )
    reading.keys["analysis"], _sha = _write(
        json.dumps(analysis, ensure_ascii=False).encode("utf-8"),
        data_key=data_key, written=written,
    )
    boxes_by_page: dict[int, list[Marked]] = {}
    for proposed in reading.boxes:
        boxes_by_page.setdefault(proposed.page, []).append(
            (proposed.kind, proposed.box, proposed.label)
        )
    pdf, text = _rendition_draw(
        pictures=reading.pictures, analysis=analysis, boxes_by_page=boxes_by_page
    )
    reading.keys["rendition"], reading.rendition_sha256 = _write(
        pdf, data_key=data_key, written=written
    )
    reading.keys["redacted_text"], _sha = _write(
        text.encode("utf-8"), data_key=data_key, written=written
    )
    return reading


def _date_labels(text: str, findings: list[Finding], anchor: dt.date) -> list[str]:
    """For each finding, what its box says: a date as days from the case's day 0, else ""."""
    labels = []
    for finding in findings:
        label = ""
        if finding.type == "DATE":
            line_start = text.rfind("\n", 0, finding.start) + 1
            label = date_label(
                before=text[line_start : finding.start], text=finding.text, anchor=anchor
            )
        labels.append(label)
    return labels


# A page read by OCR with fewer words than this is a blank, a picture or a failure: either way
# nothing on it was checked for identifiers by the system.
FEW_WORDS = 5


def page_confidence(page: Page) -> float | None:
    value = getattr(page, "confidence", None)
    return None if value is None else round(float(value), 3)


def page_hard_to_read(page: Page) -> bool:
    """The reader's verdict, and never "fine" for an OCR'd page that gave next to no words."""
    return bool(getattr(page, "hard_to_read", False)) or (
        page.source == "ocr" and len(page.words) < FEW_WORDS
    )


def _page_analysis(page: Page, findings: list[Finding]) -> dict[str, Any]:
    return {
        "number": page.number,
        "source": page.source,
        "width": page.width,
        "height": page.height,
        "rotation": page.rotation,
        "skew": page.skew,
        "words": [[w.text, *(round(v, 2) for v in w.box)] for w in page.words],
        "findings": [[f.type, f.start, f.end] for f in findings],
    }


def _analysis_words(page: dict[str, Any]) -> list[Word]:
    return [Word(text, (x0, y0, x1, y1)) for text, x0, y0, x1, y1 in page["words"]]


def _rendition_draw(
    *, pictures: list[bytes], analysis: dict[str, Any],
    boxes_by_page: dict[int, list[Marked]],
) -> tuple[bytes, str]:
    """The rendition PDF and its text, both from the same boxes; a labelled box reads as its
    label in the text ("[day −18]")."""
    redacted: list[bytes] = []
    texts: list[str] = []
    for number, (picture, page) in enumerate(zip(pictures, analysis["pages"], strict=True), 1):
        boxes = boxes_by_page.get(number, [])
        redacted.append(jpeg_bytes(draw_boxes(
            picture_open(picture), [b for _k, b, _l in boxes], [label for *_r, label in boxes]
        )))
        words = _analysis_words(page)
        hidden = hidden_words(
            words, width=page["width"], height=page["height"],
            boxes=[(label or kind, box) for kind, box, label in boxes],
        )
        texts.append(redacted_text(words, hidden))
    return pdf_of_pictures(redacted), "\f".join(texts)


def _document_save_reading(*, document: Document, reading: _Reading) -> bool:
    """Stores what was read in one transaction; False if the document went away meanwhile."""
    if reading.facts is None:
        raise RuntimeError("the facts were not extracted")
    with transaction.atomic():
        locked = (
            Document.objects.select_for_update()
            .filter(pk=document.pk, status=DocumentStatus.PROCESSING)
            .first()
        )
        if locked is None:
            return False
        old_keys = _derived_keys(locked)
        locked.pages.all().delete()
        locked.boxes.all().delete()
        for row in reading.page_rows:
            row.document = locked
        DocumentPage.objects.bulk_create(reading.page_rows)
        RedactionBox.objects.bulk_create(
            RedactionBox(
                document=locked, page=b.page, x0=b.box[0], y0=b.box[1], x1=b.box[2],
                y1=b.box[3], kind=b.kind if b.kind in RedactionKind.values else "ID",
                label=b.label[:32], origin=BoxOrigin.PROPOSED,
            )
            for b in reading.boxes
        )

        document_facts_replace(document=locked, facts=reading.facts, contents=reading.contents)
        now = timezone.now()
        version = locked.redaction_version + 1
        Document.objects.filter(pk=locked.pk).update(
            status=DocumentStatus.PROCESSED, page_count=len(reading.pages),
            pages_done=len(reading.pages), processing_error="", processed_at=now,
            updated_at=now, text_storage_key=reading.keys["text"],
            analysis_storage_key=reading.keys["analysis"],
            rendition_storage_key=reading.keys["rendition"],
            rendition_sha256=reading.rendition_sha256,
            redacted_text_storage_key=reading.keys["redacted_text"],
            redaction_version=version, rendition_version=version,
            released_at=None, released_by=None,
        )
        record(
            actor=None, action=DocumentAction.DOCUMENT_PROCESSED, target=locked,
            detail={
                "pages": len(reading.pages),
                "ocr_pages": sum(1 for p in reading.pages if p.source == "ocr"),
                "boxes": len(reading.boxes),
            },
        )
        _delete_files_on_commit(*old_keys)
    return True


def _derived_keys(document: Document) -> list[str]:
    """Every file made from the original: text, analysis, rendition and its text, pictures."""
    keys = [
        document.text_storage_key, document.analysis_storage_key,
        document.rendition_storage_key, document.redacted_text_storage_key,
    ]
    keys += list(document.pages.values_list("image_storage_key", flat=True))
    return [key for key in keys if key]


def document_retry(*, document: Document, actor: User) -> Document:
    """Hands a failed document (or one whose worker stopped mid-way) back to the reader."""
    stalled = timezone.now() - STALLED_AFTER
    handed_back = Document.objects.filter(
        Q(status=DocumentStatus.FAILED)
        | Q(status=DocumentStatus.PROCESSING, updated_at__lt=stalled),
        pk=document.pk,
    ).update(status=DocumentStatus.UPLOADED, processing_error="", updated_at=timezone.now())
    require(handed_back, _("This report is not waiting for another try."))
    record(actor=actor, action=DocumentAction.DOCUMENT_RETRY, target=document)
    transaction.on_commit(lambda: _enqueue_processing(document.pk))
    document.refresh_from_db()
    return document


# --- Redaction boxes, the rendition and its release --------------------------------------------

# A box narrower or lower than this share of the page is a slip of the mouse, not a redaction.
MIN_BOX_SIDE = 0.004


def _lock_for_redaction(document: Document) -> Document:
    locked = Document.objects.select_for_update().get(pk=document.pk)
    require(
        locked.status == DocumentStatus.PROCESSED,
        _("This report has not been read yet, so it has no boxes to change."),
    )
    return locked


def _redaction_changed(*, locked: Document, actor: User) -> None:
    """Counts the change and takes back a release: a coordinator released a rendition they
    had checked, and this is no longer it. The rendition is redrawn in the background."""
    was_released = locked.released_at is not None
    locked.redaction_version += 1
    locked.released_at = None
    locked.released_by = None
    locked.save(update_fields=["redaction_version", "released_at", "released_by", "updated_at"])
    if was_released:
        record(
            actor=actor, action=DocumentAction.DOCUMENT_UNRELEASE, target=locked,
            detail={"reason": "boxes_changed", "version": locked.redaction_version},
        )
    document_id = locked.pk
    transaction.on_commit(lambda: _enqueue_rendition(document_id))


def _enqueue_rendition(document_id: int) -> None:
    # Imported here: the task module imports this one (a task loads by id and calls a service).
    from consilium.documents.tasks import document_rendition_task

    document_rendition_task.enqueue(document_id=document_id)


def _clean_box(box: tuple[float, float, float, float]) -> Box:
    x0, y0, x1, y1 = (min(1.0, max(0.0, float(v))) for v in box)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    require(
        x1 - x0 >= MIN_BOX_SIDE and y1 - y0 >= MIN_BOX_SIDE,
        _("The box is too small. Drag across the text you want to hide."),
    )
    return (round(x0, 5), round(y0, 5), round(x1, 5), round(y1, 5))


@transaction.atomic
def redaction_box_add(
    *, document: Document, actor: User, page: int, box: tuple[float, float, float, float]
) -> RedactionBox:
    """Adds a coordinator's box (shares of the page picture); un-releases the document."""
    locked = _lock_for_redaction(document)
    require(
        locked.pages.filter(number=page).exists(), _("This report has no page %(page)s.")
        % {"page": page},
    )
    x0, y0, x1, y1 = _clean_box(box)
    created = RedactionBox.objects.create(
        document=locked, page=page, x0=x0, y0=y0, x1=x1, y1=y1, kind=RedactionKind.MANUAL,
        origin=BoxOrigin.COORDINATOR, created_by=actor, changed_by=actor,
    )
    record(
        actor=actor, action=DocumentAction.REDACTION_ADD, target=created,
        detail={"document": str(locked.public_id), "page": page},
    )
    _redaction_changed(locked=locked, actor=actor)
    return created


@transaction.atomic
def redaction_box_set_active(*, box: RedactionBox, actor: User, active: bool) -> RedactionBox:
    """Removes a box from the rendition (kept, inactive, for the record) or puts it back;
    un-releases the document."""
    locked = _lock_for_redaction(box.document)
    current = RedactionBox.objects.select_for_update().get(pk=box.pk)
    if current.active == active:
        return current
    current.active = active
    current.changed_by = actor
    current.save(update_fields=["active", "changed_by", "updated_at"])
    record(
        actor=actor,
        action=DocumentAction.REDACTION_RESTORE if active else DocumentAction.REDACTION_REMOVE,
        target=current,
        detail={"document": str(locked.public_id), "page": current.page, "kind": current.kind},
    )
    _redaction_changed(locked=locked, actor=actor)
    return current


def document_rendition_refresh(*, document: Document) -> Document:
    """Redraws the rendition and its text from the active boxes, unless it already shows them.
    Drawn outside any lock; kept only if no box changed meanwhile (the next refresh draws that)."""
    document.refresh_from_db()
    if document.status != DocumentStatus.PROCESSED or document.rendition_is_current:
        return document
    version = document.redaction_version
    pages = list(document.pages.order_by("number"))
    analysis = document_read_analysis(document=document)
    boxes_by_page: dict[int, list[Marked]] = {}
    for box in document.boxes.filter(active=True):
        boxes_by_page.setdefault(box.page, []).append((box.kind, box.box, box.label))
    pictures = [page_picture(document=document, page=page) for page in pages]
    pdf, text = _rendition_draw(pictures=pictures, analysis=analysis, boxes_by_page=boxes_by_page)
    data_key = document_data_key(document=document)
    written: list[str] = []
    rendition_key, rendition_sha = _write(pdf, data_key=data_key, written=written)
    text_key, _sha = _write(text.encode("utf-8"), data_key=data_key, written=written)
    old = [document.rendition_storage_key, document.redacted_text_storage_key]
    with transaction.atomic():
        kept = Document.objects.filter(
            pk=document.pk, redaction_version=version, status=DocumentStatus.PROCESSED
        ).update(
            rendition_storage_key=rendition_key, rendition_sha256=rendition_sha,
            redacted_text_storage_key=text_key, rendition_version=version,
        )
        if kept:
            _delete_files_on_commit(*old)
    if not kept:
        _delete_files_now(written)
    document.refresh_from_db()
    return document


def document_release(
    *, document: Document, actor: User, version: int, checked_by_eye: Iterable[int] = ()
) -> Document:
    """Releases the rendition the coordinator checked (`version` is the count of box changes
    their page showed) to the specialists: records who and when, and an audit event. Every page
    reading found hard to read must be in `checked_by_eye` (the coordinator says they looked at
    it themselves): the system may have missed identifiers there."""
    require(
        actor.is_coordinator, _("Only a coordinator can release a report.")
    )
    document = document_rendition_refresh(document=document)
    checked = set(checked_by_eye)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        require(
            locked.status == DocumentStatus.PROCESSED,
            _("This report has not been read yet, so it cannot be released."),
        )
        require(
            locked.redaction_version == version and locked.rendition_is_current,
            _("The boxes were changed after you opened this page. Check them again, then "
              "release."),
        )
        hard = list(
            locked.pages.filter(hard_to_read=True).order_by("number")
            .values_list("number", flat=True)
        )
        unchecked = [number for number in hard if number not in checked]
        require(
            not unchecked,
            ngettext(
                "Page %(pages)s was hard to read, so the system may have missed identifiers on "
                "it. Look at it yourself, box what still identifies the patient, and tick that "
                "you checked it by eye.",
                "Pages %(pages)s were hard to read, so the system may have missed identifiers "
                "on them. Look at each yourself, box what still identifies the patient, and "
                "tick that you checked them by eye.",
                len(unchecked),
            ) % {"pages": ", ".join(str(n) for n in unchecked)},
        )
        if locked.released_at is None:
            now = timezone.now()
            locked.released_at = now
            locked.released_by = actor
            locked.save(update_fields=["released_at", "released_by", "updated_at"])
            if hard:
                locked.pages.filter(number__in=hard).update(
                    checked_by_eye_at=now, checked_by_eye_by=actor
                )
            record(
                actor=actor, action=DocumentAction.DOCUMENT_RELEASE, target=locked,
                detail={
                    "version": version,
                    "boxes": locked.boxes.filter(active=True).count(),
                    "rendition_sha256": locked.rendition_sha256,
                    "checked_by_eye": hard,
                },
            )
    document.refresh_from_db()
    return document
