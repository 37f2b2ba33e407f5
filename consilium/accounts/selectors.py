"""Reads about accounts that depend on who is asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from consilium.accounts.models import Role, SpecialistProfile, User


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled: bool
    backup_codes_left: int
    required: bool


def two_factor_status(*, user: User) -> TwoFactorStatus:
    """Whether the user has a confirmed authenticator, and how many backup codes remain."""
    return TwoFactorStatus(
        enabled=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        backup_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
        required=user.is_staff_role,
    )


def specialist_profile_for(*, user: User) -> SpecialistProfile | None:
    """The signed-in specialist's own profile; 404 for anyone who is not a specialist."""
    if not user.is_specialist:
        raise Http404
    return SpecialistProfile.objects.filter(user=user).first()


def coordinators_active() -> list[User]:
    """Every coordinator who can act on cases now (told of new requests, late cases, refunds)."""
    return list(User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk"))
