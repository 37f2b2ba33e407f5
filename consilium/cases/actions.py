"""The audit actions of the cases app: every event it writes is one of these (issue 8: a typed
vocabulary per app instead of free strings)."""

from __future__ import annotations

from enum import StrEnum


class CaseAction(StrEnum):
    # Reads (selectors)
    VIEW = "case.view"
    INTAKE_VIEW = "case.intake"
    RED_FLAGS_VIEW = "case.red_flags_view"
    SUBMIT_VIEW = "case.submit_view"
    CANCEL_VIEW = "case.cancel_view"
    LIST = "cases.list"
    TRIAGE_QUEUE = "cases.triage_queue"
    INFORMATION_REQUEST_FORM = "information_request.form"
    INFORMATION_REQUEST_VIEW = "information_request.view"
    # Writes (services)
    CREATE = "case.create"
    TRANSITION = "case.transition"
    REVIEW_TYPE = "case.review_type"
    INTAKE_SAVE = "case.intake_save"
    QUESTIONS_SAVE = "case.questions_save"
    RED_FLAGS = "case.red_flags"
    URGENT = "case.urgent"
    CANCEL = "case.cancel"
    INFORMATION_REQUEST_CREATE = "information_request.create"
    INFORMATION_REQUEST_ANSWER = "information_request.answer"
    INFORMATION_REQUEST_WITHDRAW = "information_request.withdraw"
    # The turnaround clock
    TURNAROUND_START = "turnaround.start"
    TURNAROUND_REMINDED = "turnaround.reminded"
    TURNAROUND_ESCALATED = "turnaround.escalated"
    TURNAROUND_BREACHED = "turnaround.breached"
