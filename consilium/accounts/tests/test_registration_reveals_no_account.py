"""Registering answers the same way whether the address has an account or not; the owner of an
existing account is told by email instead, and one address cannot be registered over and over."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from consilium.accounts.models import User
from consilium.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

URL = reverse("accounts:register")


def form_data(email: str) -> dict[str, Any]:
    return {
        "full_name": "Sunita Rao", "email": email, "phone": "+91 98765 43210",
        "password1": "Monsoon-Rain-42", "password2": "Monsoon-Rain-42",
        "request_for": "myself", "relationship": "",
    }


def answer(client: Any, email: str) -> tuple[int, str, str, bool]:
    response = client.post(URL, form_data(email))
    page = client.get(response["Location"]) if response.status_code == 302 else response
    # The CSRF token differs on every page; everything else must be the same.
    text = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page.content.decode().replace(email.lower(), "E"))
    signed_in = "_auth_user_id" in client.session
    client.logout()
    return response.status_code, response.get("Location", ""), text, signed_in


def test_a_known_and_an_unknown_address_get_the_same_answer(
    client: Any, patient: Any, coordinator: Any
) -> None:
    new = answer(client, "sunita@example.com")
    for known in ("asha@example.com", coordinator.email):
        assert answer(client, known) == new
    assert new[3] is False, "nobody is signed in before the address is confirmed"


def test_the_owner_of_an_existing_account_is_told_someone_tried_to_register(
    client: Any, patient: Any
) -> None:
    client.post(URL, form_data("ASHA@example.com"))

    assert User.objects.filter(email="asha@example.com").count() == 1
    [message] = OutboxMessage.objects.all()
    assert message.recipient == patient.holder
    assert "tried to create an account" in message.body_text
    assert "/accounts/password/reset/" in message.body_text


def test_one_address_gets_at_most_three_emails_an_hour_from_registration(
    client: Any, patient: Any
) -> None:
    for _ in range(6):
        client.post(URL, form_data("asha@example.com"))

    assert OutboxMessage.objects.filter(to="asha@example.com").count() == 3


def test_the_confirmation_link_signs_the_new_person_in(client: Any) -> None:
    client.post(URL, form_data("sunita@example.com"))
    body = OutboxMessage.objects.get().body_text
    link = next(line.strip() for line in body.splitlines() if "/accounts/verify-email/" in line)

    response = client.get(urlparse(link).path)

    user = User.objects.get(email="sunita@example.com")
    assert user.email_verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.url == user.home_url()
