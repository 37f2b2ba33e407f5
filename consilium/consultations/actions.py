"""The audit actions of the consultations app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class ConsultationAction(StrEnum):
    # A specialist's own hours and calls
    AVAILABILITY_VIEW = "consultation.availability_view"
    AVAILABILITY_CHANGE = "consultation.availability_change"
    # A specialist asks the patient for a call during the review
    ASK_VIEW = "consultation.ask_view"
    ASK = "consultation.ask"
    # The account holder books
    BOOK_VIEW = "consultation.book_view"
    BOOK = "consultation.book"
    # Either side
    VIEW = "consultation.view"
    CANCEL_VIEW = "consultation.cancel_view"
    CANCEL = "consultation.cancel"
    RESCHEDULE_VIEW = "consultation.reschedule_view"
    RESCHEDULE = "consultation.reschedule"
    # The specialist after the call
    NOTE = "consultation.note"
    # The system
    REMIND = "consultation.remind"
