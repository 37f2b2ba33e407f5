"""The case summaries' part of `manage.py verify_files`: every summary's encrypted content
decrypts and matches its recorded hash."""

from __future__ import annotations

from consilium.audit.services import record
from consilium.core.crypto import TamperedFileError
from consilium.core.integrity import IntegrityResult
from consilium.insights.actions import InsightAction
from consilium.insights.models import CaseSummary
from consilium.insights.services import summary_content


def summaries_integrity_check() -> IntegrityResult:
    result = IntegrityResult(kind="case summaries")
    for summary in CaseSummary.objects.select_related("case__patient").iterator(chunk_size=200):
        problem = None
        if summary.case.patient.wrapped_data_key is None:
            problem = "the patient's data key is gone"
        else:
            try:
                summary_content(summary=summary)
            except FileNotFoundError:
                problem = "its content is missing from the file store"
            except (TamperedFileError, OSError, ValueError) as error:
                problem = f"its content does not open ({type(error).__name__})"
        result.checked += 1
        if problem:
            result.problems.append(f"case summary {summary.public_id}: {problem}")
        record(actor=None, action=InsightAction.SUMMARY_INTEGRITY_CHECKED, target=summary,
               detail={"ok": problem is None})
    return result
