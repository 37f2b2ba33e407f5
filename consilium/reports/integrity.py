"""The reports' part of `manage.py verify_files`: every signed report decrypts, matches its
recorded hash, and its signature validates against the deployment's certificate (pyHanko)."""

from __future__ import annotations

from consilium.audit.services import record
from consilium.core.crypto import TamperedFileError
from consilium.core.integrity import IntegrityResult
from consilium.reports.actions import ReportAction
from consilium.reports.files import report_read
from consilium.reports.models import Report
from consilium.reports.signing import pdf_verify


def reports_integrity_check() -> IntegrityResult:
    result = IntegrityResult(kind="reports")
    # An erased patient's reports are gone with their key, or kept under the retention key and
    # checked by the records app (records.integrity).
    reports = Report.objects.filter(case__patient__erased_at__isnull=True)
    for report in reports.select_related("case__patient").iterator(chunk_size=200):
        problem = _report_problem(report)
        result.checked += 1
        if problem:
            result.problems.append(f"report {report.public_id}: {problem}")
        record(actor=None, action=ReportAction.REPORT_INTEGRITY_CHECKED, target=report,
               detail={"ok": problem is None})
    return result


def _report_problem(report: Report) -> str | None:
    if report.case.patient.wrapped_data_key is None:
        return "the patient's data key is gone"
    try:
        pdf = report_read(report=report)
    except FileNotFoundError:
        return "the signed PDF is missing from the file store"
    except (TamperedFileError, OSError, ValueError) as error:
        return f"the signed PDF does not open ({type(error).__name__})"
    check = pdf_verify(pdf=pdf)
    if not check.intact:
        return "the signature does not match the file"
    if not check.trusted:
        return "the signature is not from this deployment's certificate"
    if not check.covers_whole_file:
        return "something was added to the file after it was signed"
    return None
