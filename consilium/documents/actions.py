"""The audit actions of the documents app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class DocumentAction(StrEnum):
    DOCUMENT_DELETE = "document.delete"
    DOCUMENT_DOWNLOAD = "document.download"
    DOCUMENT_INTEGRITY_CHECKED = "document.integrity_checked"
    DOCUMENT_INTEGRITY_FAILED = "document.integrity_failed"
    DOCUMENT_LIST = "document.list"
    DOCUMENT_PAGE_ORIGINAL = "document.page_original"
    DOCUMENT_PAGE_RENDITION = "document.page_rendition"
    DOCUMENT_PROCESSED = "document.processed"
    DOCUMENT_REFUSED = "document.refused"
    DOCUMENT_RELEASE = "document.release"
    DOCUMENT_RELEASE_VIEW = "document.release_view"
    DOCUMENT_RENDITION_VIEW = "document.rendition_view"
    DOCUMENT_RETRY = "document.retry"
    DOCUMENT_REVIEW = "document.review"
    DOCUMENT_REVIEW_LIST = "document.review_list"
    DOCUMENT_UNRELEASE = "document.unrelease"
    DOCUMENT_UPLOAD = "document.upload"
    DOCUMENT_VIEW = "document.view"
    REDACTION_ADD = "redaction.add"
    REDACTION_REMOVE = "redaction.remove"
    REDACTION_RESTORE = "redaction.restore"
    REDACTION_VIEW = "redaction.view"
