"""Writes to the outbox and to in-portal notifications.

Emails are rows written in the caller's transaction and sent by the worker. A worker claims a row
with a conditional UPDATE (pending → sending) before it talks to the mail server, so two workers
can never both send the same message.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from consilium.core.crypto import patient_data_key
from consilium.core.storage import encrypted_read_bytes
from consilium.notifications.models import Notification, OutboxMessage, OutboxStatus
from consilium.patients.models import Patient

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... failed attempt; after the last one the message is marked failed.
RETRY_BACKOFF: tuple[dt.timedelta, ...] = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_BACKOFF) + 1
# Far longer than EMAIL_TIMEOUT: a row still "sending" after this belongs to a worker that died.
STALE_CLAIM = dt.timedelta(minutes=10)
# A fresh row is the enqueued task's job; the sweep only picks it up if that task got lost.
SWEEP_GRACE = dt.timedelta(minutes=1)
SWEEP_BATCH = 100


def outbox_enqueue(
    *,
    to: str,
    subject: str,
    body_text: str,
    dedupe_key: str,
    recipient: Any = None,
    body_html: str = "",
    attachments: list[Attachment] | None = None,
) -> OutboxMessage:
    """Adds one email to the outbox and schedules its sending once the caller's transaction
    commits; a second call with the same dedupe key changes nothing."""
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "to": to,
            "subject": subject[:300],
            "body_text": body_text,
            "body_html": body_html,
            "recipient": recipient,
            "attachments": [a.as_dict() for a in attachments or []],
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue_send(message_id=message.pk))
    return message


@dataclass(frozen=True)
class Attachment:
    """An encrypted file to attach to an email, named by its storage key (never its bytes)."""

    storage_key: str
    sha256: str
    patient_public_id: str
    filename: str
    content_type: str = "application/pdf"

    def as_dict(self) -> dict[str, str]:
        return {
            "storage_key": self.storage_key,
            "sha256": self.sha256,
            "patient": self.patient_public_id,
            "filename": self.filename,
            "content_type": self.content_type,
        }


def _attachment_bytes(item: dict[str, str]) -> bytes:

    patient = Patient.objects.get(public_id=item["patient"])
    return encrypted_read_bytes(
        key=item["storage_key"], data_key=patient_data_key(patient=patient), sha256=item["sha256"]
    )


def _enqueue_send(*, message_id: int) -> None:
    # Imported here: the task module imports this one (a task loads by id and calls a service).
    from consilium.notifications.tasks import outbox_send

    outbox_send.enqueue(message_id=message_id)


def outbox_claim(*, message_id: int) -> OutboxMessage | None:
    """Moves a due pending message to "sending" for this worker, or returns None if another
    worker has it, it is not due yet, or it is already sent or failed."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=message_id,
        status=OutboxStatus.PENDING,
    ).update(status=OutboxStatus.SENDING, claimed_at=now, updated_at=now)
    if claimed != 1:
        return None
    return OutboxMessage.objects.get(pk=message_id)


def outbox_deliver(*, message_id: int) -> bool:
    """Claims and sends one message; on failure records a short error and schedules a retry with
    backoff, or marks it failed after MAX_ATTEMPTS. Returns True if this call sent it."""
    message = outbox_claim(message_id=message_id)
    if message is None:
        return False
    claim = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.SENDING, claimed_at=message.claimed_at
    )
    attempts = message.attempts + 1
    try:
        _send(message)
    except Exception as exc:
        now = timezone.now()
        error = f"{type(exc).__name__}: {exc}"[:300]
        if attempts >= MAX_ATTEMPTS:
            claim.update(
                status=OutboxStatus.FAILED, attempts=attempts, last_error=error,
                claimed_at=None, next_attempt_at=None, updated_at=now,
            )
        else:
            claim.update(
                status=OutboxStatus.PENDING, attempts=attempts, last_error=error,
                claimed_at=None, next_attempt_at=now + RETRY_BACKOFF[attempts - 1],
                updated_at=now,
            )
        # Only the id and the exception type: the body, subject and address may hold health data.
        logger.warning(
            "Outbox message %s not sent (attempt %s of %s): %s",
            message.public_id, attempts, MAX_ATTEMPTS, type(exc).__name__,
        )
        return False
    now = timezone.now()
    claim.update(
        status=OutboxStatus.SENT, attempts=attempts, sent_at=now, claimed_at=None,
        next_attempt_at=None, last_error="", updated_at=now,
    )
    logger.info("Outbox message %s sent", message.public_id)
    return True


def _send(message: OutboxMessage) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": f"<{message.public_id}@{_message_id_domain()}>"},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for item in message.attachments:
        email.attach(item["filename"], _attachment_bytes(item), item["content_type"])
    email.send(fail_silently=False)


def _message_id_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1]
    return address.strip(" >") or "consilium.localhost"


def outbox_release_stale(*, now: dt.datetime | None = None) -> int:
    """Hands messages stuck in "sending" (their worker died) back to the queue; returns how many.
    Such a message may have left before the worker died, so it can arrive twice: the price of
    never losing one."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=OutboxStatus.PENDING, claimed_at=None, next_attempt_at=now, updated_at=now)


def outbox_send_due() -> int:
    """The periodic sweep: releases stale claims, then sends every message whose retry is due
    (and fresh ones whose task got lost); returns how many were sent."""
    now = timezone.now()
    outbox_release_stale(now=now)
    due_ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - SWEEP_GRACE)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(outbox_deliver(message_id=pk) for pk in due_ids)


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
def notification_create(*, user: Any, message: str, url: str = "") -> Notification:
    """Adds an in-portal notice for one user (they see it on their notifications page)."""
    return Notification.objects.create(user=user, message=message[:300], url=url[:300])


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
def user_notify(
    *,
    user: Any,
    message: str,
    url: str,
    subject: str,
    body: str,
    dedupe_key: str,
    attachments: list[Attachment] | None = None,
) -> None:
    """Tells one person about something both in the portal and by email (through the outbox,
    once per dedupe key). `url` is a path; the email carries the full address. Texts must already
    be in the recipient's language, and never hold what the recipient may not see."""
    notification_create(user=user, message=message, url=url)
    outbox_enqueue(
        to=user.email,
        subject=subject,
        body_text=body,
        dedupe_key=dedupe_key,
        recipient=user,
        attachments=attachments,
    )


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
def notifications_mark_read(*, user: Any, public_ids: list[str] | None = None) -> int:
    """Marks the user's unread notices as read (only the given ones if `public_ids` is set)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if public_ids is not None:
        unread = unread.filter(public_id__in=public_ids)
    return unread.update(read_at=timezone.now())
