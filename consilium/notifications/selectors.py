"""Reads of notifications and the outbox that depend on who is asking."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from consilium.audit.services import record
from consilium.notifications.actions import NotificationAction
from consilium.notifications.models import Notification, OutboxMessage


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
def notifications_for(*, user: Any) -> QuerySet[Notification]:
    """The user's own notices, newest first; nobody sees anyone else's."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
def notification_unread_count(*, user: Any) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
def outbox_visible_to(*, user: Any) -> QuerySet[OutboxMessage]:
    """Coordinators and admins watch the outbox (the embedded deployment writes mail to files);
    everyone else sees nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_coordinator:
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.order_by("-created_at", "-id")


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
def outbox_message_get(*, user: Any, public_id: UUID | str) -> OutboxMessage:
    """One message with its body, for admins only (bodies can name cases); 404 for anyone else.
    Writes an audit event for the read."""
    if not getattr(user, "is_authenticated", False) or not user.is_platform_admin:
        raise Http404
    try:
        message = OutboxMessage.objects.get(public_id=public_id)
    except (OutboxMessage.DoesNotExist, ValueError):
        raise Http404 from None
    record(actor=user, action=NotificationAction.OUTBOX_VIEW, target=message)
    return message
