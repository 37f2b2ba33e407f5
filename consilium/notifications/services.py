"""Writes to the outbox: emails are rows in the caller's transaction, sent by the worker."""

from __future__ import annotations

from typing import Any

from consilium.notifications.models import OutboxMessage


def outbox_enqueue(
    *,
    to: str,
    subject: str,
    body_text: str,
    dedupe_key: str,
    recipient: Any = None,
    body_html: str = "",
) -> OutboxMessage:
    """Adds one email to the outbox; a second call with the same dedupe key changes nothing."""
    message, _ = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "to": to,
            "subject": subject[:300],
            "body_text": body_text,
            "body_html": body_html,
            "recipient": recipient,
        },
    )
    return message
