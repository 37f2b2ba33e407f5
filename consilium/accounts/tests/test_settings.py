from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from consilium.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("accounts:settings")


def test_a_person_updates_their_name_mobile_and_language(client: Client, patient: Any) -> None:
    client.force_login(patient.holder)

    response = client.post(
        URL, {"full_name": "Asha R. Verma", "phone": "98765 43211", "preferred_language": "hi"}
    )

    assert response.url == URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    user = patient.holder
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.preferred_language) == (
        "Asha R. Verma", "9876543211", "hi"
    )
    event = AuditEvent.objects.get(action="account.profile_updated")
    assert "Asha" not in str(event.detail)


def test_an_invalid_mobile_number_is_shown_and_what_was_typed_is_kept(
    client: Client, patient: Any
) -> None:
    client.force_login(patient.holder)

    response = client.post(
        URL, {"full_name": "Asha R. Verma", "phone": "123", "preferred_language": "en"}
    )

    assert response.status_code == 200
    assert "10 to 15 digits" in response.content.decode()
    assert 'value="Asha R. Verma"' in response.content.decode()
    patient.holder.refresh_from_db()
    assert patient.holder.full_name == "Asha Verma"


def test_the_page_links_to_password_change_and_shows_two_step_status(
    client: Client, patient: Any
) -> None:
    client.force_login(patient.holder)

    html = client.get(URL).content.decode()

    assert reverse("accounts:password_change") in html
    assert "Two-step sign-in" in html
