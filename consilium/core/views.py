from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse


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
    return _error(request, 500, "core/500.html")
