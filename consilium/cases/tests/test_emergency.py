"""An emergency described in the intake shows the emergency advice and marks the case urgent."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from consilium.cases.models import Case
from consilium.cases.services import case_save_condition
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def condition_url(case: Case) -> str:
    return reverse("cases:intake", kwargs={"public_id": case.public_id, "step": "condition"})


def test_a_ticked_red_flag_shows_the_emergency_page_and_marks_the_case_urgent(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(
        condition_url(draft),
        {"red_flag_answers": ["chest_pain"], "action": "continue"},
        follow=True,
    )
    page = response.content.decode()
    assert "Seek emergency care now" in page
    assert "112" in page
    assert "must not delay urgent treatment" in page
    draft.refresh_from_db()
    assert draft.is_urgent
    assert draft.red_flags == ["chest_pain"]
    # The patient can still go on with the request.
    history = reverse("cases:intake", kwargs={"public_id": draft.public_id, "step": "history"})
    assert history in page


def test_a_phrase_in_the_symptoms_raises_the_same_alarm(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(
        condition_url(draft),
        {"symptoms": "Kal raat se seene mein dard hai", "red_flag_answers": ["none"]},
    )
    assert "/emergency/" in response["Location"]
    draft.refresh_from_db()
    assert draft.is_urgent and draft.red_flags == ["chest_pain"]


def test_a_negated_symptom_is_not_an_emergency(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(
        condition_url(draft), {"symptoms": "Tired, no chest pain", "red_flag_answers": ["none"]}
    )
    assert "/emergency/" not in response["Location"]
    draft.refresh_from_db()
    assert not draft.is_urgent and draft.red_flags == []


def test_saving_for_later_with_a_red_flag_still_shows_the_advice_first(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(
        condition_url(draft), {"red_flag_answers": ["bleeding"], "action": "later"}, follow=True
    )
    assert "Seek emergency care now" in response.content.decode()
    assert reverse("cases:my_cases") in response.content.decode()


def test_correcting_a_draft_clears_the_urgent_mark(patient: Patient, draft: Case) -> None:
    holder = patient.holder
    case_save_condition(case=draft, actor=holder, data={"red_flag_answers": ["breathless"]})
    assert draft.is_urgent
    case_save_condition(case=draft, actor=holder, data={"red_flag_answers": ["none"]})
    draft.refresh_from_db()
    assert not draft.is_urgent and draft.red_flags == []


def test_the_audit_trail_names_the_fields_but_not_the_red_flags(
    patient: Patient, draft: Case
) -> None:
    from consilium.audit.models import AuditEvent

    case_save_condition(case=draft, actor=patient.holder, data={"symptoms": "chest pain now"})
    details = [str(e.detail) for e in AuditEvent.objects.filter(target_id=str(draft.public_id))]
    assert details and not any("chest" in d for d in details)


def test_the_emergency_page_does_not_redirect_to_another_site(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    url = reverse("cases:emergency", kwargs={"public_id": draft.public_id})
    page = client.get(url + "?next=https://evil.example/").content.decode()
    assert 'href="https://evil.example/"' not in page
