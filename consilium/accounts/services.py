"""Every write about accounts: registration, email verification, sign-in and its throttle,
profiles, two-factor devices and specialist verification."""

from __future__ import annotations

import base64
import math
import uuid
from typing import cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from consilium.accounts.actions import AccountAction
from consilium.accounts.models import Role, SpecialistProfile, User
from consilium.audit.services import record
from consilium.core.errors import DomainError, require
from consilium.core.throttle import Counter, count, hashed, wait_seconds
from consilium.notifications.services import outbox_enqueue
from consilium.patients.models import Relationship

# --- registration and email verification -----------------------------------------------------

VERIFY_EMAIL_SALT = "consilium.accounts.verify_email"
VERIFY_EMAIL_MAX_AGE = 3 * 24 * 60 * 60
RESEND_INTERVAL_SECONDS = 60
RESEND_MAX_PER_HOUR = 5


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str,
    full_name: str,
    phone: str,
    relationship_to_patient: str,
    preferred_language: str = "en",
    ip: str | None = None,
) -> User | None:
    """Creates a patient account and queues the verification email in the same transaction.
    For an address that has an account, creates nothing and emails its owner instead; returns
    None. The caller answers the same way in both cases, so the answer reveals no account."""
    email = email.strip().lower()
    require(
        relationship_to_patient in Relationship.values,
        _("Choose who the request is for."),
    )
    require(_registration_ip_allowed(ip=ip or ""), _throttled_message(3600))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # As long as creating an account takes, so the time taken says nothing either.
        make_password(password)
        if _registration_address_allowed(email=email):
            _registration_attempt_email_enqueue(user=existing)
        record(actor=None, action=AccountAction.ACCOUNT_REGISTRATION_FOR_EXISTING,
               target=existing, ip=ip)
        return None
    _registration_address_allowed(email=email)
    user = User.objects.create_user(
        email,
        password,
        full_name=full_name.strip(),
        phone=phone,
        role=Role.PATIENT,
        relationship_to_patient=relationship_to_patient,
        preferred_language=preferred_language,
    )
    record(actor=user, action=AccountAction.ACCOUNT_REGISTERED, target=user, ip=ip)
    _verification_email_enqueue(user=user)
    return user


REGISTER_PER_ADDRESS_PER_HOUR = 3
REGISTER_PER_IP_PER_HOUR = 20


def _count_within_hour(key: str, limit: int) -> bool:
    count = int(cache.get(key, 0))
    if count >= limit:
        return False
    cache.set(key, count + 1, 3600)
    return True


def _registration_address_allowed(*, email: str) -> bool:
    """Counts one registration for the address; False past the hourly limit (no more email)."""
    return _count_within_hour(
        f"accounts:register:email:{hashed(email)}", REGISTER_PER_ADDRESS_PER_HOUR
    )


def _registration_ip_allowed(*, ip: str) -> bool:
    return _count_within_hour(f"accounts:register:ip:{hashed(ip)}", REGISTER_PER_IP_PER_HOUR)


def _registration_attempt_email_enqueue(*, user: User) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Someone tried to create an account with your address on %(site)s") % {
            "site": settings.SITE_NAME}
        body = _(
            "Hello %(name)s,\n\n"
            "Someone (perhaps you) tried to create an account on %(site)s with this email "
            "address. You already have an account, so nothing was created or changed.\n\n"
            "If it was you, sign in here: %(login_url)s\n"
            "If you have forgotten your password, reset it here: %(reset_url)s\n\n"
            "If it was not you, you can ignore this email; your account is as it was.\n\n"
            "— The %(site)s team\n%(site_url)s\n"
        ) % {
            "name": user.full_name,
            "site": settings.SITE_NAME,
            "login_url": settings.SITE_URL.rstrip("/") + reverse("accounts:login"),
            "reset_url": settings.SITE_URL.rstrip("/") + reverse("accounts:password_reset"),
            "site_url": settings.SITE_URL,
        }
    outbox_enqueue(
        to=user.email,
        subject=subject,
        body_text=body,
        dedupe_key=f"accounts.registration_attempt:{user.public_id}:{uuid.uuid4().hex}",
        recipient=user,
    )


