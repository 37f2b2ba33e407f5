"""Reading a report's signed PDF: decrypted and checked against its recorded hash."""

from __future__ import annotations

import hashlib

from consilium.core.crypto import TamperedFileError, patient_data_key
from consilium.core.storage import encrypted_open_read
from consilium.reports.models import Report


def report_read(*, report: Report) -> bytes:
    """The signed PDF; raises TamperedFileError if the file or its hash does not match."""
    with encrypted_open_read(
        key=report.storage_key, data_key=patient_data_key(patient=report.case.patient)
    ) as reader:
        data = reader.read()
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise TamperedFileError("report hash mismatch")
    return data
