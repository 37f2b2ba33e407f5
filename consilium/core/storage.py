"""Where encrypted files live. Everything written here is already ciphertext (see core.crypto).

The backend interface is deliberately small (open_write / open_read / delete / exists): local
disk here, and an S3-compatible bucket in core/s3.py (a multipart upload behind `open_write`,
ranged GETs behind `open_read`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from consilium.core.crypto import DecryptingReader, EncryptingWriter, TamperedFileError


class StorageFullError(OSError):
    """The file store has no room left (a full disk, a quota). What was being written is gone;
    callers tell the person plainly and keep nothing of it."""


_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


@contextlib.contextmanager
def _full_is_storage_full() -> Iterator[None]:
    try:
        yield
    except StorageFullError:
        raise
    except OSError as error:
        if error.errno in _FULL:
            raise StorageFullError(error.errno, "the file store is full") from error
        raise


class PendingFile(Protocol):
    """A file being written: invisible under its key until `commit()`."""

    key: str

    def write(self, data: bytes | bytearray | memoryview) -> int: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


class FileStorage(Protocol):
    def open_write(self) -> PendingFile: ...
    def open_read(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


def new_key() -> str:
    """A random key: nothing about the patient or the file appears in it."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:4]}/{token}"


class _LocalPendingFile:
    def __init__(self, root: Path) -> None:
        self.key = new_key()
        self._final = root / self.key
        self._temp = self._final.with_name(f".{self._final.name}.{secrets.token_hex(4)}.part")
        self._file: io.BufferedWriter | None = None
        with _full_is_storage_full():
            self._final.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self._temp, "xb")  # noqa: SIM115

    def _open_file(self) -> io.BufferedWriter:
        if self._file is None:
            raise ValueError("the file was already committed or aborted")
        return self._file

    def write(self, data: bytes | bytearray | memoryview) -> int:
        with _full_is_storage_full():
            return self._open_file().write(data)

    def commit(self) -> None:
        file = self._open_file()
        try:
            with _full_is_storage_full():
                file.flush()
                os.fsync(file.fileno())
                file.close()
        except BaseException:
            self.abort()
            raise
        self._file = None
        # Readers see either nothing or the whole file, never a half-written one.
        os.replace(self._temp, self._final)

    def abort(self) -> None:
        file, self._file = self._file, None
        try:
            if file is not None:
                # Closing flushes what is buffered, which fails again on a full disk; the part
                # file is removed whatever happens.
                with contextlib.suppress(OSError):
                    file.close()
        finally:
            self._temp.unlink(missing_ok=True)


class LocalFileStorage:
    """Files on local disk under FILES_DIR (the embedded deployment)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the storage root")
        return path

    def open_write(self) -> _LocalPendingFile:
        self.root.mkdir(parents=True, exist_ok=True)
        return _LocalPendingFile(self.root)

    def open_read(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")  # noqa: SIM115

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


def get_storage() -> FileStorage:
    if settings.FILES_BACKEND == "local":
        return LocalFileStorage(settings.FILES_DIR)
    if settings.FILES_BACKEND == "s3":
        # Imported here so the embedded deployment never loads boto3 (half a second of start-up).
        from consilium.core.s3 import s3_storage

        return s3_storage()
    raise ImproperlyConfigured(f"Unknown FILES_BACKEND {settings.FILES_BACKEND!r}")


class EncryptedPendingFile:
    """Plaintext in, ciphertext to storage: the writer other code uses."""

    def __init__(self, storage: FileStorage, data_key: bytes) -> None:
        self._pending = storage.open_write()
        self.key = self._pending.key
        self._writer = EncryptingWriter(self._pending, data_key)  # type: ignore[arg-type]

    @property
    def size(self) -> int:
        return self._writer.size

    def write(self, data: bytes | bytearray | memoryview) -> int:
        return self._writer.write(data)

    def commit(self) -> tuple[int, str]:
        """Makes the file visible under `self.key`; returns (plaintext size, SHA-256 hex).
        On failure (a full disk) nothing of the file remains."""
        try:
            result = self._writer.close()
            self._pending.commit()
        except BaseException:
            self._pending.abort()
            raise
        return result

    def abort(self) -> None:
        self._pending.abort()


def encrypted_open_write(
    *, data_key: bytes, storage: FileStorage | None = None
) -> EncryptedPendingFile:
    return EncryptedPendingFile(storage or get_storage(), data_key)


def encrypted_open_read(
    *, key: str, data_key: bytes, storage: FileStorage | None = None
) -> DecryptingReader:
    return DecryptingReader((storage or get_storage()).open_read(key), data_key)


def encrypted_read_bytes(*, key: str, data_key: bytes, sha256: str) -> bytes:
    """Reads a small encrypted file whole and checks it against its recorded SHA-256; raises
    TamperedFileError if a byte or the hash is wrong. The counterpart of encrypted_write_bytes."""
    with encrypted_open_read(key=key, data_key=data_key) as reader:
        data = reader.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise TamperedFileError("the file's content does not match its recorded hash")
    return data


def encrypted_write_bytes(*, data: bytes, data_key: bytes) -> tuple[str, int, str]:
    """Stores a small plaintext; returns (key, size, SHA-256 hex)."""
    pending = encrypted_open_write(data_key=data_key)
    try:
        pending.write(data)
        size, sha256 = pending.commit()
    except BaseException:
        pending.abort()
        raise
    return pending.key, size, sha256
