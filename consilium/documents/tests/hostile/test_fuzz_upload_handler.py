"""Fuzzing the streaming upload handler: any files, cut into any chunks (a file's first bytes
may arrive one at a time), within any room. A file is kept exactly as sent, or refused by its
first bytes, or stops the upload at the case's limit; and once the request is over nothing is
left in the store but what was handed over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadhandler import SkipFile, StopUpload
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fuzz_examples
from consilium.core.crypto import data_key_new
from consilium.core.storage import encrypted_open_read
from consilium.documents.upload import (
    FILE_FIELD,
    SIGNATURES,
    EncryptingUploadHandler,
    sniff_content_type,
)

heads = st.one_of(st.sampled_from([signature for signature, _ in SIGNATURES]),
                  st.binary(max_size=8))
files = st.tuples(
    st.text(max_size=40), st.sampled_from([FILE_FIELD, FILE_FIELD, "other"]), heads,
    st.binary(max_size=3000), st.lists(st.integers(1, 700), max_size=12),
)


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    pieces, at = [], 0
    for size in cuts:
        if at >= len(data):
            break
        pieces.append(data[at : at + size])
        at += size
    if at < len(data):
        pieces.append(data[at:])
    return pieces


@settings(max_examples=fuzz_examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(uploads=st.lists(files, max_size=4), room=st.integers(0, 8000))
def test_any_upload_is_stored_whole_refused_or_stopped_and_leaves_nothing_behind(
    uploads: list[tuple[str, str, bytes, bytes, list[int]]], room: int, settings: Any,
) -> None:
    # The store of this test function (set once by the root conftest, not per example: each
    # assignment to `settings` would stack another override).
    store = Path(settings.FILES_DIR)
    for path in sorted(store.rglob("*"), reverse=True) if store.exists() else []:
        path.unlink() if path.is_file() else path.rmdir()
    data_key = data_key_new()
    handler = EncryptingUploadHandler(RequestFactory().post("/"), data_key=data_key, room=room)
    sent: list[bytes] = []
    stopped = False
    for name, field, head, body, cuts in uploads:
        data = head + body
        try:
            handler.new_file(field, name, "application/octet-stream", len(data))
        except SkipFile:
            continue
        skipped = False
        for start, piece in enumerate(_chunks(data, cuts)):
            try:
                handler.receive_data_chunk(piece, start)
            except SkipFile:
                skipped = True
                break
            except StopUpload:
                stopped = True
                break
        if stopped:
            break
        if not skipped:
            handler.file_complete(len(data))
        if field == FILE_FIELD:
            sent.append(data)

    accepted = [data for data in sent if sniff_content_type(data[:8]) is not None]
    assert len(handler.received) + len(handler.refused) == len(sent)
    assert all(r.original_name for r in handler.received + handler.refused)
    for received, data in zip(handler.received, accepted, strict=False):
        with encrypted_open_read(key=received.storage_key, data_key=data_key) as reader:
            assert reader.read() == data
        assert received.size == len(data)
    assert sum(r.size for r in handler.received) <= room
    if stopped:
        assert handler.over_limit is not None

    handler.discard()
    left = [path for path in store.rglob("*") if path.is_file()] if store.exists() else []
    assert left == []
