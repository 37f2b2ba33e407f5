from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from consilium.notifications.selectors import notification_unread_count


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """`unread_notification_count` for templates; lazy, so a page that does not show it costs no
    query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0}
    return {
        "unread_notification_count": SimpleLazyObject(
            lambda: notification_unread_count(user=user)
        )
    }