def _email_state_fingerprint(user: User) -> str:
    # Ties a link to the address and to the unverified state, so a link works once and a link
    # sent to an old address stops working when the address changes.
    return salted_hmac(
        VERIFY_EMAIL_SALT, f"{user.public_id}:{user.email}:{user.email_verified}"
    ).hexdigest()[:20]


def email_verification_token(*, user: User) -> str:
    """A signed, expiring token naming the user; valid until used or VERIFY_EMAIL_MAX_AGE."""
    return signing.dumps(
        {"u": str(user.public_id), "f": _email_state_fingerprint(user)}, salt=VERIFY_EMAIL_SALT
    )


def email_verification_url(*, user: User) -> str:
    token = email_verification_token(user=user)
    return settings.SITE_URL + reverse("accounts:verify_email", kwargs={"token": token})


def _verification_email_enqueue(*, user: User) -> None:
    url = email_verification_url(user=user)
    hours = VERIFY_EMAIL_MAX_AGE // 3600
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Confirm your email address for %(site)s") % {"site": settings.SITE_NAME}
        body = _(
            "Hello %(name)s,\n\n"
            "You (or someone using your email address) created an account on %(site)s, a service "
            "that gets patients a written second medical opinion from senior specialists.\n\n"
            "Please confirm that this email address is yours by opening this link:\n\n"
            "%(url)s\n\n"
            "The link works once and expires in %(hours)s hours. We send your report and updates "
            "about the case to this address, so it matters that it is right.\n\n"
            "If you did not create this account, you can ignore this email; nothing else will "
            "happen.\n\n"
            "— The %(site)s team\n%(site_url)s\n"
        ) % {
            "name": user.full_name,
            "site": settings.SITE_NAME,
            "url": url,
            "hours": hours,
            "site_url": settings.SITE_URL,
        }
    outbox_enqueue(
        to=user.email,
        subject=subject,
        body_text=body,
        # A resend is a new message on purpose; the key only guards against a retried request.
        dedupe_key=f"accounts.verify_email:{user.public_id}:{uuid.uuid4().hex}",
        recipient=user,
    )


def user_verify_email(*, token: str) -> User:
    """Marks the address named by a valid token as verified; a used or expired token fails."""
    invalid = _(
        "This confirmation link is not valid any more: it has expired or was already used. "
        "Sign in and ask for a new link from your account page."
    )
    try:
        payload = signing.loads(token, salt=VERIFY_EMAIL_SALT, max_age=VERIFY_EMAIL_MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired is a subclass
        raise DomainError(invalid) from exc
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(public_id=payload.get("u"), is_active=True)
            .first()
        )
        if user is None:
            raise DomainError(invalid)
        fingerprint = _email_state_fingerprint(user)
        require(constant_time_compare(payload.get("f", ""), fingerprint), invalid)
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        record(actor=user, action=AccountAction.ACCOUNT_EMAIL_VERIFIED, target=user)
    return user


def user_resend_verification(*, user: User) -> None:
    """Sends a fresh confirmation link; at most once a minute and RESEND_MAX_PER_HOUR an hour."""
    require(not user.email_verified, _("Your email address is already confirmed."))
    recent_key = f"accounts:resend:recent:{user.pk}"
    hour_key = f"accounts:resend:hour:{user.pk}"
    require(
        cache.get(recent_key) is None,
        _("We sent a link less than a minute ago. Please check your inbox and spam folder."),
    )
    sent = int(cache.get(hour_key, 0))
    require(
        sent < RESEND_MAX_PER_HOUR,
        _("We have sent several links in the last hour. Please wait an hour and try again."),
    )
    cache.set(recent_key, 1, RESEND_INTERVAL_SECONDS)
    cache.set(hour_key, sent + 1, 3600)
    _verification_email_enqueue(user=user)
    record(actor=user, action=AccountAction.ACCOUNT_VERIFICATION_RESENT, target=user)


