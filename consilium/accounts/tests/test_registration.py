from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from consilium.accounts.models import Role, User
from consilium.audit.models import AuditEvent
from consilium.notifications.models import OutboxMessage
from consilium.patients.models import Relationship

pytestmark = pytest.mark.django_db

URL = reverse("accounts:register")


def form_data(**changes: Any) -> dict[str, Any]:
    data = {
        "full_name": "Sunita Rao",
        "email": "Sunita@Example.com",
        "phone": "+91 98765 43210",
        "password1": "Monsoon-Rain-42",
        "password2": "Monsoon-Rain-42",
        "request_for": "myself",
        "relationship": "",
    }
    data.update(changes)
    return data


def test_a_person_registers_for_themselves_and_is_asked_to_open_the_link_in_the_email(
    client: Any,
) -> None:
    response = client.post(URL, form_data())

    user = User.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accounts:register_sent")
    assert "We sent a message to sunita@example.com" in client.get(response.url).content.decode()
    assert user.email == "sunita@example.com"
    assert user.full_name == "Sunita Rao"
    assert user.phone == "+919876543210"
    assert user.role == Role.PATIENT
    assert user.relationship_to_patient == Relationship.SELF
    assert user.email_verified is False
    assert user.check_password("Monsoon-Rain-42")
    assert "_auth_user_id" not in client.session


def test_registering_queues_a_verification_email_that_explains_itself(client: Any) -> None:
    client.post(URL, form_data())

    message = OutboxMessage.objects.get()
    assert message.to == "sunita@example.com"
    assert message.recipient == User.objects.get()
    assert "Confirm your email" in message.subject
    assert "Sunita Rao" in message.body_text
    assert "second medical opinion" in message.body_text
    assert "/accounts/verify-email/" in message.body_text
    assert "ignore this email" in message.body_text


def test_registering_records_an_audit_event_without_the_email(client: Any) -> None:
    client.post(URL, form_data())

    event = AuditEvent.objects.get(action="account.registered")
    user = User.objects.get()
    assert event.target_id == str(user.public_id)
    assert "sunita" not in str(event.detail).lower()


def test_a_person_acting_for_a_parent_registers_as_their_child(client: Any) -> None:
    client.post(URL, form_data(request_for="someone_else", relationship=Relationship.CHILD))

    assert User.objects.get().relationship_to_patient == Relationship.CHILD


def test_someone_else_without_a_relationship_is_asked_for_it_and_keeps_what_was_typed(
    client: Any,
) -> None:
    response = client.post(URL, form_data(request_for="someone_else"))

    assert response.status_code == 200
    assert "Choose what you are to the patient." in response.context["form"].errors["relationship"]
    html = response.content.decode()
    assert 'value="Sunita Rao"' in html
    assert 'value="sunita@example.com"' in html.lower()
    assert 'value="+91 98765 43210"' in html
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("phone", "12345", "Enter a mobile number with 10 to 15 digits"),
        ("request_for", "", "This field is required."),
        ("password2", "Something-Else-1", "The two passwords are not the same."),
    ],
)
def test_each_invalid_answer_is_shown_next_to_its_field_and_the_rest_is_kept(
    client: Any, field: str, value: str, message: str
) -> None:
    response = client.post(URL, form_data(**{field: value}))

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors)
    html = response.content.decode()
    if field != "full_name":
        assert 'value="Sunita Rao"' in html
    if field != "phone":
        assert 'value="+91 98765 43210"' in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.exists()


def test_a_signed_in_person_is_sent_home_from_the_registration_page(
    client: Any, patient: Any
) -> None:
    client.force_login(patient.holder)

    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == patient.holder.home_url()


def test_the_registration_page_has_a_label_for_every_field(client: Any) -> None:
    html = client.get(URL).content.decode()

    for field in ("full_name", "email", "phone", "password1", "password2", "relationship"):
        assert f'for="id_{field}"' in html
    assert "<legend>" in html  # the radio group "who is it for" has a legend
