"""Streaming uploads: each file goes straight from the request into an encrypted file.

Django's default handlers keep small files in memory and write larger ones to a plaintext
temporary file; for health data we want neither. This handler is installed only on the upload
view. It decides a file's type from its first bytes (never from its name or the type the browser
declares) and stops the upload as soon as the case would go over its limit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest
from django.utils.translation import gettext as _

from consilium.core.storage import EncryptedPendingFile, encrypted_open_write, get_storage

FILE_FIELD = "files"
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
SNIFF_BYTES = max(len(signature) for signature, _ in SIGNATURES)
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
# Multipart headers and the form's small fields never come near this. When a body is larger than
# the room left by more than this, we stop reading it at the limit and let the connection close
# rather than drain it (the JavaScript client checks sizes before sending, so only a plain form
# post or a hostile client gets here).
MULTIPART_SLACK = 8 * 1024 * 1024


def sniff_content_type(head: bytes) -> str | None:
    """PDF, JPEG or PNG by their magic bytes; None for anything else."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def sanitise_filename(name: str) -> str:
    """A display name safe anywhere: no path, no control characters, at most 120 characters.
    Letters of any script stay (many reports are named in Hindi)."""
    name = unicodedata.normalize("NFC", PurePath(name.replace("\\", "/")).name)
    kept = "".join(
        # Letters, digits and marks (Devanagari vowel signs are marks) stay.
        char if (unicodedata.category(char)[0] in "LNM" or char in " ._-()") else "_"
        for char in name
        if unicodedata.category(char)[0] != "C"
    ).strip(" .")
    stem, dot, extension = kept.rpartition(".")
    if not dot:
        stem, extension = kept, ""
    extension = extension[:10]
    stem = stem[: 120 - len(extension) - 1] if extension else kept[:120]
    result = f"{stem}.{extension}" if extension and stem else stem
    return result or "report"


@dataclass
class ReceivedFile:
    """One file stored encrypted by the handler, not yet a Document."""

    original_name: str
    content_type: str
    storage_key: str
    size: int
    sha256: str
    handed_over: bool = False


@dataclass
class RefusedFile:
    original_name: str
    reason: str


@dataclass
class _Current:
    name: str
    pending: EncryptedPendingFile
    head: bytes = b""
    content_type: str | None = None
    received: int = 0


class EncryptingUploadHandler(FileUploadHandler):
    """Streams every file of the request into its own encrypted file, within `room` bytes."""

    chunk_size = 1024 * 1024

    def __init__(self, request: HttpRequest, *, data_key: bytes, room: int) -> None:
        super().__init__(request)
        self.data_key = data_key
        self.room = max(0, room)
        self.accepted_bytes = 0
        self.received: list[ReceivedFile] = []
        self.refused: list[RefusedFile] = []
        self.over_limit: str | None = None
        # Not `content_length`: the base class uses that name for each file's declared length.
        self.body_length = 0
        self._current: _Current | None = None

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: str,
        encoding: str | None = None,
    ) -> None:
        self.body_length = content_length
        return None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        name = sanitise_filename(file_name or "")
        if field_name != FILE_FIELD:
            raise SkipFile
        self._current = _Current(name=name, pending=encrypted_open_write(data_key=self.data_key))

    def _refuse_type(self, current: _Current) -> None:
        current.pending.abort()
        self.accepted_bytes -= current.received
        message = (
            _("“%(name)s” is empty (0 bytes), so it was not saved. Choose the file again.")
            if current.received == 0
            else _("“%(name)s” is not a PDF, JPEG or PNG file, so it was not saved.")
        )
        self.refused.append(RefusedFile(current.name, message % {"name": current.name}))
        self._current = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        current = self._current
        if current is None:
            return None
        current.received += len(raw_data)
        self.accepted_bytes += len(raw_data)
        if self.accepted_bytes > self.room:
            # Stop at the first byte over the limit; the partial file never becomes visible.
            current.pending.abort()
            self._current = None
            self.accepted_bytes -= current.received
            self.over_limit = current.name
            raise StopUpload(connection_reset=self.body_length > self.room + MULTIPART_SLACK)
        if current.content_type is None:
            current.head += raw_data
            if len(current.head) < SNIFF_BYTES:
                return None
            current.content_type = sniff_content_type(current.head)
            if current.content_type is None:
                self._refuse_type(current)
                raise SkipFile
            current.pending.write(current.head)
            current.head = b""
            return None
        current.pending.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> None:
        current = self._current
        if current is None:
            return None
        self._current = None
        if current.content_type is None:
            # A file shorter than the longest signature.
            current.content_type = sniff_content_type(current.head)
            if current.content_type is None:
                self._current = current
                self._refuse_type(current)
                return None
            current.pending.write(current.head)
        size, sha256 = current.pending.commit()
        self.received.append(
            ReceivedFile(current.name, current.content_type, current.pending.key, size, sha256)
        )
        # The view reads `received`; returning a file object would also put it in request.FILES.
        return None

    def upload_interrupted(self) -> None:
        # The body ended inside a file (the connection dropped): drop that file only; the files
        # completed before it are whole.
        if self._current is not None:
            self._current.pending.abort()
            self._current = None

    def discard(self) -> None:
        """Deletes whatever was stored and not handed over to the service (a failed CSRF check,
        an invalid form, a dropped connection)."""
        if self._current is not None:
            self._current.pending.abort()
            self._current = None
        storage = get_storage()
        for received in self.received:
            if not received.handed_over:
                storage.delete(received.storage_key)
