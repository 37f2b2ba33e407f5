"""The audit actions of the records app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class RecordAction(StrEnum):
    # The patient reads their own record
    OPINION_VIEW = "record.opinion_view"
    ACCESS_LOG_VIEW = "record.access_log_view"
    SHARE_LIST = "share_link.list"
    SHARE_VIEW = "share_link.view"
    # The patient's export of the whole record
    EXPORT_REQUEST = "record.export_request"
    EXPORT_BUILD = "record.export_build"
    EXPORT_FAILED = "record.export_failed"
    EXPORT_DOWNLOAD = "record.export_download"
    # Erasing the patient
    ERASE_VIEW = "record.erase_view"
    ERASE = "record.erase"
    # The patient's share links
    SHARE_CREATE = "share_link.create"
    SHARE_REVOKE = "share_link.revoke"
    # Someone holding a link
    SHARED_OPEN = "share_link.open"
    SHARED_PDF = "share_link.pdf"
    SHARED_DOCUMENT = "share_link.document"
    SHARED_PIN_FAILED = "share_link.pin_failed"
    SHARED_PIN_PASSED = "share_link.pin_passed"
    SHARED_REFUSED = "share_link.refused"
