"""Who may open which case page: everyone else gets 404, never 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from consilium.cases.models import Case
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def case_pages(case: Case) -> list[str]:
    pid = case.public_id
    return [
        reverse("cases:detail", kwargs={"public_id": pid}),
        reverse("cases:submit", kwargs={"public_id": pid}),
        reverse("cases:emergency", kwargs={"public_id": pid}),
        *[
            reverse("cases:intake", kwargs={"public_id": pid, "step": step})
            for step in ("patient", "condition", "history", "questions")
        ],
    ]


def test_another_patients_account_cannot_open_any_page_of_a_case(
    client: Client, draft: Case, other_patient: Patient
) -> None:
    client.force_login(other_patient.holder)
    for url in case_pages(draft):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"symptoms": "x"}).status_code == 404, url


def test_a_specialist_cannot_open_any_page_of_a_case(
    client: Client, draft: Case, specialist
) -> None:
    login_with_2fa(client, specialist)
    for url in case_pages(draft):
        assert client.get(url).status_code == 404, url


def test_a_coordinator_does_not_see_drafts_or_edit_intakes(
    client: Client, draft: Case, coordinator
) -> None:
    login_with_2fa(client, coordinator)
    for url in case_pages(draft):
        assert client.get(url).status_code == 404, url


def test_a_signed_out_visitor_is_sent_to_sign_in(client: Client, draft: Case) -> None:
    response = client.get(reverse("cases:detail", kwargs={"public_id": draft.public_id}))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_only_coordinators_see_the_triage_queue(
    client: Client, patient: Patient, specialist
) -> None:
    client.force_login(patient.holder)
    assert client.get(reverse("cases:triage_queue")).status_code == 404
    login_with_2fa(client, specialist)
    assert client.get(reverse("cases:triage_queue")).status_code == 404
