"""Many people behind one address (an office or hospital NAT, a mobile carrier, or everyone when
the proxy is not configured) are not locked out by each other's typing mistakes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")
OFFICE = "192.0.2.44"


def attempt(email: str, password: str, ip: str = OFFICE) -> Any:
    return Client().post(URL, {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_fifty_mistakes_by_colleagues_behind_one_address_do_not_lock_out_another(
    patient: Any,
) -> None:
    for n in range(25):
        for _ in range(2):
            attempt(f"colleague{n}@example.com", "Wrong-pass-1")

    assert attempt("asha@example.com", PASSWORD).status_code == 302


def test_the_per_address_limit_is_much_higher_and_slower_than_the_per_account_one() -> None:
    from consilium.accounts.services import IP_LIMIT, IP_WINDOW_SECONDS, PAIR_LIMIT

    assert IP_LIMIT >= 20 * PAIR_LIMIT
    assert IP_WINDOW_SECONDS >= 3600


def test_the_proxy_setting_is_documented() -> None:
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text()
    assert "CONSILIUM_BEHIND_PROXY" in readme
