from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consilium.accounts import selectors, services
from consilium.accounts.forms import (
    LoginForm,
    OutboxPasswordResetForm,
    ProfileForm,
    RegistrationForm,
    TokenForm,
)
from consilium.accounts.middleware import (
    OTP_REQUIRED_SESSION_KEY,
    needs_two_factor,
    two_factor_redirect,
)
from consilium.accounts.models import Role, User
from consilium.core.errors import DomainError

BACKUP_CODES_SESSION_KEY = "accounts_new_backup_codes"

ViewFunc = Callable[..., HttpResponse]


def two_factor_required(view: ViewFunc) -> ViewFunc:
    """Signed in, and past two-step sign-in when the account needs it. The middleware leaves
    /accounts/ open so people can reach the sign-in steps; every other page here uses this."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if needs_two_factor(request):
            return two_factor_redirect(request)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def client_ip(request: HttpRequest) -> str:
    """The address a request came from. Behind a proxy (CONSILIUM_BEHIND_PROXY sets
    SECURE_PROXY_SSL_HEADER) that is the last X-Forwarded-For hop the proxy appended; otherwise
    every visitor would share the proxy's address and one throttle."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR") or "0.0.0.0")  # noqa: S104


def _current_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def _set_language_cookie(response: HttpResponseBase, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", secure=settings.HTTPS
    )


def _sign_in(request: HttpRequest, user: User) -> HttpResponse:
    """Starts the session and sends the person on: to two-step sign-in when they need it."""
    login(request, user, backend="consilium.accounts.backends.EmailBackend")
    next_url = _next_url(request, user.home_url())
    needs_otp = False
    if user.is_staff_role:
        needs_otp = settings.STAFF_REQUIRE_2FA
    elif selectors.two_factor_status(user=user).enabled:
        request.session[OTP_REQUIRED_SESSION_KEY] = True
        needs_otp = True
    if not user.email_verified:
        messages.warning(
            request,
            _("Please confirm your email address with the link we sent you. No email? You can "
              "send it again from your account page."),
        )
    response = redirect(_with_next(reverse("accounts:two_factor"), next_url) if needs_otp
                        else next_url)
    _set_language_cookie(response, user.preferred_language)
    return response


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_current_user(request).home_url())
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                relationship_to_patient=form.relationship_to_patient,
                preferred_language=translation.get_language() or settings.LANGUAGE_CODE,
                ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            # The same answer whether the address had an account or not (the owner of an
            # existing one gets an email saying so), and nobody is signed in until the link in
            # the email is opened: being signed in would tell the two apart.
            request.session["registered_email"] = form.cleaned_data["email"]
            return redirect("accounts:register_sent")
    return render(request, "accounts/register.html", {"form": form})


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_sent.html",
                  {"email": request.session.get("registered_email", "")})


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request, _current_user(request).home_url()))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_authenticate(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _sign_in(request, user)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _next_url(request, "")},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user = _current_user(request)
        services.user_sign_out_record(user=user, ip=client_ip(request))
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("core:home")


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.user_verify_email(token=token)
    except DomainError as exc:
        return render(request, "accounts/verify_email_failed.html", {"error": exc.message},
                      status=400)
    messages.success(request, _("Thank you, your email address %(email)s is confirmed.")
                     % {"email": user.email})
    if not request.user.is_authenticated and user.role == Role.PATIENT and user.last_login is None:
        # A new registration is signed in by its confirmation link (it proves the mailbox, and
        # registering did not sign anyone in); the link works once.
        login(request, user, backend="consilium.accounts.backends.EmailBackend")
    if request.user.is_authenticated:
        # Back to their requests: confirming is a detour from asking for the opinion.
        return redirect(_current_user(request).home_url())
    return redirect("accounts:login")


@login_required
@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    try:
        services.user_resend_verification(user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("We sent a new link to %(email)s. It can take a few minutes; check the spam folder "
              "too.") % {"email": user.email},
        )
    return redirect("accounts:settings")


@two_factor_required
def account_settings(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    form = ProfileForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "phone": user.phone,
            "preferred_language": user.preferred_language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            translation.activate(user.preferred_language)
            messages.success(request, _("Your details are saved."))
            response = redirect("accounts:settings")
            _set_language_cookie(response, user.preferred_language)
            return response
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "two_factor": selectors.two_factor_status(user=user)},
    )


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    next_url = _next_url(request, user.home_url())
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)
    if not django_otp.user_has_device(user):
        return redirect(_with_next(reverse("accounts:two_factor_setup"), next_url))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=user, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            django_otp.login(request, device)
            return redirect(next_url)
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    next_url = _next_url(request, reverse("accounts:settings"))
    if services.totp_device_has_confirmed(user=user):
        if user.is_verified():  # type: ignore[attr-defined]
            messages.info(request, _("Two-step sign-in is already on."))
            return redirect("accounts:settings")
        return redirect(_with_next(reverse("accounts:two_factor"), next_url))
    device = services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(device=device, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            django_otp.login(request, device)
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            return redirect(_with_next(reverse("accounts:two_factor_backup_codes"), next_url))
    # segno escapes the URL into the SVG it writes; nothing user-typed reaches this markup.
    qr_svg = mark_safe(  # noqa: S308
        segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, omitsize=True)
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": services.totp_device_secret(device=device),
            "next": next_url,
        },
    )


@login_required
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    next_url = _next_url(request, reverse("accounts:settings"))
    if not codes:
        return redirect(next_url)
    return render(
        request, "accounts/two_factor_backup_codes.html", {"codes": codes, "next": next_url}
    )


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = _current_user(request)
    if not user.is_verified():  # type: ignore[attr-defined]
        return redirect(_with_next(reverse("accounts:two_factor"), reverse("accounts:settings")))
    try:
        services.two_factor_disable(user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        request.session.pop(OTP_REQUIRED_SESSION_KEY, None)
        messages.success(request, _("Two-step sign-in is off. You now sign in with your password "
                                    "only."))
    return redirect("accounts:settings")


@two_factor_required
def specialist_home(request: HttpRequest) -> HttpResponse:
    profile = selectors.specialist_profile_for(user=_current_user(request))
    return render(request, "accounts/specialist_home.html", {"profile": profile})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        if services.password_reset_allowed(
            email=form.cleaned_data["email"], ip=client_ip(self.request)
        ):
            return super().form_valid(form)
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        user = cast(User, self.user)
        services.user_password_change_record(user=user, ip=client_ip(self.request), by_reset=True)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:settings")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # A stolen password alone must not be enough to change it and lock the owner out.
        if needs_two_factor(request):
            return two_factor_redirect(request)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = _current_user(self.request)
        services.user_password_change_record(user=user, ip=client_ip(self.request), by_reset=False)
        messages.success(self.request, _("Your password is changed."))
        return response
