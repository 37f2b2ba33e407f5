"""The case page for its holder: where the request stands and what happens next."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from consilium.audit.models import AuditEvent
from consilium.billing.models import Payment
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


def test_a_sent_request_links_to_its_signed_consent_and_receipt_and_every_link_opens(
    client: Client, patient: Patient, complete_draft: Case
) -> None:
    # The consent and payment steps are for drafts (404 once sent); the page must not send the
    # patient there.
    Payment.objects.filter(case=complete_draft).update(receipt_number="RC-2026-000001")
    case_submit(case=complete_draft, actor=patient.holder)
    client.force_login(patient.holder)
    page = client.get(complete_draft.get_absolute_url()).content.decode()
    main = page[page.index('<main'):page.index("</main>")]
    links = set(re.findall(r'href="(/(?:cases|documents|consent|billing)/[^"]+)"', main))

    assert any("/consent/" in link and link.endswith("/download/") for link in links), links
    assert any("/receipt/" in link for link in links), links
    for link in sorted(links):
        response = client.get(link)
        assert response.status_code == 200, link
