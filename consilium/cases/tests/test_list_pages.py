"""Long lists of the cases app come a page at a time (the triage queue, the patient's record),
with links to the other pages, at a number of queries that does not grow with the list."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consilium.cases.models import Case, CaseStatus
from consilium.cases.services import case_create, case_submit, case_transition
from consilium.cases.tests.conftest import make_complete_draft
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient
from consilium.patients.services import patient_create

pytestmark = pytest.mark.django_db

TRIAGE = reverse("cases:triage_queue")
RECORD = reverse("cases:my_cases")


@pytest.fixture(autouse=True)
def _pages_of_two(settings: Any) -> None:
    settings.LIST_PAGE_SIZE = 2


def waiting(patient: Patient, count: int) -> list[Case]:
    """`count` submitted cases, the first one submitted longest ago."""
    made = []
    for n in range(count):
        case = make_complete_draft(patient)
        case_submit(case=case, actor=patient.holder)
        Case.objects.filter(pk=case.pk).update(
            submitted_at=timezone.now() - dt.timedelta(hours=100 - n)
        )
        made.append(case)
    return made


def references(page: str) -> list[str]:
    return re.findall(r">(CN-[0-9A-Z-]+)<", page)


def test_the_triage_queue_shows_one_page_of_each_section_with_links_to_the_others(
    client: Client, patient: Patient, coordinator: Any
) -> None:
    cases = waiting(patient, 5)
    case_transition(case=cases[0], to=CaseStatus.AWAITING_INFO, actor=coordinator)
    login_with_2fa(client, coordinator)

    first = client.get(TRIAGE).content.decode()
    assert "Waiting for triage (4)" in first and "Waiting on the patient (1)" in first
    assert [c.reference for c in cases[1:3] + cases[:1]] == [
        r for r in references(first) if r in {c.reference for c in cases}
    ]
    assert 'href="?page=2" rel="next"' in first
    assert "Page 1 of 2" in first

    second = client.get(TRIAGE, {"page": 2}).content.decode()
    assert cases[3].reference in second and cases[4].reference in second
    assert cases[1].reference not in second
    assert cases[0].reference in second  # the other section stays on its own first page
    assert 'href="?" rel="prev"' in second and 'rel="next"' not in second


def test_each_section_of_the_triage_queue_pages_on_its_own_and_keeps_the_other(
    client: Client, patient: Patient, coordinator: Any
) -> None:
    cases = waiting(patient, 6)
    for case in cases[:3]:
        case_transition(case=case, to=CaseStatus.AWAITING_INFO, actor=coordinator)
    login_with_2fa(client, coordinator)
    page = client.get(TRIAGE, {"page": 2, "waiting": 2}).content.decode()
    assert references(page) == [cases[5].reference, cases[2].reference]
    assert 'href="?waiting=2" rel="prev"' in page  # triage's first page, the other kept
    assert 'href="?page=2" rel="prev"' in page


def test_a_page_past_the_end_or_not_a_number_is_handled(
    client: Client, patient: Patient, coordinator: Any
) -> None:
    cases = waiting(patient, 3)
    login_with_2fa(client, coordinator)
    past = client.get(TRIAGE, {"page": 9})
    assert past.status_code == 200
    assert "Nothing here." in past.content.decode() and 'rel="prev"' in past.content.decode()
    nonsense = client.get(TRIAGE, {"page": "x'; --"}).content.decode()
    assert cases[0].reference in nonsense and "Page 1 of 2" in nonsense


@pytest.mark.parametrize("size", [1, 7])
def test_the_triage_queue_costs_the_same_queries_with_1_or_7_cases(
    client: Client, patient: Patient, coordinator: Any, django_assert_num_queries: Any,
    size: int,
) -> None:
    waiting(patient, size)
    login_with_2fa(client, coordinator)
    client.get(TRIAGE)
    # the session, user and two-step device; the sections' sizes and a page of each; the
    # audit event
    with django_assert_num_queries(8):
        assert client.get(TRIAGE, {"page": 1}).status_code == 200


def test_the_record_shows_a_page_of_cases_grouped_by_patient(
    client: Client, patient: Patient
) -> None:
    father = patient_create(holder=patient.holder, relationship="parent", full_name="Ram Verma")
    patient_create(holder=patient.holder, relationship="child", full_name="Zoya Verma")
    mine = [case_create(patient=patient, actor=patient.holder) for _ in range(2)]
    his = [case_create(patient=father, actor=patient.holder) for _ in range(2)]
    client.force_login(patient.holder)

    first = client.get(RECORD).content.decode()
    # Asha's two (newest first) on the first page, then Ram's on the second.
    assert references(first) == [mine[1].reference, mine[0].reference]
    assert "Zoya Verma" in first and "No requests for this patient yet." in first
    assert 'href="?page=2" rel="next"' in first
    second = client.get(RECORD, {"page": 2}).content.decode()
    assert references(second) == [his[1].reference, his[0].reference]
    assert "Ram Verma" in second and "Asha Verma" not in second and "Zoya Verma" not in second


@pytest.mark.parametrize("size", [1, 7])
def test_the_record_costs_the_same_queries_with_1_or_7_cases(
    client: Client, patient: Patient, django_assert_num_queries: Any, size: int
) -> None:
    father = patient_create(holder=patient.holder, relationship="parent", full_name="Ram Verma")
    for n in range(size):
        case_create(patient=father if n % 2 else patient, actor=patient.holder)
    client.force_login(patient.holder)
    client.get(RECORD)
    # the session and user; the patients and a page of their cases; the audit event
    with django_assert_num_queries(6):
        assert client.get(RECORD).status_code == 200