# --- sign-in and its throttle ----------------------------------------------------------------

# Failures are counted per (account, address) pair and per address, never per account alone:
# an attacker hammering one account from one address blocks only that address, so the real user
# signing in from their own phone is never locked out. The pair is strict (5 in 15 minutes). The
# address alone is counted much higher and over an hour: one address is often many people (an
# office or hospital behind NAT, a mobile carrier's gateway, or every visitor when the app runs
# behind a proxy without CONSILIUM_BEHIND_PROXY), and their mistakes must not lock each other out.
PAIR_LIMIT = 5
THROTTLE_WINDOW_SECONDS = 15 * 60
IP_LIMIT = 300
IP_WINDOW_SECONDS = 60 * 60


def _login_counters(*, email: str, ip: str) -> list[Counter]:
    return [
        Counter(f"accounts:login:pair:{hashed(email.strip().lower() + '|' + ip)}", PAIR_LIMIT,
                THROTTLE_WINDOW_SECONDS),
        Counter(f"accounts:login:ip:{hashed(ip)}", IP_LIMIT, IP_WINDOW_SECONDS),
    ]


def login_throttle_wait_seconds(*, email: str, ip: str) -> int:
    """Seconds until this address may try this account again; 0 when it may try now."""
    wait = wait_seconds(_login_counters(email=email, ip=ip), timezone.now().timestamp())
    return max(0, math.ceil(wait))


def login_throttle_record_failure(*, email: str, ip: str) -> None:
    """Counts one failed sign-in for the (account, address) pair and for the address."""
    now = timezone.now().timestamp()
    for counter in _login_counters(email=email, ip=ip):
        count(counter, now)


def login_throttle_reset(*, email: str, ip: str) -> None:
    """Forgets the pair's failures after a successful sign-in (the address count stays)."""
    cache.delete(_login_counters(email=email, ip=ip)[0].key)


def _throttled_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many attempts from here. Please try again in %(n)s minute.",
        "Too many attempts from here. Please try again in %(n)s minutes.",
        minutes,
    ) % {"n": minutes}


def user_authenticate(*, email: str, password: str, ip: str) -> User:
    """Checks the credentials under the throttle; raises DomainError with a message that never
    reveals whether the account exists."""
    email = email.strip().lower()
    wait = login_throttle_wait_seconds(email=email, ip=ip)
    require(wait == 0, _throttled_message(wait))
    user = authenticate(None, username=email, password=password)
    if user is None:
        login_throttle_record_failure(email=email, ip=ip)
        known = User.objects.filter(email__iexact=email).first()
        if known is not None:
            record(actor=None, action=AccountAction.ACCOUNT_LOGIN_FAILED, target=known, ip=ip)
        raise DomainError(
            _("The email address or password is not right. Check both and try again.")
        )
    login_throttle_reset(email=email, ip=ip)
    record(actor=user, action=AccountAction.ACCOUNT_LOGIN, target=user, ip=ip)
    return user


RESET_PER_ADDRESS_PER_HOUR = 3
RESET_PER_IP_PER_HOUR = 10


def password_reset_allowed(*, email: str, ip: str) -> bool:
    """Counts one reset request; False once this address or this IP asked too often in an hour.
    The caller shows the same page either way, so the answer reveals no account."""
    allowed = True
    for key, limit in (
        (f"accounts:reset:email:{hashed(email.strip().lower())}", RESET_PER_ADDRESS_PER_HOUR),
        (f"accounts:reset:ip:{hashed(ip)}", RESET_PER_IP_PER_HOUR),
    ):
        count = int(cache.get(key, 0))
        if count >= limit:
            allowed = False
        else:
            cache.set(key, count + 1, 3600)
    return allowed


