from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import dateformat
from django.utils.timezone import localtime
from django.views.decorators.http import require_GET

from consilium.core.pagination import list_page
from consilium.notifications.models import OutboxStatus
from consilium.notifications.selectors import (
    notifications_for,
    outbox_message_get,
    outbox_visible_to,
)
from consilium.notifications.services import notifications_mark_read


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notices, newest first, a page at a time; opening a page marks the ones it
    shows as read."""
    notices = list_page(notifications_for(user=request.user), page=request.GET.get("page"))
    unread = [str(n.public_id) for n in notices if n.read_at is None]
    if unread:
        notifications_mark_read(user=request.user, public_ids=unread)
    rows = []
    for notice in notices:
        # Dates formatted here, once per row, rather than by two filters in the template.
        at = localtime(notice.created_at)
        rows.append({"unread": notice.read_at is None, "url": notice.url,
                     "message": notice.message, "iso": at.isoformat(),
                     "at": dateformat.format(at, "j M Y, H:i")})
    return render(request, "notifications/list.html", {"notices": notices, "rows": rows})


@login_required
@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    """The emails the service has written, for coordinators and admins (404 for anyone else)."""
    if not request.user.is_coordinator:  # type: ignore[union-attr]
        raise Http404
    messages = outbox_visible_to(user=request.user).defer("body_text", "body_html")
    status = request.GET.get("status", "")
    if status in OutboxStatus.values:
        messages = messages.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "notifications/outbox_list.html",
        {
            "outbox": list_page(messages, page=request.GET.get("page")),
            "status": status,
            "statuses": OutboxStatus.choices,
        },
    )


@login_required
@require_GET
def outbox_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One email with its body, for admins only."""
    message = outbox_message_get(user=request.user, public_id=public_id)
    return render(request, "notifications/outbox_detail.html", {"message": message})
