from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from consilium.core.testing import login_with_2fa

pytestmark = pytest.mark.django_db

URL = reverse("accounts:specialist_home")


def test_a_specialist_sees_their_profile_and_an_honest_empty_inbox(
    client: Client, specialist: Any
) -> None:
    login_with_2fa(client, specialist)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cases offered to you will appear here" in html
    assert "Medical oncology" in html
    assert "MCI-12345" in html


def test_a_specialist_without_a_profile_is_told_it_is_being_set_up(client: Client) -> None:
    doctor = make_user("newdoc@example.com", "specialist")
    login_with_2fa(client, doctor)

    response = client.get(URL)

    assert response.status_code == 200
    assert "has not been set up yet" in response.content.decode()


def test_a_patient_gets_404(client: Client, patient: Any) -> None:
    client.force_login(patient.holder)
    assert client.get(URL).status_code == 404


def test_a_coordinator_gets_404(client: Client, coordinator: Any) -> None:
    login_with_2fa(client, coordinator)
    assert client.get(URL).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_specialist_who_has_not_passed_two_step_sign_in_is_asked_for_a_code(
    client: Client, specialist: Any
) -> None:
    client.force_login(specialist)

    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))
