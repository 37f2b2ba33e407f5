"""Helpers shared by tests: signing staff in as if they had passed two-factor authentication."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def login_with_2fa(client: Client, user: Any) -> TOTPDevice:
    """Signs `user` in and marks the session as verified by a confirmed TOTP device."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
