"""The audit actions of the review app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class ReviewAction(StrEnum):
    ASSIGNMENT_ACCEPT = "assignment.accept"
    ASSIGNMENT_CANCEL = "assignment.cancel"
    ASSIGNMENT_DECLINE = "assignment.decline"
    ASSIGNMENT_EXPIRE = "assignment.expire"
    ASSIGNMENT_LEAD = "assignment.lead"
    ASSIGNMENT_OFFER = "assignment.offer"
    ASSIGNMENT_VIEW = "assignment.view"
    ASSIGNMENT_VIEW_STAFF = "assignment.view_staff"
    ASSIGNMENT_WITHDRAW = "assignment.withdraw"
    CASE_SPECIALIST_CHOICE = "case.specialist_choice"
    CASE_SPECIALIST_CHOICE_VIEW = "case.specialist_choice_view"
    CASE_VIEW_DEIDENTIFIED = "case.view_deidentified"
    CONSOLIDATION_SAVE = "consolidation.save"
    CONSOLIDATION_SUBMIT = "consolidation.submit"
    DOCUMENT_VIEW_RENDITION = "document.view_rendition"
    FOLLOW_UP_ANSWER = "follow_up.answer"
    FOLLOW_UP_ASK = "follow_up.ask"
    FOLLOW_UP_VIEW = "follow_up.view"
    OPINION_EDIT = "opinion.edit"
    OPINION_SAVE = "opinion.save"
    OPINION_SUBMIT = "opinion.submit"
    REVIEW_ASSIGN_VIEW = "review.assign_view"
    REVIEW_DASHBOARD = "review.dashboard"
    REVIEW_INBOX = "review.inbox"
    REVIEW_OPEN = "review.open"
    REVIEW_PANEL_VIEW = "review.panel_view"
    REVIEW_RATE = "review.rate"
    REVIEW_WORK_QUEUE = "review.work_queue"