def user_password_change_record(*, user: User, ip: str, by_reset: bool) -> None:
    """Audits a new password, set through a reset link or in the settings (Django's form has
    saved it)."""
    action = (
        AccountAction.ACCOUNT_PASSWORD_RESET if by_reset else AccountAction.ACCOUNT_PASSWORD_CHANGED
    )
    record(actor=user, action=action, target=user, ip=ip)


def user_sign_out_record(*, user: User, ip: str) -> None:
    """Audits a sign-out (the view ends the session with Django's logout)."""
    record(actor=user, action=AccountAction.ACCOUNT_LOGOUT, target=user, ip=ip)


# --- profile ---------------------------------------------------------------------------------


def user_update_profile(
    *, user: User, full_name: str, phone: str, preferred_language: str
) -> User:
    """Saves the person's own name, mobile number and language."""
    languages = {code for code, _name in settings.LANGUAGES}
    require(preferred_language in languages, _("Choose a language from the list."))
    user.full_name = full_name.strip()
    user.phone = phone
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "phone", "preferred_language"])
    record(
        actor=user,
        action=AccountAction.ACCOUNT_PROFILE_UPDATED,
        target=user,
        detail={"fields": ["full_name", "phone", "preferred_language"]},
    )
    return user


# --- two-factor ------------------------------------------------------------------------------

BACKUP_TOKEN_COUNT = 10


def totp_device_has_confirmed(*, user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def totp_device_start(*, user: User) -> TOTPDevice:
    """Returns the user's unconfirmed authenticator device, creating one; the secret stays the
    same across reloads so a half-finished setup can be resumed."""
    require(
        not totp_device_has_confirmed(user=user),
        _("Two-step sign-in is already set up on this account."),
    )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def totp_device_secret(*, device: TOTPDevice) -> str:
    """The base32 secret for typing into an authenticator app by hand, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str]:
    """Confirms the device with a code from the app and issues fresh one-time backup codes."""
    # Checked outside the transaction so django-otp's count of wrong codes is kept on failure.
    require(
        device.verify_token(token.strip().replace(" ", "")),
        _("That code did not match. Check the time on your phone and type the newest code."),
    )
    user = cast(User, device.user)
    codes = [StaticToken.random_token() for _i in range(BACKUP_TOKEN_COUNT)]
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
        record(actor=user, action=AccountAction.ACCOUNT_TWO_FACTOR_ENABLED, target=user)
    return codes


def two_factor_verify(*, user: User, token: str) -> Device:
    """Finds the user's device that accepts this code (authenticator or one-time backup code,
    which is used up); django-otp slows down repeated wrong codes."""
    token = token.strip().replace(" ", "")
    device = match_token(user, token) if token else None
    if device is None:
        record(actor=user, action=AccountAction.ACCOUNT_TWO_FACTOR_FAILED, target=user)
        raise DomainError(
            _("That code did not work. Type the newest 6-digit code from your app, or one of "
              "your backup codes.")
        )
    record(
        actor=user,
        action=AccountAction.ACCOUNT_TWO_FACTOR_PASSED,
        target=user,
        detail={"device": device.__class__.__name__},
    )
    return device


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Removes a patient's authenticator and backup codes; staff must keep two-step sign-in."""
    require(not user.is_staff_role, _("Staff accounts must keep two-step sign-in."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(actor=user, action=AccountAction.ACCOUNT_TWO_FACTOR_DISABLED, target=user)


# --- specialists -----------------------------------------------------------------------------


@transaction.atomic
def specialist_profile_verify(*, profile: SpecialistProfile, actor: User) -> SpecialistProfile:
    """Records that an admin checked this doctor's registration; verifying twice changes nothing."""
    require(actor.is_platform_admin or actor.is_superuser, _("Only an administrator can do this."))
    if profile.verified_at is not None:
        return profile
    profile.verified_at = timezone.now()
    profile.verified_by = actor
    profile.save(update_fields=["verified_at", "verified_by", "updated_at"])
    record(actor=actor, action=AccountAction.SPECIALIST_VERIFIED, target=profile)
    return profile
