"""The audit actions of the insights app (the case summary): every event it writes is one of
these."""

from __future__ import annotations

from enum import StrEnum


class InsightAction(StrEnum):
    SUMMARY_APPROVE = "summary.approve"
    SUMMARY_DRAFT = "summary.draft"
    SUMMARY_EDIT = "summary.edit"
    SUMMARY_INTEGRITY_CHECKED = "summary.integrity_checked"
    SUMMARY_NEW_FACTS = "summary.new_facts"
    SUMMARY_SPECIALIST_VIEW = "summary.specialist_view"
    SUMMARY_VIEW = "summary.view"
