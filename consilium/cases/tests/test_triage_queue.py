"""The coordinator's triage queue: urgent first, then the longest waiting, at a fixed cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consilium.cases.models import Case, CaseStatus
from consilium.cases.services import case_submit, case_transition
from consilium.cases.tests.conftest import add_document, count_queries, make_complete_draft
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient
from consilium.patients.services import patient_create

pytestmark = pytest.mark.django_db


def submitted(patient: Patient, *, hours_ago: float, **condition: str) -> Case:
    case = make_complete_draft(patient, **condition)
    case_submit(case=case, actor=patient.holder)
    Case.objects.filter(pk=case.pk).update(
        submitted_at=timezone.now() - dt.timedelta(hours=hours_ago)
    )
    return case


def test_the_queue_lists_urgent_cases_first_then_the_oldest(
    client: Client, patient: Patient, coordinator
) -> None:
    old = submitted(patient, hours_ago=30)
    new = submitted(patient, hours_ago=1)
    urgent = submitted(patient, hours_ago=2, symptoms="breathless at rest since morning")
    login_with_2fa(client, coordinator)
    page = client.get(reverse("cases:triage_queue")).content.decode()
    positions = [page.index(c.reference) for c in (urgent, old, new)]
    assert positions == sorted(positions)
    assert "Urgent" in page
    assert "56 years" in page  # Asha, born May 1970
    assert "Female" in page


def test_cases_waiting_on_the_patient_are_in_their_own_section(
    client: Client, patient: Patient, coordinator
) -> None:
    waiting = submitted(patient, hours_ago=5)
    case_transition(case=waiting, to=CaseStatus.AWAITING_INFO, actor=coordinator)
    fresh = submitted(patient, hours_ago=1)
    login_with_2fa(client, coordinator)
    page = client.get(reverse("cases:triage_queue")).content.decode()
    section = page.index("Waiting on the patient")
    assert page.index(fresh.reference) < section < page.index(waiting.reference)


def test_drafts_and_assigned_cases_are_not_in_the_queue(
    client: Client, patient: Patient, coordinator
) -> None:
    draft = make_complete_draft(patient)
    ready = submitted(patient, hours_ago=3)
    case_transition(case=ready, to=CaseStatus.ASSIGNED, actor=coordinator)
    login_with_2fa(client, coordinator)
    page = client.get(reverse("cases:triage_queue")).content.decode()
    assert draft.reference not in page and ready.reference not in page


def test_the_queue_costs_the_same_queries_whatever_its_size(
    client: Client, patient: Patient, coordinator
) -> None:
    submitted(patient, hours_ago=2)
    login_with_2fa(client, coordinator)
    url = reverse("cases:triage_queue")
    client.get(url)
    small = count_queries(lambda: client.get(url))
    for i in range(6):
        someone = patient_create(
            holder=patient.holder, relationship="child", full_name=f"C{i}",
            date_of_birth=dt.date(1990, 1, 1), sex="male",
        )
        case = submitted(someone, hours_ago=i)
        add_document(case)
    large = count_queries(lambda: client.get(url))
    assert small == large


def test_the_coordinator_sees_the_full_intake_and_the_red_flags(
    client: Client, patient: Patient, coordinator
) -> None:
    case = submitted(patient, hours_ago=1, symptoms="Papa ko lakwa jaisa lag raha hai")
    login_with_2fa(client, coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Asha Verma" in page
    assert "Carcinoma of the left breast" in page
    assert "Is surgery needed first?" in page
    assert "Signs of a stroke" in page
