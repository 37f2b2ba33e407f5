"""Each intake step saves partial data as a draft and shows it again when the patient returns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from consilium.cases.models import Case, IntakeStep, MedicalArea
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def intake_url(case: Case, step: str) -> str:
    return reverse("cases:intake", kwargs={"public_id": case.public_id, "step": step})


def test_the_patient_step_saves_a_half_filled_form_and_shows_it_on_another_device(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(
        intake_url(draft, "patient"),
        {"full_name": "Asha R. Verma", "city": "Nashik", "action": "later"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:my_cases")
    patient.refresh_from_db()
    assert patient.full_name == "Asha R. Verma"
    assert patient.city == "Nashik"
    assert patient.date_of_birth == dt.date(1970, 5, 17)  # a field not sent keeps its value

    other_device = Client()
    other_device.force_login(patient.holder)
    page = other_device.get(intake_url(draft, "patient")).content.decode()
    assert 'value="Asha R. Verma"' in page
    assert 'value="Nashik"' in page


def test_the_patient_step_accepts_an_abha_number_with_or_without_dashes(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    client.post(intake_url(draft, "patient"), {"abha_number": "12345678901234"})
    patient.refresh_from_db()
    assert patient.abha_number == "12-3456-7890-1234"
    client.post(intake_url(draft, "patient"), {"abha_number": "91-2222-3333-4444"})
    patient.refresh_from_db()
    assert patient.abha_number == "91-2222-3333-4444"


def test_a_wrong_abha_number_is_shown_with_its_error_while_the_rest_is_saved(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(
        intake_url(draft, "patient"),
        {"full_name": "Asha Verma", "city": "Thane", "abha_number": "1234-5678"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "14 digits" in page
    assert 'value="1234-5678"' in page  # what was typed is kept on the page
    patient.refresh_from_db()
    assert patient.city == "Thane"
    assert patient.abha_number == ""


def test_the_patient_step_records_who_is_asking(
    client: Client, proxy: Patient
) -> None:
    from consilium.cases.services import case_create

    case = case_create(patient=proxy, actor=proxy.holder)
    client.force_login(proxy.holder)
    client.post(intake_url(case, "patient"), {"requester_relationship": "child"})
    case.refresh_from_db()
    assert case.requester_relationship == "child"


def test_the_condition_step_saves_partial_answers_and_goes_on_to_history(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(
        intake_url(draft, "condition"),
        {"medical_area": MedicalArea.HEART, "reasons": ["options", "questions"],
         "red_flag_answers": ["none"], "action": "continue"},
    )
    assert response["Location"] == intake_url(draft, "history")
    draft.refresh_from_db()
    assert draft.medical_area == MedicalArea.HEART
    assert draft.reasons == ["options", "questions"]
    assert draft.red_flag_answers == ["none"]
    assert draft.intake_step == IntakeStep.HISTORY
    page = client.get(intake_url(draft, "condition")).content.decode()
    assert 'value="options" id="id_reasons_1" checked' in page or "checked" in page


def test_the_history_step_saves_and_goes_back_without_losing_anything(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(
        intake_url(draft, "history"),
        {"allergies": "Penicillin", "treating_doctor": "Dr Rao", "action": "back"},
    )
    assert response["Location"] == intake_url(draft, "condition")
    draft.refresh_from_db()
    assert draft.allergies == "Penicillin"
    assert draft.treating_doctor == "Dr Rao"
    assert "Penicillin" in client.get(intake_url(draft, "history")).content.decode()


def test_the_questions_step_keeps_up_to_ten_questions_in_order(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    client.post(
        intake_url(draft, "questions"),
        {"q1": "Is surgery needed?", "q2": "", "q3": "What are the side effects?"},
    )
    assert [q.text for q in draft.questions.all()] == [
        "Is surgery needed?", "What are the side effects?"
    ]
    page = client.get(intake_url(draft, "questions")).content.decode()
    assert "What are the side effects?" in page


def test_the_last_form_step_leads_to_the_reports(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(intake_url(draft, "questions"), {"q1": "Why?", "action": "continue"})
    assert response.status_code == 302
    assert str(draft.public_id) in response["Location"]
    draft.refresh_from_db()
    assert draft.intake_step == IntakeStep.DOCUMENTS


def test_an_unknown_step_does_not_exist(client: Client, patient: Patient, draft: Case) -> None:
    client.force_login(patient.holder)
    assert client.get(intake_url(draft, "documents")).status_code == 404
    assert client.get(intake_url(draft, "nonsense")).status_code == 404


def test_a_submitted_case_can_no_longer_be_edited_in_the_intake(
    client: Client, patient: Patient, complete_draft: Case
) -> None:
    from consilium.cases.services import case_submit

    case_submit(case=complete_draft, actor=patient.holder)
    client.force_login(patient.holder)
    assert client.get(intake_url(complete_draft, "condition")).status_code == 404
    response = client.post(intake_url(complete_draft, "condition"), {"symptoms": "changed"})
    assert response.status_code == 404


def test_the_background_autosave_keeps_what_was_typed_without_leaving_the_page(
    client: Client, patient: Patient, draft: Case
) -> None:
    client.force_login(patient.holder)
    response = client.post(
        intake_url(draft, "history"),
        {"current_medicines": "Metformin 500 mg twice a day", "action": "autosave"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    draft.refresh_from_db()
    assert draft.current_medicines == "Metformin 500 mg twice a day"
    assert draft.intake_step == IntakeStep.PATIENT  # autosave does not move the patient on
