"""The report is signed with the deployment's certificate; any changed byte breaks it."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pypdfium2 as pdfium
import pytest

from consilium.core.crypto import TamperedFileError
from consilium.core.testing import StoredObject
from consilium.reports.files import report_read
from consilium.reports.models import Report
from consilium.reports.signing import pdf_verify


def pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_pyhanko_validates_the_signature_of_the_delivered_report(report: Report) -> None:
    data = report_read(report=report)
    check = pdf_verify(pdf=data)
    assert check.valid, check
    assert hashlib.sha256(data).hexdigest() == report.sha256
    assert "Consilium" in check.signer


def signed_ranges(data: bytes) -> list[tuple[int, int]]:
    """The /ByteRange of the signature: the parts of the file the signature covers."""
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert match is not None
    a, b, c, d = (int(x) for x in match.groups())
    return [(a, a + b), (c, c + d)]


def test_a_single_changed_byte_anywhere_the_signature_covers_fails_validation(
    report: Report,
) -> None:
    original = report_read(report=report)
    for start, end in signed_ranges(original):
        for where in (0.0, 0.02, 0.5, 0.98, 1.0):
            data = bytearray(original)
            data[start + int((end - start - 1) * where)] ^= 0x01
            assert not pdf_verify(pdf=bytes(data)).valid, (start, end, where)


def test_a_signature_from_another_certificate_is_not_trusted(report: Report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from consilium.reports.signing import self_signed_create

    other = tmp_path / "other.pem"
    self_signed_create(cert=other, key=tmp_path / "other-key.pem", common_name="Someone else")
    check = pdf_verify(pdf=report_read(report=report), trust_cert=other)
    assert check.intact and not check.trusted and not check.valid


def test_the_stored_report_is_encrypted_and_a_tampered_file_is_refused(
    report: Report, settings: Any
) -> None:
    stored = StoredObject(report.storage_key)
    ciphertext = bytearray(stored.read_bytes())
    assert ciphertext.startswith(b"CSLM")
    assert b"%PDF" not in ciphertext and b"Asha" not in ciphertext
    ciphertext[len(ciphertext) // 2] ^= 0x01
    stored.write_bytes(bytes(ciphertext))
    with pytest.raises(TamperedFileError):
        report_read(report=report)


def test_the_report_prints_what_the_issue_asks(report: Report) -> None:
    text = " ".join(pdf_text(report_read(report=report)).split())
    case = report.case
    assert case.reference in text
    assert "Is surgery needed first?" in text and "Answer to question 1." in text
    assert "Confirmed" in text
    assert "Breast-conserving surgery" in text
    assert "MCI-12345" in text and "National Medical Commission" in text
    assert "MBBS, MD, DM" in text
    assert "ct-report.pdf" in text or "relied on the information" in text
    assert "not a diagnosis, treatment or prescription" in text
    assert "Specialist 1" in text
