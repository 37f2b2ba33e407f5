"""The records app's part of `manage.py verify_files`: every signed report kept after its
patient's erasure opens with the retention key and matches its recorded hash."""

from __future__ import annotations

from consilium.core.crypto import TamperedFileError
from consilium.core.integrity import IntegrityResult
from consilium.records.erasure import retained_report_read
from consilium.records.models import RetainedReport


def retained_reports_integrity_check() -> IntegrityResult:
    result = IntegrityResult(kind="retained reports")
    for retained in RetainedReport.objects.select_related("report").iterator(chunk_size=200):
        result.checked += 1
        try:
            retained_report_read(report=retained.report)
        except FileNotFoundError:
            result.problems.append(f"retained report {retained.report.public_id}: missing")
        except (TamperedFileError, OSError, ValueError) as error:
            result.problems.append(f"retained report {retained.report.public_id}: does not "
                                   f"open ({type(error).__name__})")
    return result
