from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:settings")


def travel(monkeypatch: Any, to: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: to)


def test_a_session_idle_for_more_than_30_minutes_is_signed_out(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = timezone.now()
    client.force_login(patient.holder)
    assert client.get(PAGE).status_code == 200

    travel(monkeypatch, start + dt.timedelta(minutes=31))
    response = client.get(PAGE)

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_activity_keeps_the_session_alive(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = timezone.now()
    client.force_login(patient.holder)

    for minutes in (20, 40, 60):
        travel(monkeypatch, start + dt.timedelta(minutes=minutes))
        assert client.get(PAGE).status_code == 200
