from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_specialist
from consilium.accounts.models import SpecialistProfile, Specialty, User
from consilium.audit.models import AuditEvent
from consilium.core.testing import login_with_2fa

pytestmark = pytest.mark.django_db

PROFILES = reverse("admin:accounts_specialistprofile_changelist")
USERS = reverse("admin:accounts_user_changelist")


def unverified(email: str, specialty: str = Specialty.CARDIOLOGY) -> SpecialistProfile:
    user = make_specialist(email, specialty)
    SpecialistProfile.objects.filter(user=user).update(verified_at=None)
    return SpecialistProfile.objects.get(user=user)


@pytest.fixture
def admin_client(client: Client, admin_user: User) -> Client:
    login_with_2fa(client, admin_user)
    return client


def test_marking_specialists_verified_records_who_and_when_and_an_audit_event(
    admin_client: Client, admin_user: User
) -> None:
    first, second = unverified("a@example.com"), unverified("b@example.com")

    response = admin_client.post(
        PROFILES,
        {"action": "mark_verified", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert "2 specialists marked as verified." in response.content.decode()
    for profile in (first, second):
        profile.refresh_from_db()
        assert profile.verified_at is not None
        assert profile.verified_by == admin_user
        event = AuditEvent.objects.get(action="specialist.verified", target_id=profile.public_id)
        assert event.actor == admin_user


def test_an_already_verified_specialist_keeps_the_first_verification(
    admin_client: Client, specialist: User
) -> None:
    profile = specialist.specialist_profile
    before = profile.verified_at

    admin_client.post(PROFILES, {"action": "mark_verified", "_selected_action": [profile.pk]})

    profile.refresh_from_db()
    assert profile.verified_at == before
    assert not AuditEvent.objects.filter(action="specialist.verified").exists()


def test_the_specialist_list_filters_by_verified(admin_client: Client, specialist: User) -> None:
    unverified("b@example.com")

    response = admin_client.get(PROFILES + "?verified=no")

    assert list(response.context["cl"].result_list) == [
        SpecialistProfile.objects.get(user__email="b@example.com")
    ]
    assert admin_client.get(PROFILES + "?specialty=cardiology&accepting_cases__exact=1")\
        .status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_the_specialist_list_costs_the_same_queries_for_any_size(
    admin_client: Client, count: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(count):
        unverified(f"doc{n}@example.com")

    with django_assert_max_num_queries(9):
        assert admin_client.get(PROFILES).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_the_user_list_costs_the_same_queries_for_any_size_and_shows_no_passwords(
    admin_client: Client, count: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(count):
        User.objects.create_user(f"p{n}@example.com", PASSWORD, full_name=f"Person {n}")

    with django_assert_max_num_queries(9):
        response = admin_client.get(USERS + "?q=person")

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count
    assert "md5$" not in response.content.decode()


def test_an_admin_adds_a_coordinator_and_the_username_follows_the_email(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Coord@Example.com",
            "full_name": "New Coordinator",
            "role": "coordinator",
            "usable_password": "true",
            "password1": "Monsoon-Rain-42",
            "password2": "Monsoon-Rain-42",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new.coord@example.com")
    assert user.username == "new.coord@example.com"
    assert user.role == "coordinator"


def test_the_admin_sign_in_page_sends_visitors_through_our_throttled_sign_in(
    client: Client,
) -> None:
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_signed_in_patient_gets_no_admin_password_form(client: Client, patient: Any) -> None:
    client.force_login(patient.holder)

    assert client.get(reverse("admin:login")).status_code == 404
    assert client.post(
        reverse("admin:login"), {"username": "admin@example.com", "password": "x"}
    ).status_code == 404
