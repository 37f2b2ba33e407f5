from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Set at sign-in for a patient who opted in to two-step sign-in, so the check below costs no
# query on every request.
OTP_REQUIRED_SESSION_KEY = "accounts_otp_required"


def needs_two_factor(request: HttpRequest) -> bool:
    """True while a signed-in user who must use two-step sign-in has not passed it yet."""
    user = request.user
    return bool(
        user.is_authenticated
        and not getattr(user, "is_verified", lambda: False)()
        and (
            (settings.STAFF_REQUIRE_2FA and user.is_staff_role)
            or request.session.get(OTP_REQUIRED_SESSION_KEY, False)
        )
    )


def two_factor_redirect(request: HttpRequest) -> HttpResponse:
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('accounts:two_factor')}?{query}")


class StaffTwoFactorMiddleware:
    """Staff (coordinators, specialists, admins) must pass a TOTP check before anything else;
    so must a patient who turned two-step sign-in on."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Pages under /accounts/ that show more than the sign-in steps check again with
        # `two_factor_required` (views.py).
        if not request.path.startswith(self.ALLOWED_PREFIXES) and needs_two_factor(request):
            return two_factor_redirect(request)
        return self.get_response(request)
