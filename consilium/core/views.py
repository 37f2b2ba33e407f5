from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# Never shown back, even to the person who typed them.
_SECRET_FIELDS = ("csrfmiddlewaretoken", "password", "token", "otp", "code", "secret")


def home(request: HttpRequest) -> HttpResponse:
    """The landing page; a signed-in user goes straight to their own starting point."""
    user = request.user
    if user.is_authenticated:
        return redirect(user.home_url())
    return render(request, "core/home.html")


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    response = render(
        request,
        template,
        {"request_id": getattr(request, "request_id", "-"), "home_url": reverse("core:home")},
        status=status,
    )
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "core/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "core/403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "core/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context processors: the failure may be the database
    itself (restarted, locked), and they read the session, the user and their notices."""
    html = loader.render_to_string(
        "core/500.html",
        {"request_id": getattr(request, "request_id", "-"), "home_url": "/"},
    )
    return HttpResponse(html, status=500)


def _typed_text(request: HttpRequest) -> list[tuple[str, str]]:
    """The text fields of a refused post, to show back to the person who typed them (escaped by
    the template like anything else)."""
    kept = []
    for name, values in request.POST.lists():
        if any(secret in name.lower() for secret in _SECRET_FIELDS):
            continue
        for value in values:
            if value.strip():
                kept.append((name.replace("_", " ").capitalize(), value))
    return kept


def kept_text_page(
    request: HttpRequest, *, status: int, heading: str, explanation: str, action: str,
    next_url: str,
) -> HttpResponse:
    return render(request, "core/kept_text.html", {
        "heading": heading, "explanation": explanation, "action": action, "next_url": next_url,
        "kept": _typed_text(request), "request_id": getattr(request, "request_id", "-"),
    }, status=status)


def _same_page(request: HttpRequest) -> str:
    path = request.get_full_path()
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) else "/"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal, as our page: usually a form left open while the person signed in
    or out in another tab, or one open from before the session ended."""
    return kept_text_page(
        request, status=403,
        heading=_("This form had expired"),
        explanation=_("The page was open for a long time, or you signed in or out in another "
                      "tab, so we could not be sure the form came from you."),
        action=_("Open the page again"), next_url=_same_page(request),
    )
