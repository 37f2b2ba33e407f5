"""In the `patient` doctor-choice mode the patient picks specialists while the request is a draft;
the coordinator sees the picks first and confirms them."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from consilium.accounts.models import User
from consilium.cases.models import Case
from consilium.cases.services import case_create, case_submit
from consilium.cases.tests.conftest import make_complete_draft
from consilium.patients.models import Patient
from consilium.review.matching import rank_specialists
from consilium.review.models import Assignment
from consilium.review.tests.fixtures import offer


def test_the_patient_picks_and_the_coordinator_confirms(
    patient: Patient, coordinator: User, tumour_board: list[User], settings: Any
) -> None:
    settings.DOCTOR_CHOICE = "patient"
    case = make_complete_draft(patient)
    Case.objects.filter(pk=case.pk).update(review_type="single")
    case.refresh_from_db()
    client = Client()
    client.force_login(patient.holder)
    assert reverse("review:choose", kwargs={"public_id": case.public_id}) in client.get(
        case.get_absolute_url()).content.decode()
    radiation = tumour_board[2].specialist_profile
    url = reverse("review:choose", kwargs={"public_id": case.public_id})
    page = client.get(url).content.decode()
    assert "Radiation oncology" in page
    assert tumour_board[2].full_name not in page  # blind mode: qualifications, not names
    client.post(url, {"specialists": [radiation.pk]})
    case_submit(case=case, actor=patient.holder)
    ranked = rank_specialists(case=case, chosen=[radiation.pk])
    assert ranked[0].profile == radiation and "chosen by the patient" in ranked[0].reason
    [seat] = offer(case, coordinator, [tumour_board[2]])
    assert Assignment.objects.get(pk=seat.pk).chosen_by_patient


def test_the_choice_page_does_not_exist_when_the_platform_chooses(
    patient: Patient, settings: Any
) -> None:
    settings.DOCTOR_CHOICE = "platform"
    case = case_create(patient=patient, actor=patient.holder)
    client = Client()
    client.force_login(patient.holder)
    assert client.get(reverse("review:choose", kwargs={"public_id": case.public_id})
                      ).status_code == 404
