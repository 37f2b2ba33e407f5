from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from consilium.accounts.services import (
    IP_LIMIT,
    PAIR_LIMIT,
    THROTTLE_WINDOW_SECONDS,
    login_throttle_record_failure,
)
from consilium.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")
ATTACKER = "203.0.113.9"
HOME = "198.51.100.7"


def attempt(client: Client, email: str, password: str, ip: str) -> Any:
    return client.post(URL, {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_a_person_signs_in_with_their_email_in_any_case(client: Client, patient: Any) -> None:
    response = attempt(client, "ASHA@example.com", PASSWORD, HOME)

    assert response.status_code == 302
    assert response.url == patient.holder.home_url()
    assert client.session["_auth_user_id"] == str(patient.holder.pk)
    assert AuditEvent.objects.filter(action="account.login").count() == 1


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(
    client: Client, patient: Any
) -> None:
    wrong = attempt(client, "asha@example.com", "Wrong-pass-1", HOME)
    unknown = attempt(client, "nobody@example.com", "Wrong-pass-1", HOME)

    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert 'value="asha@example.com"' in wrong.content.decode()


def test_a_failed_sign_in_is_audited_against_the_account_without_the_password(
    client: Client, patient: Any
) -> None:
    attempt(client, "asha@example.com", "Wrong-pass-1", ATTACKER)

    event = AuditEvent.objects.get(action="account.login_failed")
    assert event.target_id == str(patient.holder.public_id)
    assert event.ip == ATTACKER
    assert "Wrong" not in str(event.detail)


def test_repeated_failures_for_one_account_from_one_address_are_stopped(
    client: Client, patient: Any
) -> None:
    for _ in range(PAIR_LIMIT):
        attempt(client, "asha@example.com", "Wrong-pass-1", ATTACKER)

    response = attempt(client, "asha@example.com", PASSWORD, ATTACKER)

    assert "_auth_user_id" not in client.session
    assert "Too many attempts from here. Please try again in 15 minutes." in (
        response.content.decode()
    )


def test_the_throttle_message_is_the_same_whether_or_not_the_account_exists(
    client: Client, patient: Any
) -> None:
    for _ in range(PAIR_LIMIT):
        attempt(client, "asha@example.com", "Wrong-pass-1", ATTACKER)
        attempt(client, "nobody@example.com", "Wrong-pass-1", ATTACKER)

    known = attempt(client, "asha@example.com", "Wrong-pass-1", ATTACKER)
    unknown = attempt(client, "nobody@example.com", "Wrong-pass-1", ATTACKER)

    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "Too many attempts" in known.context["form"].non_field_errors()[0]


def test_an_attack_from_one_address_does_not_lock_the_real_person_out(
    client: Client, patient: Any
) -> None:
    for _ in range(PAIR_LIMIT * 3):
        attempt(client, "asha@example.com", "Wrong-pass-1", ATTACKER)

    response = attempt(Client(), "asha@example.com", PASSWORD, HOME)

    assert response.status_code == 302


def test_one_address_trying_many_accounts_is_stopped_for_all_of_them(
    client: Client, patient: Any
) -> None:
    # Counted through the service: IP_LIMIT sign-ins over HTTP would hash a password each.
    for n in range(IP_LIMIT - 1):
        login_throttle_record_failure(email=f"guess{n}@example.com", ip=ATTACKER)
    attempt(client, "guess@example.com", "Wrong-pass-1", ATTACKER)

    response = attempt(client, "asha@example.com", PASSWORD, ATTACKER)

    assert "_auth_user_id" not in client.session
    assert "Too many attempts from here" in response.content.decode()
    assert attempt(Client(), "asha@example.com", PASSWORD, HOME).status_code == 302


def test_a_successful_sign_in_clears_the_earlier_failures_of_that_pair(
    client: Client, patient: Any
) -> None:
    for _ in range(PAIR_LIMIT - 1):
        attempt(client, "asha@example.com", "Wrong-pass-1", HOME)
    attempt(client, "asha@example.com", PASSWORD, HOME)
    client.post(reverse("accounts:logout"))

    for _ in range(PAIR_LIMIT - 1):
        attempt(client, "asha@example.com", "Wrong-pass-1", HOME)

    assert attempt(client, "asha@example.com", PASSWORD, HOME).status_code == 302


def test_the_address_may_try_again_after_the_window(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    for _ in range(PAIR_LIMIT):
        attempt(client, "asha@example.com", "Wrong-pass-1", ATTACKER)
    later = timezone.now() + dt.timedelta(seconds=THROTTLE_WINDOW_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert attempt(client, "asha@example.com", PASSWORD, ATTACKER).status_code == 302


def test_sign_out_needs_a_post(client: Client, patient: Any) -> None:
    client.force_login(patient.holder)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_next_is_followed_only_within_the_site(client: Client, patient: Any) -> None:
    inside = client.post(
        URL + "?next=/accounts/settings/",
        {"email": "asha@example.com", "password": PASSWORD},
    )
    client.logout()
    outside = client.post(
        URL + "?next=https://evil.example/", {"email": "asha@example.com", "password": PASSWORD}
    )

    assert inside.url == "/accounts/settings/"
    assert outside.url == patient.holder.home_url()
