"""The audit actions of the notifications app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class NotificationAction(StrEnum):
    OUTBOX_VIEW = "outbox.view"
