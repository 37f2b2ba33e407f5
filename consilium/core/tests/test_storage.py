"""Encrypted files on local storage: random keys, atomic writes, deletion."""

from __future__ import annotations

from pathlib import Path

import pytest

from consilium.core.crypto import data_key_new
from consilium.core.storage import (
    encrypted_open_read,
    encrypted_open_write,
    encrypted_write_bytes,
    get_storage,
)


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_file_is_invisible_until_committed_and_then_reads_back(settings) -> None:
    key = data_key_new()
    pending = encrypted_open_write(data_key=key)
    pending.write(b"Haemoglobin 9.1 g/dL")
    assert not get_storage().exists(pending.key)
    size, _ = pending.commit()
    assert size == 20
    assert get_storage().exists(pending.key)
    assert encrypted_open_read(key=pending.key, data_key=key).read() == b"Haemoglobin 9.1 g/dL"
    on_disk = b"".join(path.read_bytes() for path in files_under(Path(settings.FILES_DIR)))
    assert b"Haemoglobin" not in on_disk


def test_an_aborted_file_leaves_nothing_behind(settings) -> None:
    pending = encrypted_open_write(data_key=data_key_new())
    pending.write(b"x" * 5000)
    pending.abort()
    assert files_under(Path(settings.FILES_DIR)) == []


def test_keys_are_random_and_deleting_removes_the_file(settings) -> None:
    data_key = data_key_new()
    first, _, _ = encrypted_write_bytes(data=b"a", data_key=data_key)
    second, _, _ = encrypted_write_bytes(data=b"a", data_key=data_key)
    assert first != second
    get_storage().delete(first)
    assert not get_storage().exists(first)
    assert get_storage().exists(second)


def test_a_key_cannot_escape_the_storage_root() -> None:
    with pytest.raises(ValueError):
        get_storage().open_read("../../etc/passwd")
