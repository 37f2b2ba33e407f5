"""The specialist's inbox and the coordinator's work queue come a page at a time, each list of
the inbox on its own, at a number of queries that does not grow with the lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from consilium.accounts.models import User
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient
from consilium.review.models import Review
from consilium.review.tests.fixtures import accept_all, offer, submitted

pytestmark = pytest.mark.django_db

INBOX = reverse("review:inbox")
QUEUE = reverse("review:work_queue")


@pytest.fixture(autouse=True)
def _pages_of_two(settings: Any) -> None:
    settings.LIST_PAGE_SIZE = 2


@pytest.fixture
def busy_specialist(specialist: User) -> User:
    specialist.specialist_profile.capacity = 50
    specialist.specialist_profile.save()
    return specialist


def codes(page: str) -> list[str]:
    return [code for code in re.findall(r">([A-Z0-9-]{6,12})</a>", page)
            if Review.objects.filter(code=code).exists()]


def test_the_inbox_pages_offers_and_cases_in_progress_each_by_its_own_link(
    client: Client, patient: Patient, coordinator: User, busy_specialist: User
) -> None:
    offered = [offer(submitted(patient), coordinator, [busy_specialist])[0] for _ in range(3)]
    active = [offer(submitted(patient), coordinator, [busy_specialist])[0] for _ in range(3)]
    accept_all(active)
    login_with_2fa(client, busy_specialist)

    first = client.get(INBOX).content.decode()
    assert codes(first) == [a.review.code for a in offered[:2] + active[:2]]
    assert 'href="?offered=2" rel="next"' in first and 'href="?page=2" rel="next"' in first
    # A list longer than a page says its count is the page's.
    assert "Offered to you (2 on this page)" in first and "In progress (2 on this page)" in first

    later = client.get(INBOX, {"offered": 2, "page": 2}).content.decode()
    assert codes(later) == [offered[2].review.code, active[2].review.code]
    assert 'href="?page=2" rel="prev"' in later  # the offers' first page, the other list kept


@pytest.mark.parametrize("size", [1, 5])
def test_the_inbox_costs_the_same_queries_with_1_or_5_cases_in_each_list(
    client: Client, patient: Patient, coordinator: User, busy_specialist: User,
    django_assert_num_queries: Any, size: int,
) -> None:
    for _ in range(size):
        offer(submitted(patient), coordinator, [busy_specialist])
        accept_all(offer(submitted(patient), coordinator, [busy_specialist]))
    login_with_2fa(client, busy_specialist)
    client.get(INBOX)
    # the session, user and two-step device, the profile; offers, cases in progress, finished
    # ones and follow-up questions, a page each; the audit event
    with django_assert_num_queries(10):
        assert client.get(INBOX).status_code == 200


def test_the_work_queue_shows_a_page_with_a_link_to_the_next(
    client: Client, patient: Patient, coordinator: User, busy_specialist: User
) -> None:
    cases = [submitted(patient) for _ in range(3)]
    for case in cases:
        offer(case, coordinator, [busy_specialist])
    login_with_2fa(client, coordinator)
    first = client.get(QUEUE).content.decode()
    second = client.get(QUEUE, {"page": 2}).content.decode()
    shown = [c.reference for c in cases if c.reference in first]
    assert len(shown) == 2 and 'href="?page=2" rel="next"' in first
    assert [c.reference for c in cases if c.reference in second] == [
        c.reference for c in cases if c.reference not in shown
    ]
    assert 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize("size", [1, 5])
def test_the_work_queue_costs_the_same_queries_with_1_or_5_cases(
    client: Client, patient: Patient, coordinator: User, busy_specialist: User,
    django_assert_num_queries: Any, size: int,
) -> None:
    for _ in range(size):
        offer(submitted(patient), coordinator, [busy_specialist])
    login_with_2fa(client, coordinator)
    client.get(QUEUE)
    # the session, user and two-step device; a page of cases with their seats; the audit event
    with django_assert_num_queries(6):
        assert client.get(QUEUE).status_code == 200
