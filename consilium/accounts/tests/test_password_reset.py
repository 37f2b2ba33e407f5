from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from consilium.accounts.services import password_reset_allowed
from consilium.audit.models import AuditEvent
from consilium.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def reset_link() -> str:
    body = OutboxMessage.objects.get().body_text
    line = next(line for line in body.splitlines() if "/accounts/password/reset/" in line)
    return urlparse(line.strip()).path


def test_a_reset_email_goes_through_the_outbox_and_explains_itself(
    client: Client, patient: Any
) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "Asha@Example.com"})

    assert response.url == reverse("accounts:password_reset_done")
    message = OutboxMessage.objects.get()
    assert message.to == "asha@example.com"
    assert message.recipient == patient.holder
    assert "Asha Verma" in message.body_text
    assert "If you did not ask for this" in message.body_text
    assert mail.outbox == []  # nothing leaves outside the outbox


def test_an_unknown_address_gets_the_same_page_and_no_email(client: Client, db: None) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})

    assert response.url == reverse("accounts:password_reset_done")
    assert not OutboxMessage.objects.exists()


def test_the_reset_link_sets_a_new_password_that_follows_the_rules(
    client: Client, patient: Any
) -> None:
    client.post(reverse("accounts:password_reset"), {"email": "asha@example.com"})
    form_url = client.get(reset_link()).url  # Django swaps the token into the session

    weak = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert "Add at least one number." in weak.content.decode()

    response = client.post(
        form_url, {"new_password1": "Monsoon-Rain-42", "new_password2": "Monsoon-Rain-42"}
    )

    assert response.url == reverse("accounts:password_reset_complete")
    patient.holder.refresh_from_db()
    assert patient.holder.check_password("Monsoon-Rain-42")
    assert AuditEvent.objects.filter(action="account.password_reset").exists()
    assert client.get(reset_link()).status_code == 200  # used link shows "does not work"
    assert "does not work any more" in client.get(reset_link()).content.decode()


def test_a_signed_in_person_changes_their_password_and_stays_signed_in(
    client: Client, patient: Any
) -> None:
    client.force_login(patient.holder)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Monsoon-Rain-42",
            "new_password2": "Monsoon-Rain-42",
        },
    )

    assert response.url == reverse("accounts:settings")
    assert client.get(reverse("accounts:settings")).status_code == 200
    patient.holder.refresh_from_db()
    assert patient.holder.check_password("Monsoon-Rain-42")


def test_reset_emails_to_one_address_are_limited_without_saying_so(
    client: Client, patient: Any
) -> None:
    answers = [
        password_reset_allowed(email="asha@example.com", ip=f"198.51.100.{n}") for n in range(5)
    ]

    assert answers == [True, True, True, False, False]
    response = client.post(reverse("accounts:password_reset"), {"email": "asha@example.com"})
    assert response.url == reverse("accounts:password_reset_done")
    assert not OutboxMessage.objects.exists()


def test_reset_requests_from_one_ip_are_limited(db: None) -> None:
    answers = [
        password_reset_allowed(email=f"p{n}@example.com", ip="203.0.113.9") for n in range(12)
    ]

    assert answers.count(True) == 10
