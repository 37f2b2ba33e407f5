"""The audit actions of the reports app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class ReportAction(StrEnum):
    REPORT_DOWNLOAD = "report.download"
    REPORT_INTEGRITY_CHECKED = "report.integrity_checked"
    REPORT_ISSUE = "report.issue"
    REPORT_SHARE = "report.share"
    REPORT_SHARE_FORM = "report.share_form"
    REPORT_VIEW = "report.view"
