from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from consilium.accounts.models import User
from consilium.accounts.services import (
    VERIFY_EMAIL_MAX_AGE,
    email_verification_token,
)
from consilium.audit.models import AuditEvent
from consilium.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(client: Any) -> User:
    client.post(
        reverse("accounts:register"),
        {
            "full_name": "Sunita Rao",
            "email": "sunita@example.com",
            "phone": "9876543210",
            "password1": "Monsoon-Rain-42",
            "password2": "Monsoon-Rain-42",
            "request_for": "myself",
        },
    )
    # Registering signs nobody in; these tests are about a newcomer who has signed in since.
    user = User.objects.get(email="sunita@example.com")
    client.force_login(user)
    return user


def link_from_outbox() -> str:
    body = OutboxMessage.objects.order_by("-id").first().body_text  # type: ignore[union-attr]
    url = next(line for line in body.splitlines() if "/accounts/verify-email/" in line)
    return urlparse(url.strip()).path


def test_the_link_in_the_email_confirms_the_address_and_leads_back_to_the_requests(
    client: Any, newcomer: User
) -> None:
    response = client.get(link_from_outbox())

    newcomer.refresh_from_db()
    assert newcomer.email_verified is True
    assert response.status_code == 302
    assert response.url == reverse("cases:my_cases")


def test_the_link_works_once_and_used_again_says_the_address_is_already_confirmed(
    client: Any, newcomer: User
) -> None:
    link = link_from_outbox()
    client.get(link)

    response = client.get(link, follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert "already confirmed" in page
    assert "not valid any more" not in page and "ask for a new link" not in page.lower()
    assert AuditEvent.objects.filter(action="account.email_verified").count() == 1


def test_a_used_link_for_an_address_since_changed_is_refused(client: Any, newcomer: User) -> None:
    link = link_from_outbox()
    client.get(link)
    User.objects.filter(pk=newcomer.pk).update(email="sunita.rao@example.com")

    response = client.get(link)

    assert response.status_code == 400
    assert "not valid any more" in response.content.decode()


def test_the_link_works_when_opened_on_another_device_without_signing_in(
    client: Any, newcomer: User
) -> None:
    client.logout()

    response = client.get(link_from_outbox())

    newcomer.refresh_from_db()
    assert newcomer.email_verified is True
    assert response.url == reverse("accounts:login")


def test_an_expired_link_is_refused(client: Any, newcomer: User, monkeypatch: Any) -> None:
    link = link_from_outbox()
    later = timezone.now() + dt.timedelta(seconds=VERIFY_EMAIL_MAX_AGE + 60)
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=later.timestamp))

    response = client.get(link)

    newcomer.refresh_from_db()
    assert response.status_code == 400
    assert newcomer.email_verified is False


def test_a_tampered_link_is_refused(client: Any, newcomer: User) -> None:
    token = email_verification_token(user=newcomer)

    response = client.get(reverse("accounts:verify_email", kwargs={"token": token[:-2] + "xx"}))

    assert response.status_code == 400


def test_an_unverified_person_sees_a_banner_with_a_resend_button(
    client: Any, newcomer: User
) -> None:
    html = client.get(reverse("accounts:settings")).content.decode()

    assert "Please confirm your email address" in html
    assert reverse("accounts:verify_email_resend") in html


def test_a_verified_person_sees_no_banner(client: Any, patient: Any) -> None:
    client.force_login(patient.holder)

    html = client.get(reverse("accounts:settings")).content.decode()

    assert "Please confirm your email address" not in html


def test_sending_the_link_again_is_limited_to_once_a_minute(client: Any, newcomer: User) -> None:
    url = reverse("accounts:verify_email_resend")

    client.post(url)
    response = client.post(url, follow=True)

    assert OutboxMessage.objects.count() == 2  # the first email and one resend
    assert "less than a minute ago" in response.content.decode()


def test_sending_the_link_again_is_limited_per_hour(
    client: Any, newcomer: User, monkeypatch: Any
) -> None:
    url = reverse("accounts:verify_email_resend")
    for _ in range(7):
        client.post(url)
        # The once-a-minute rule is not what this test is about.
        cache.delete(f"accounts:resend:recent:{newcomer.pk}")

    assert OutboxMessage.objects.count() == 1 + 5


def test_a_new_link_makes_the_email_verifiable(client: Any, newcomer: User) -> None:
    client.post(reverse("accounts:verify_email_resend"))

    client.get(link_from_outbox())

    newcomer.refresh_from_db()
    assert newcomer.email_verified is True


def test_signing_in_unverified_shows_a_reminder(client: Any, newcomer: User) -> None:
    client.logout()

    response = client.post(
        reverse("accounts:login") + "?next=" + reverse("accounts:settings"),
        {"email": "sunita@example.com", "password": "Monsoon-Rain-42"},
        follow=True,
    )

    assert "Please confirm your email address" in response.content.decode()
