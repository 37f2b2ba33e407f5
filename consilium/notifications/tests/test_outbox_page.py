"""The outbox page: coordinators and admins see what was sent; only admins read bodies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from consilium.audit.models import AuditEvent
from consilium.core.testing import login_with_2fa
from consilium.notifications.models import OutboxMessage
from consilium.notifications.services import outbox_enqueue
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db

URL = reverse("notifications:outbox")


def _message(n: int = 0) -> OutboxMessage:
    return outbox_enqueue(
        to=f"patient{n}@example.com",
        subject=f"Case CS-{n:04d}: information requested",
        body_text="Please upload the biopsy report for case CS-0000.",
        dedupe_key=f"case-{n}:info",
    )


def _detail(message: OutboxMessage) -> str:
    return reverse("notifications:outbox_detail", kwargs={"public_id": message.public_id})


def test_a_coordinator_sees_recipient_subject_status_and_attempts(
    client: Client, coordinator: Any
) -> None:
    _message()
    login_with_2fa(client, coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"patient0@example.com" in response.content
    assert b"Case CS-0000: information requested" in response.content
    assert b"Pending" in response.content
    assert b"biopsy" not in response.content


def test_the_outbox_can_be_filtered_by_status(client: Client, coordinator: Any) -> None:
    _message(1)
    sent = _message(2)
    OutboxMessage.objects.filter(pk=sent.pk).update(status="sent")
    login_with_2fa(client, coordinator)
    response = client.get(URL, {"status": "sent"})
    assert b"patient2@example.com" in response.content
    assert b"patient1@example.com" not in response.content


def test_a_patient_cannot_see_the_outbox(client: Client, patient: Patient) -> None:
    client.force_login(patient.holder)
    assert client.get(URL).status_code == 404


def test_a_specialist_cannot_see_the_outbox(client: Client, specialist: Any) -> None:
    login_with_2fa(client, specialist)
    assert client.get(URL).status_code == 404


def test_a_coordinator_cannot_read_a_message_body(client: Client, coordinator: Any) -> None:
    message = _message()
    login_with_2fa(client, coordinator)
    assert client.get(_detail(message)).status_code == 404


def test_an_admin_reads_a_message_body_and_the_read_is_audited(
    client: Client, admin_user: Any
) -> None:
    message = _message()
    login_with_2fa(client, admin_user)
    response = client.get(_detail(message))
    assert response.status_code == 200
    assert b"Please upload the biopsy report" in response.content
    event = AuditEvent.objects.get(action="outbox.view")
    assert event.actor == admin_user
    assert event.target_id == str(message.public_id)


@pytest.mark.parametrize("count", [1, 30])
def test_the_outbox_page_costs_the_same_queries_for_few_or_many(
    client: Client, coordinator: Any, django_assert_num_queries: Any, count: int
) -> None:
    for n in range(count):
        _message(n)
    login_with_2fa(client, coordinator)
    # session, user, OTP device, messages, session save (in a savepoint: 3)
    with django_assert_num_queries(8):
        client.get(URL)


def test_the_outbox_comes_a_page_at_a_time_and_its_links_keep_the_filter(
    client: Client, coordinator: Any, settings: Any
) -> None:
    settings.LIST_PAGE_SIZE = 2
    for n in range(3):
        _message(n)
    login_with_2fa(client, coordinator)
    first = client.get(URL, {"status": "pending"}).content.decode()
    assert "CS-0002" in first and "CS-0001" in first and "CS-0000" not in first
    assert 'href="?status=pending&amp;page=2" rel="next"' in first
    second = client.get(URL, {"status": "pending", "page": 2}).content.decode()
    assert "CS-0000" in second and "CS-0001" not in second
    assert 'href="?status=pending" rel="prev"' in second
