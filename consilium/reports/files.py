"""Reading a report's signed PDF: decrypted and checked against its recorded hash."""

from __future__ import annotations

from consilium.core.crypto import patient_data_key
from consilium.core.storage import encrypted_read_bytes
from consilium.reports.models import Report


def report_read(*, report: Report) -> bytes:
    """The signed PDF; raises TamperedFileError if the file or its hash does not match."""
    return encrypted_read_bytes(
        key=report.storage_key,
        data_key=patient_data_key(patient=report.case.patient),
        sha256=report.sha256,
    )
