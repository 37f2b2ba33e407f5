"""Encryption at rest: per-patient data keys wrapped by the master key, and a chunked file format.

File format (version 1):

    header  = b"CSLM" | version (1 byte) | nonce prefix (8 random bytes)
    chunk i = AES-256-GCM(data key, nonce = prefix | i as 4 bytes big-endian,
                          associated data = i as 4 bytes | final flag (1 byte)) of 1 MiB plaintext

Every chunk but the last holds exactly 1 MiB of plaintext; the last holds 0..1 MiB and is sealed
with the final flag set. Because the index and the flag are authenticated, chunks cannot be
reordered, dropped, duplicated or truncated away without decryption failing. The SHA-256 of the
plaintext is computed while writing and stored by the caller, so a whole file swapped for another
file of the same patient is caught too (`verify_plaintext`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"CSLM"
VERSION = 1
PREFIX_SIZE = 8
HEADER_SIZE = len(MAGIC) + 1 + PREFIX_SIZE
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
KEY_SIZE = 32
# 2**32 chunks of 1 MiB = 4 PiB: the counter cannot wrap for any file we accept.
MAX_CHUNKS = 2**32


class TamperedFileError(Exception):
    """An encrypted file failed authentication: altered, truncated, reordered or swapped.
    It must never be served."""


# --- keys -----------------------------------------------------------------------------------


def _master_key() -> bytes:
    key = base64.b64decode(settings.MASTER_KEY)
    if len(key) != KEY_SIZE:
        raise ValueError("MASTER_KEY must be base64 of 32 bytes")
    return key


def master_key_fingerprint() -> str:
    """Names the master key without giving it away (an HMAC of a fixed label), so a backup can
    say which key its data keys were wrapped with and a restore can refuse the wrong one."""
    return hmac.new(_master_key(), b"consilium master key fingerprint", "sha256").hexdigest()[:16]


def backup_key() -> bytes:
    """The key a backup's database dump is encrypted with, derived from the master key: a copied
    backup is as unreadable as a copied file store, and needs no second secret to keep."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=b"consilium backup database v1"
    ).derive(_master_key())


