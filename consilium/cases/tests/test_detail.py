"""The case page for its holder: where the request stands and what happens next."""

from __future__ import annotations

import pytest
from django.test import Client

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.cases.services import case_submit
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_the_holder_sees_the_status_what_happens_next_and_the_history(
    client: Client, patient: Patient, complete_draft: Case
) -> None:
    case_submit(case=complete_draft, actor=patient.holder)
    client.force_login(patient.holder)
    page = client.get(complete_draft.get_absolute_url()).content.decode()
    assert complete_draft.reference in page
    assert "Waiting for triage" in page
    assert "A coordinator is checking your request" in page
    assert "History" in page


def test_a_draft_page_offers_to_continue_where_the_patient_stopped(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "the doctors cannot see it yet" in page
    # Asha's details are on file already, so the next step is the condition.
    assert f"/cases/{draft.public_id}/intake/condition/" in page


def test_opening_a_case_is_audited_without_health_data(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    client.get(draft.get_absolute_url())
    event = AuditEvent.objects.filter(action="case.view").get()
    assert event.target_id == str(draft.public_id)
    assert event.actor == patient.holder
