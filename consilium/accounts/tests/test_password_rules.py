from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from consilium.accounts.models import User

pytestmark = pytest.mark.django_db

URL = reverse("accounts:register")


def errors_for(client: Any, password: str, **changes: Any) -> list[str]:
    data = {
        "full_name": "Sunita Rao",
        "email": "sunita@example.com",
        "phone": "9876543210",
        "password1": password,
        "password2": password,
        "request_for": "myself",
    }
    data.update(changes)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not User.objects.exists()
    return list(response.context["form"].errors.get("password1", []))


def test_a_password_shorter_than_8_characters_is_refused(client: Any) -> None:
    errors = errors_for(client, "Ab1!xyz")
    assert any("at least 8 characters" in e for e in errors)


def test_a_password_without_a_number_is_refused(client: Any) -> None:
    errors = errors_for(client, "Monsoon-Rain")
    assert "Add at least one number." in errors


def test_a_password_with_only_lowercase_letters_and_digits_is_refused(client: Any) -> None:
    errors = errors_for(client, "monsoonrain42")
    assert any("uppercase and a lowercase letter" in e for e in errors)


def test_a_common_password_is_refused(client: Any) -> None:
    errors = errors_for(client, "Password1")
    assert "This password is too common." in errors


def test_a_password_too_like_the_email_is_refused(client: Any) -> None:
    errors = errors_for(client, "sunita@example.com1")
    assert any("too similar" in e for e in errors)


def test_a_password_too_like_the_name_is_refused(client: Any) -> None:
    errors = errors_for(client, "Sunita Rao1", full_name="Sunita Rao")
    assert any("too similar" in e for e in errors)


def test_every_rule_not_met_gets_its_own_message(client: Any) -> None:
    errors = errors_for(client, "abc")

    assert any("at least 8 characters" in e for e in errors)
    assert "Add at least one number." in errors
    assert any("uppercase and a lowercase letter" in e for e in errors)


@pytest.mark.parametrize("password", ["Monsoon-Rain-42", "monsoon-rain-42", "MonsoonRain42"])
def test_a_password_that_meets_the_rule_is_accepted(client: Any, password: str) -> None:
    data = {
        "full_name": "Sunita Rao",
        "email": "sunita@example.com",
        "phone": "9876543210",
        "password1": password,
        "password2": password,
        "request_for": "myself",
    }
    response = client.post(URL, data)
    assert response.status_code == 302
    assert User.objects.get().check_password(password)