def retention_key() -> bytes:
    """The key of what a deployment keeps after a patient's erasure (their signed reports, if it
    keeps them), derived from the master key: the patient's own key is destroyed."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=b"consilium retained v1"
    ).derive(_master_key())


def data_key_new() -> bytes:
    return os.urandom(KEY_SIZE)


def data_key_wrap(*, data_key: bytes, owner_id: str) -> bytes:
    """Seals a data key with the master key; `owner_id` (the patient's public id) is bound as
    associated data so a wrapped key copied onto another patient does not open."""
    nonce = os.urandom(12)
    return nonce + AESGCM(_master_key()).encrypt(nonce, data_key, owner_id.encode())


def data_key_unwrap(*, wrapped: bytes, owner_id: str) -> bytes:
    wrapped = bytes(wrapped)
    try:
        return AESGCM(_master_key()).decrypt(wrapped[:12], wrapped[12:], owner_id.encode())
    except InvalidTag:
        raise TamperedFileError("the wrapped data key does not open with the master key") from None


def patient_data_key(*, patient: Any) -> bytes:
    """The patient's data key, created on first use. Two concurrent first uploads race on a
    conditional UPDATE; both then read back the one key that won."""
    model = type(patient)
    if getattr(patient, "erased_at", None) is not None:
        # Erased: a new key would only serve to store something of theirs again.
        raise TamperedFileError("the patient's data key has been erased")
    if patient.wrapped_data_key is None:
        wrapped = data_key_wrap(data_key=data_key_new(), owner_id=str(patient.public_id))
        model.objects.filter(pk=patient.pk, wrapped_data_key__isnull=True).update(
            wrapped_data_key=wrapped
        )
        patient.wrapped_data_key = (
            model.objects.filter(pk=patient.pk).values_list("wrapped_data_key", flat=True).get()
        )
    if patient.wrapped_data_key is None:
        # The key was destroyed after we looked (erasure): nothing may be written any more.
        raise TamperedFileError("the patient's data key has been erased")
    return data_key_unwrap(wrapped=patient.wrapped_data_key, owner_id=str(patient.public_id))


# --- files ----------------------------------------------------------------------------------


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _aad(index: int, final: bool) -> bytes:
    return struct.pack(">IB", index, 1 if final else 0)


class EncryptingWriter:
    """Encrypts a stream of plaintext into `sink` in one pass, hashing it on the way.
    Memory stays bounded by one chunk whatever the file's size."""

    def __init__(self, sink: BinaryIO, key: bytes) -> None:
        self._sink = sink
        self._aead = AESGCM(key)
        self._prefix = os.urandom(PREFIX_SIZE)
        self._buffer = bytearray()
        self._index = 0
        self._size = 0
        self._sha = hashlib.sha256()
        self._closed = False
        sink.write(MAGIC + bytes([VERSION]) + self._prefix)

    @property
    def size(self) -> int:
        return self._size

    def _seal(self, plaintext: bytes, final: bool) -> None:
        if self._index >= MAX_CHUNKS:
            raise ValueError("file too large for the chunk counter")
        nonce = _nonce(self._prefix, self._index)
        self._sink.write(self._aead.encrypt(nonce, plaintext, _aad(self._index, final)))
        self._index += 1

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._closed:
            raise ValueError("write to a closed EncryptingWriter")
        self._sha.update(data)
        self._size += len(data)
        self._buffer += data
        # Keep at least one byte back: the last chunk must be sealed as final, and we only know
        # which one is last at close().
        while len(self._buffer) > CHUNK_SIZE:
            self._seal(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def close(self) -> tuple[int, str]:
        """Seals the final chunk; returns (plaintext size, plaintext SHA-256 hex)."""
        if not self._closed:
            self._seal(bytes(self._buffer), final=True)
            self._buffer = bytearray()
            self._closed = True
        return self._size, self._sha.hexdigest()


class SeekableReader(io.RawIOBase):
    """A read-only stream of known size (`_size`) with a position (`_pos`): the subclass reads
    from `_pos`; seeking only moves it."""

    _size: int
    _pos: int

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos


class DecryptingReader(SeekableReader):
    """A seekable, read-only view of the plaintext of an encrypted file. Decrypts one chunk at a
    time, so Pillow, pikepdf and pypdfium2 can read a large file without it touching disk in the
    clear and without holding it in memory."""

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        super().__init__()
        self._source = source
        self._aead = AESGCM(key)
        source.seek(0)
        header = source.read(HEADER_SIZE)
        if len(header) != HEADER_SIZE or header[:4] != MAGIC:
            raise TamperedFileError("not an encrypted Consilium file")
        if header[4] != VERSION:
            raise TamperedFileError(f"unknown encrypted file version {header[4]}")
        self._prefix = header[5:]
        body = source.seek(0, io.SEEK_END) - HEADER_SIZE
        self._chunks = max(1, -(-body // SEALED_CHUNK_SIZE))
        last_sealed = body - (self._chunks - 1) * SEALED_CHUNK_SIZE
        if last_sealed < TAG_SIZE:
            raise TamperedFileError("the encrypted file is truncated")
        self._size = (self._chunks - 1) * CHUNK_SIZE + last_sealed - TAG_SIZE
        self._pos = 0
        self._cached_index = -1
        self._cached = b""

    @property
    def size(self) -> int:
        return self._size

    def chunk(self, index: int) -> bytes:
        """The plaintext of one chunk, authenticated."""
        if index == self._cached_index:
            return self._cached
        if not 0 <= index < self._chunks:
            raise IndexError(index)
        self._source.seek(HEADER_SIZE + index * SEALED_CHUNK_SIZE)
        sealed = self._source.read(SEALED_CHUNK_SIZE)
        final = index == self._chunks - 1
        try:
            plaintext = self._aead.decrypt(_nonce(self._prefix, index), sealed, _aad(index, final))
        except InvalidTag:
            raise TamperedFileError(f"chunk {index} of the file fails authentication") from None
        self._cached_index, self._cached = index, plaintext
        return plaintext

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self._size:
            return 0
        view = memoryview(buffer).cast("B")
        written = 0
        while written < len(view) and self._pos < self._size:
            index, offset = divmod(self._pos, CHUNK_SIZE)
            plaintext = self.chunk(index)
            piece = plaintext[offset : offset + len(view) - written]
            view[written : written + len(piece)] = piece
            written += len(piece)
            self._pos += len(piece)
        return written

    def iter_chunks(self) -> Iterator[bytes]:
        """Every chunk of plaintext in order, from the start."""
        for index in range(self._chunks):
            yield self.chunk(index)

    def close(self) -> None:
        if not self.closed:
            self._source.close()
            self._cached = b""
        super().close()


def verify_plaintext(reader: DecryptingReader, *, sha256: str) -> None:
    """Reads the whole file once and checks its hash; raises TamperedFileError on a mismatch."""
    digest = hashlib.sha256()
    for plaintext in reader.iter_chunks():
        digest.update(plaintext)
    if digest.hexdigest() != sha256:
        raise TamperedFileError("the file's content does not match its recorded hash")
