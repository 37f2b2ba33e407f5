"""Encrypted files in the file store, on local disk and in S3 (SeaweedFS): random keys, atomic
writes, deletion. Every test here runs against both backends."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from consilium.core.crypto import data_key_new
from consilium.core.storage import (
    encrypted_open_read,
    encrypted_open_write,
    encrypted_write_bytes,
    get_storage,
)
from consilium.core.testing import stored_objects


@pytest.fixture(params=["local", "s3"], autouse=True)
def backend(request: pytest.FixtureRequest, settings: Any) -> str:
    if request.param == "s3":
        request.getfixturevalue("seaweedfs").configure(
            settings, prefix=f"tests/{uuid.uuid4().hex}"
        )
    else:
        settings.FILES_BACKEND = "local"
    return str(request.param)


def test_a_file_is_invisible_until_committed_and_then_reads_back() -> None:
    key = data_key_new()
    pending = encrypted_open_write(data_key=key)
    pending.write(b"Haemoglobin 9.1 g/dL")
    assert not get_storage().exists(pending.key)
    size, _ = pending.commit()
    assert size == 20
    assert get_storage().exists(pending.key)
    assert encrypted_open_read(key=pending.key, data_key=key).read() == b"Haemoglobin 9.1 g/dL"
    stored = b"".join(item.read_bytes() for item in stored_objects())
    assert stored.startswith(b"CSLM")
    assert b"Haemoglobin" not in stored


def test_an_aborted_file_leaves_nothing_behind() -> None:
    pending = encrypted_open_write(data_key=data_key_new())
    pending.write(b"x" * 5000)
    pending.abort()
    assert stored_objects() == []


def test_an_aborted_large_file_leaves_nothing_behind() -> None:
    pending = encrypted_open_write(data_key=data_key_new())
    for _ in range(12):
        pending.write(b"x" * 1024 * 1024)
    # Past one part, S3 holds an unfinished multipart upload (and local disk a .part file).
    assert stored_objects() != []
    pending.abort()
    assert stored_objects() == []


def test_keys_are_random_and_deleting_removes_the_file() -> None:
    data_key = data_key_new()
    first, _, _ = encrypted_write_bytes(data=b"a", data_key=data_key)
    second, _, _ = encrypted_write_bytes(data=b"a", data_key=data_key)
    assert first != second
    get_storage().delete(first)
    assert not get_storage().exists(first)
    assert get_storage().exists(second)
    assert [str(item) for item in stored_objects()] == [second]


def test_deleting_a_missing_file_is_not_an_error() -> None:
    key, _, _ = encrypted_write_bytes(data=b"a", data_key=data_key_new())
    get_storage().delete(key)
    get_storage().delete(key)
    assert not get_storage().exists(key)


def test_reading_a_missing_file_raises_file_not_found() -> None:
    key, _, _ = encrypted_write_bytes(data=b"a", data_key=data_key_new())
    get_storage().delete(key)
    with pytest.raises(FileNotFoundError):
        get_storage().open_read(key)


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/../../cd", "/etc/passwd"])
def test_a_key_cannot_escape_the_storage_root(key: str) -> None:
    with pytest.raises(ValueError):
        get_storage().open_read(key)
