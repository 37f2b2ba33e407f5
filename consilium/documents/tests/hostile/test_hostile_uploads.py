"""Every file of the hostile corpus is refused with a clear message or stored disarmed; none gets
a server error, reading it never raises out of the worker, and memory stays bounded."""

from __future__ import annotations

import io
import resource
import struct
from typing import Any

import pikepdf
import pytest
from django.test import Client

from consilium.cases.models import Case
from consilium.documents.models import Document, DocumentStatus
from consilium.documents.services import document_process
from consilium.documents.tests.conftest import stored_files, upload
from consilium.documents.tests.hostile.corpus import CORPUS

# What a re-encoded JPEG may hold before its scan: JFIF, ICC profile, tables, frame header.
JPEG_SEGMENTS = frozenset({0xE0, 0xE2, 0xDB, 0xC4, 0xDD, 0xC0, 0xC1, 0xC2, 0xC3, 0xDA})
PNG_CHUNKS = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"iCCP", b"sRGB", b"gAMA",
                        b"pHYs", b"cHRM", b"sBIT"})
FORBIDDEN_PDF_KEYS = frozenset({"/OpenAction", "/AA", "/JS", "/JavaScript", "/EmbeddedFiles",
                                "/EF", "/RichMedia", "/XFA", "/Launch"})
# Reading one small hostile file must not grow the process by more than this.
MEMORY_GROWTH_LIMIT_KB = 700 * 1024


def jpeg_markers(data: bytes) -> list[int]:
    markers, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    chunks, at = [], 8
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        chunks.append(data[at + 4 : at + 8])
        at += 12 + length
    return chunks


def pdf_forbidden(data: bytes) -> list[str]:
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in [pdf.Root, *pdf.objects]:
            if isinstance(obj, pikepdf.Stream):
                obj = obj.stream_dict
            if isinstance(obj, pikepdf.Dictionary):
                found += sorted(set(obj.keys()) & FORBIDDEN_PDF_KEYS)
                if str(obj.get("/S", "")) in {"/JavaScript", "/Launch", "/SubmitForm",
                                              "/ImportData"} and obj.objgen == (0, 0):
                    found.append(str(obj.get("/S")))
    return found


def check_stored_disarmed(client: Client, document: Document) -> None:
    name = document.original_name
    assert not {"/", "\\", "\u202e", "\x00", "\r", "\n"} & set(name), name
    assert ".." not in name and len(name) <= 120
    response = client.get(f"/documents/{document.public_id}/download/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    stored = b"".join(response.streaming_content)
    if document.content_type == "application/pdf":
        assert pdf_forbidden(stored) == []
        assert response["Content-Type"] == "application/pdf"
    elif document.content_type == "image/jpeg":
        assert set(jpeg_markers(stored)) <= JPEG_SEGMENTS, jpeg_markers(stored)
        assert b"Asha" not in stored and b"<script" not in stored and b"PK\x03\x04" not in stored
    else:
        assert set(png_chunks(stored)) <= PNG_CHUNKS, png_chunks(stored)
        assert b"Asha" not in stored and b"<script" not in stored


@pytest.mark.parametrize("kind", CORPUS)
def test_a_hostile_upload_is_refused_clearly_or_stored_disarmed_and_read_safely(
    kind: str, client: Client, draft_case: Case, settings: Any
) -> None:
    file_name, build = CORPUS[kind]
    data = build()
    client.force_login(draft_case.patient.holder)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    response = upload(client, draft_case, (file_name, data), json=True)

    assert response.status_code in (200, 400), response.content[:500]
    answer = response.json()
    if response.status_code == 400:
        [message] = answer["errors"]
        assert len(message) > 20 and "Traceback" not in message and "Error" not in message
        assert not Document.objects.exists()
        assert stored_files(settings) == []
    else:
        document = Document.objects.get()
        check_stored_disarmed(client, document)
        # The worker reads it: it ends processed or failed with a message, and never raises.
        document = document_process(document=document)
        assert document.status in (DocumentStatus.PROCESSED, DocumentStatus.FAILED)
        if document.status == DocumentStatus.FAILED:
            assert document.processing_error
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert growth < MEMORY_GROWTH_LIMIT_KB, f"{kind} grew the process by {growth // 1024} MB"


def test_the_corpus_has_at_least_thirty_hostile_files() -> None:
    assert len(CORPUS) >= 30
