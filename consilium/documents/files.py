"""Reading a document's plaintext: only through these functions, which decrypt and authenticate.

Callers have already checked access (a selector) and write their own audit event.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from consilium.core.crypto import (
    DecryptingReader,
    patient_data_key,
    verify_plaintext,
)
from consilium.core.storage import encrypted_open_read, encrypted_read_bytes
from consilium.documents.models import Document, DocumentPage


def document_data_key(*, document: Document) -> bytes:
    return patient_data_key(patient=document.case.patient)


def document_open(*, document: Document) -> DecryptingReader:
    """A seekable reader of the document's plaintext (each chunk authenticated as it is read)."""
    data_key = document_data_key(document=document)
    return encrypted_open_read(key=document.storage_key, data_key=data_key)


def document_verify(*, document: Document) -> None:
    """Reads the whole file once; raises TamperedFileError if any byte or the hash is wrong."""
    with document_open(document=document) as reader:
        verify_plaintext(reader, sha256=document.sha256)


class PlaintextStream:
    """Iterates a document's plaintext in 1 MiB pieces; `close()` releases the file (Django's
    StreamingHttpResponse calls it even if the client goes away before the end)."""

    def __init__(self, reader: DecryptingReader) -> None:
        self._reader = reader
        self._chunks = reader.iter_chunks()

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._reader.close()


def document_stream(*, document: Document) -> PlaintextStream:
    """The plaintext for streaming a download. The whole file is verified here, before the
    response starts (about 50 ms for 75 MB), so a tampered file is never sent, not even in part.
    Raises TamperedFileError."""
    document_verify(document=document)
    return PlaintextStream(document_open(document=document))


def document_read_text(*, document: Document) -> str:
    """The extracted text layer (pages separated by form feeds), or "" if none was extracted."""
    if not document.text_storage_key:
        return ""
    with encrypted_open_read(
        key=document.text_storage_key, data_key=document_data_key(document=document)
    ) as reader:
        return reader.read().decode("utf-8")


def rendition_open(*, document: Document) -> DecryptingReader:
    """A reader of the specialist rendition's plaintext (a PDF of redacted page images)."""
    if not document.rendition_storage_key:
        raise ValueError("this document has no specialist rendition")
    return encrypted_open_read(
        key=document.rendition_storage_key, data_key=document_data_key(document=document)
    )


def rendition_verify(*, document: Document) -> None:
    """Reads the whole rendition once; raises TamperedFileError if any byte or the hash is wrong."""
    with rendition_open(document=document) as reader:
        verify_plaintext(reader, sha256=document.rendition_sha256)


def rendition_read_text(*, document: Document) -> str:
    """The text of the specialist rendition: the words of each page with every one a black box
    covers replaced by a marker such as "[NAME]"; pages separated by form feeds. "" if none."""
    if not document.redacted_text_storage_key:
        return ""
    return _read(document, document.redacted_text_storage_key).decode("utf-8")


def document_read_analysis(*, document: Document) -> dict[str, Any]:
    """What reading found on each page: the words with their boxes (in the page's own units),
    the page size in those units, and the identifiers found (type, start, end in the text)."""
    if not document.analysis_storage_key:
        return {"version": 1, "pages": []}
    loaded: dict[str, Any] = json.loads(_read(document, document.analysis_storage_key))
    return loaded


def page_picture(*, document: Document, page: DocumentPage) -> bytes:
    """The JPEG of one page as reading saw it, checked against its recorded hash."""
    return encrypted_read_bytes(
        key=page.image_storage_key,
        data_key=document_data_key(document=document),
        sha256=page.image_sha256,
    )


def _read(document: Document, key: str) -> bytes:
    with encrypted_open_read(key=key, data_key=document_data_key(document=document)) as reader:
        return reader.read()
