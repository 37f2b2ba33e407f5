"""Encryption at rest: wrapped data keys and the chunked AES-256-GCM file format."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from consilium.core.crypto import (
    CHUNK_SIZE,
    HEADER_SIZE,
    SEALED_CHUNK_SIZE,
    DecryptingReader,
    EncryptingWriter,
    TamperedFileError,
    data_key_new,
    data_key_unwrap,
    data_key_wrap,
    patient_data_key,
    verify_plaintext,
)

KEY = bytes(range(32))


def seal(plaintext: bytes, key: bytes = KEY, piece: int = 100_000) -> bytes:
    sink = io.BytesIO()
    writer = EncryptingWriter(sink, key)
    for start in range(0, len(plaintext), piece):
        writer.write(plaintext[start : start + piece])
    size, sha256 = writer.close()
    assert size == len(plaintext)
    assert sha256 == hashlib.sha256(plaintext).hexdigest()
    return sink.getvalue()


def open_sealed(ciphertext: bytes, key: bytes = KEY) -> DecryptingReader:
    return DecryptingReader(io.BytesIO(ciphertext), key)


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 3 * CHUNK_SIZE + 7]
)
def test_a_sealed_file_reads_back_exactly_whatever_its_size(size: int) -> None:
    plaintext = os.urandom(size)
    ciphertext = seal(plaintext)
    if size >= 16:  # a shorter plaintext may appear in random ciphertext by chance
        assert plaintext[:64] not in ciphertext
    reader = open_sealed(ciphertext)
    assert reader.size == size
    assert reader.read() == plaintext
    verify_plaintext(open_sealed(ciphertext), sha256=hashlib.sha256(plaintext).hexdigest())


def test_the_reader_seeks_across_chunks_like_a_file() -> None:
    plaintext = os.urandom(2 * CHUNK_SIZE + 500)
    reader = open_sealed(seal(plaintext))
    reader.seek(CHUNK_SIZE - 10)
    assert reader.read(20) == plaintext[CHUNK_SIZE - 10 : CHUNK_SIZE + 10]
    reader.seek(-100, io.SEEK_END)
    assert reader.read() == plaintext[-100:]
    assert reader.read(10) == b""
    reader.seek(5)
    reader.seek(5, io.SEEK_CUR)
    assert reader.tell() == 10
    buffered = io.BufferedReader(open_sealed(seal(plaintext)))
    assert buffered.read(3) == plaintext[:3]


def test_one_flipped_byte_is_refused_on_read() -> None:
    ciphertext = bytearray(seal(os.urandom(CHUNK_SIZE + 100)))
    ciphertext[HEADER_SIZE + 50] ^= 1
    with pytest.raises(TamperedFileError):
        open_sealed(bytes(ciphertext)).read()


def test_a_file_truncated_at_a_chunk_boundary_is_refused() -> None:
    ciphertext = seal(os.urandom(2 * CHUNK_SIZE + 100))
    with pytest.raises(TamperedFileError):
        open_sealed(ciphertext[: HEADER_SIZE + 2 * SEALED_CHUNK_SIZE]).read()


def test_a_file_cut_inside_a_chunk_is_refused() -> None:
    ciphertext = seal(os.urandom(CHUNK_SIZE + 100))
    with pytest.raises(TamperedFileError):
        open_sealed(ciphertext[:-5]).read()
    with pytest.raises(TamperedFileError):
        open_sealed(ciphertext[:HEADER_SIZE])


def test_swapped_chunks_are_refused() -> None:
    ciphertext = seal(os.urandom(3 * CHUNK_SIZE))
    header, body = ciphertext[:HEADER_SIZE], ciphertext[HEADER_SIZE:]
    first, second = body[:SEALED_CHUNK_SIZE], body[SEALED_CHUNK_SIZE : 2 * SEALED_CHUNK_SIZE]
    swapped = header + second + first + body[2 * SEALED_CHUNK_SIZE :]
    with pytest.raises(TamperedFileError):
        open_sealed(swapped).read()


def test_a_file_sealed_with_another_key_does_not_open() -> None:
    with pytest.raises(TamperedFileError):
        open_sealed(seal(b"hello"), key=data_key_new()).read()


def test_a_whole_file_swapped_for_another_is_caught_by_its_hash() -> None:
    other = seal(b"another report of the same patient")
    with pytest.raises(TamperedFileError):
        verify_plaintext(open_sealed(other), sha256=hashlib.sha256(b"the original").hexdigest())


def test_a_wrapped_key_opens_only_for_its_own_patient(settings) -> None:
    data_key = data_key_new()
    wrapped = data_key_wrap(data_key=data_key, owner_id="patient-a")
    assert data_key not in wrapped
    assert data_key_unwrap(wrapped=wrapped, owner_id="patient-a") == data_key
    with pytest.raises(TamperedFileError):
        data_key_unwrap(wrapped=wrapped, owner_id="patient-b")


def test_a_patient_gets_one_data_key_which_stays_the_same(patient) -> None:
    from consilium.patients.models import Patient

    first = patient_data_key(patient=patient)
    # A second upload racing with the first reloads the patient without the key in memory.
    stale = Patient.objects.get(pk=patient.pk)
    stale.wrapped_data_key = None
    assert patient_data_key(patient=stale) == first
    assert patient_data_key(patient=Patient.objects.get(pk=patient.pk)) == first
