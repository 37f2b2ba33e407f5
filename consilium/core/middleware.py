"""A request id on every request and every log line, so an error page can name it; the privacy
headers every response carries; the session's idle window renewed without a write per request."""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from consilium.core.views import kept_text_page

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_id.set(uuid.uuid4().hex[:12])
        request.request_id = _request_id.get()  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
            response["X-Request-Id"] = request.request_id  # type: ignore[attr-defined]
            return response
        finally:
            _request_id.reset(token)


# When the session's idle window was last renewed (seconds since the epoch), kept in the session.
SESSION_REFRESHED_KEY = "_consilium_refreshed"


class SessionRefreshMiddleware:
    """Renews the session's idle window at most once every SESSION_REFRESH_SECONDS, instead of
    writing the session row on every request (SESSION_SAVE_EVERY_REQUEST), which serialised every
    request behind the database's one writer on SQLite.

    The row's expiry is always the last renewal plus SESSION_COOKIE_AGE, so a session never
    outlives SESSION_COOKIE_AGE without a request, and may end up to one interval sooner (with
    the defaults, a session idle 29 minutes is always kept, one idle 30 minutes never is). Sits
    just below SessionMiddleware so it acts after the view: a session the view flushed
    (sign-out) stays empty and unsaved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        # Read before asking whether the session is empty: a cookie naming an expired session
        # loads as a new empty one, which must not be created just to be renewed.
        refreshed = session.get(SESSION_REFRESHED_KEY)
        if session.is_empty():
            return response
        now = int(timezone.now().timestamp())
        # A session written anyway (sign-in, a form step) records its renewal for free; a clock
        # moved backwards renews rather than waiting for it to catch up.
        if (
            session.modified
            or not isinstance(refreshed, int)
            or now - refreshed >= settings.SESSION_REFRESH_SECONDS
            or refreshed > now
        ):
            session[SESSION_REFRESHED_KEY] = now
        return response


class PrivacyHeadersMiddleware:
    """Adds the Permissions-Policy to every response, and keeps every page shown to a signed-in
    person out of browser and proxy caches: they hold health data, and a shared computer's
    back button must not show them after sign-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        try:
            signed_in = user is not None and user.is_authenticated
        except DatabaseError:
            # The session could not be read (the database is down): the page may still be a
            # signed-in person's, so it stays out of caches.
            signed_in = True
        if signed_in:
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response


class SignedOutPostMiddleware:
    """A plain form posted after the session timed out would be redirected to sign in and what
    was typed lost; instead the person sees it again with a link to sign in. The autosaving
    (htmx) forms handle this themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code == 302
            and not request.headers.get("HX-Request")
            and not request.user.is_authenticated
            and response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL) + "?")
        ):
            return kept_text_page(
                request, status=401,
                heading=_("You were signed out"),
                explanation=_("You were signed out after a while without activity, to keep the "
                              "medical information private."),
                action=_("Sign in again"), next_url=response["Location"],
            )
        return response
