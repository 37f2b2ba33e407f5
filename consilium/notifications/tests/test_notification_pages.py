"""In-portal notifications: each user sees only their own, and seeing them marks them read."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from consilium.notifications.context_processors import unread_notifications
from consilium.notifications.models import Notification
from consilium.notifications.services import notification_create, notifications_mark_read
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db

URL = reverse("notifications:list")


def test_a_patient_sees_their_own_notifications_and_not_anyone_elses(
    client: Client, patient: Patient, other_patient: Patient
) -> None:
    notification_create(user=patient.holder, message="Your report is ready", url="/cases/")
    notification_create(user=other_patient.holder, message="Meera's update")
    client.force_login(patient.holder)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Your report is ready" in response.content
    assert b'href="/cases/"' in response.content
    assert b"Meera" not in response.content


def test_opening_the_page_marks_the_notifications_as_read_but_shows_them_as_new_once(
    client: Client, patient: Patient
) -> None:
    notification_create(user=patient.holder, message="A coordinator asked for a report")
    client.force_login(patient.holder)
    assert b"<mark>New</mark>" in client.get(URL).content
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert b"<mark>New</mark>" not in client.get(URL).content


def test_marking_read_leaves_other_users_notifications_unread(
    patient: Patient, other_patient: Patient
) -> None:
    notification_create(user=patient.holder, message="Mine")
    theirs = notification_create(user=other_patient.holder, message="Theirs")
    assert notifications_mark_read(user=patient.holder) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_staff_member_sees_their_notifications_after_two_factor(
    client: Client, specialist: Any
) -> None:
    from consilium.core.testing import login_with_2fa

    notification_create(user=specialist, message="A case was offered to you")
    login_with_2fa(client, specialist)
    assert b"A case was offered to you" in client.get(URL).content


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("count", [1, 30])
def test_the_notification_page_costs_the_same_queries_for_few_or_many(
    client: Client, patient: Patient, django_assert_num_queries: Any, count: int
) -> None:
    for n in range(count):
        notification_create(user=patient.holder, message=f"Update {n}")
    client.force_login(patient.holder)
    # session, user, notices, mark read, session save (in a savepoint: 3)
    with django_assert_num_queries(8):
        client.get(URL)


def test_the_unread_count_is_available_to_every_template(patient: Patient) -> None:
    notification_create(user=patient.holder, message="One")
    notification_create(user=patient.holder, message="Two")
    request = RequestFactory().get("/")
    request.user = patient.holder
    context = unread_notifications(request)
    rendered = Template("{{ unread_notification_count }}").render(Context(context))
    assert rendered == "2"


def test_the_unread_count_costs_no_query_on_a_page_that_does_not_show_it(
    patient: Patient, django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/")
    request.user = patient.holder
    with django_assert_num_queries(0):
        unread_notifications(request)


def test_the_unread_count_is_zero_for_a_visitor() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert unread_notifications(request) == {"unread_notification_count": 0}


def test_the_notices_come_a_page_at_a_time_and_only_those_shown_are_marked_read(
    client: Client, patient: Patient, settings: Any
) -> None:
    settings.LIST_PAGE_SIZE = 3
    for n in range(5):
        notification_create(user=patient.holder, message=f"Update number {n}")
    client.force_login(patient.holder)
    first = client.get(URL).content.decode()
    assert [f"Update number {n}" in first for n in range(5)] == [False, False, True, True, True]
    assert 'href="?page=2" rel="next"' in first
    assert patient.holder.notifications.filter(read_at__isnull=True).count() == 2
    second = client.get(URL, {"page": 2}).content.decode()
    assert "Update number 1" in second and "Update number 0" in second
    assert 'href="?" rel="prev"' in second and 'rel="next"' not in second
    assert not patient.holder.notifications.filter(read_at__isnull=True).exists()
