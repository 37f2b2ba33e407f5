"""The documents' part of `manage.py verify_files`: every original, specialist rendition, page
picture and extracted text decrypts, authenticates and matches its recorded hash."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from consilium.audit.services import record
from consilium.core.crypto import TamperedFileError
from consilium.core.integrity import IntegrityResult
from consilium.documents.actions import DocumentAction
from consilium.documents.files import (
    document_read_analysis,
    document_read_text,
    document_verify,
    page_picture,
    rendition_read_text,
    rendition_verify,
)
from consilium.documents.models import Document


def documents_integrity_check() -> IntegrityResult:
    """Reads every stored file of every document once (a system read: one audit event per
    document). Problems name the document's public id and which file, never its name."""
    result = IntegrityResult(kind="documents")
    documents = Document.objects.select_related("case__patient").prefetch_related("pages")
    for document in documents.iterator(chunk_size=200):
        failed: list[str] = []
        if document.case.patient.wrapped_data_key is None:
            failed.append("the patient's data key is gone")
        else:
            failed.extend(_document_failures(document))
        result.checked += 1
        result.problems.extend(f"document {document.public_id}: {what}" for what in failed)
        record(actor=None, action=DocumentAction.DOCUMENT_INTEGRITY_CHECKED, target=document,
               detail={"ok": not failed})
    return result


def _document_failures(document: Document) -> list[str]:
    checks: list[tuple[str, Callable[[], object]]] = [
        ("original", lambda: document_verify(document=document)),
        ("text", lambda: document_read_text(document=document)),
        ("analysis", lambda: document_read_analysis(document=document)),
        ("rendition text", lambda: rendition_read_text(document=document)),
    ]
    if document.rendition_storage_key:
        checks.append(("rendition", lambda: rendition_verify(document=document)))
    for page in document.pages.all():
        checks.append((f"page {page.number} picture", partial(page_picture, document=document,
                                                                   page=page)))
    failed = []
    for what, check in checks:
        try:
            check()
        except FileNotFoundError:
            failed.append(f"{what} is missing from the file store")
        except (TamperedFileError, OSError, ValueError) as error:
            failed.append(f"{what} does not open ({type(error).__name__})")
    return failed
