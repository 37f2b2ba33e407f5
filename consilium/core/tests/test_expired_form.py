"""A form posted with an expired token, or after the session timed out, gets our own page with
what was typed still there to copy, never Django's raw 403 or a bare redirect that drops it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

TYPED = "My father has had chest pain since Tuesday & gets breathless <walking>."


def test_a_form_posted_with_a_stale_csrf_token_shows_our_page_with_the_text_kept(
    patient: Any,
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.holder)
    client.get(reverse("accounts:settings"))  # sets the CSRF cookie

    response = client.post(reverse("accounts:settings"), {
        "csrfmiddlewaretoken": "x" * 64, "full_name": "Asha Verma", "note": TYPED,
        "password": "Secret-Pass-1",
    })

    assert response.status_code == 403
    html = response.content.decode()
    assert "CSRF verification failed" not in html
    assert "<h1>" in html and "Nothing was saved" in html
    assert "since Tuesday &amp; gets breathless &lt;walking&gt;." in html
    assert "Secret-Pass-1" not in html
    assert "x" * 64 not in html


def test_a_form_posted_after_the_idle_timeout_keeps_what_was_typed(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = timezone.now()
    client.force_login(patient.holder)
    client.get(reverse("accounts:settings"))
    later = start + dt.timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: later)

    response = client.post(reverse("accounts:settings"), {"full_name": "Asha Verma", "note": TYPED})

    html = response.content.decode()
    assert response.status_code == 401
    assert "signed out" in html
    assert "gets breathless &lt;walking&gt;." in html
    assert reverse("accounts:login") in html
