"""Starting a request and the account's lifetime record."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from consilium.cases.models import Case, CaseStatus, IntakeStep
from consilium.cases.services import REFERENCE_ALPHABET, case_create, case_reference_new
from consilium.cases.tests.conftest import count_queries, make_complete_draft
from consilium.patients.models import Patient, Relationship
from consilium.patients.services import patient_create

pytestmark = pytest.mark.django_db


def test_a_reference_is_short_readable_and_unambiguous() -> None:
    for _ in range(200):
        reference = case_reference_new()
        assert re.fullmatch(r"CN-[2-9A-Z]{6}", reference)
        assert not set(reference[3:]) & set("01OIL")
        assert set(reference[3:]) <= set(REFERENCE_ALPHABET)


def test_starting_for_an_existing_patient_opens_a_draft_at_the_patient_step(
    client: Client, patient: Patient
) -> None:
    client.force_login(patient.holder)
    response = client.post(reverse("cases:start"), {"patient": str(patient.public_id)})
    case = Case.objects.get(patient=patient)
    assert case.status == CaseStatus.DRAFT
    assert case.created_by == patient.holder
    assert response["Location"] == reverse(
        "cases:intake", kwargs={"public_id": case.public_id, "step": IntakeStep.PATIENT}
    )


def test_starting_for_someone_new_creates_the_patient_with_the_relationship(
    client: Client, patient: Patient
) -> None:
    client.force_login(patient.holder)
    client.post(reverse("cases:start"), {"patient": "new", "relationship": "parent"})
    new = Patient.objects.get(holder=patient.holder, relationship=Relationship.PARENT)
    case = Case.objects.get(patient=new)
    assert case.requester_relationship == Relationship.PARENT


def test_starting_for_yourself_copies_your_name_from_the_account(
    client: Client, other_patient: Patient
) -> None:
    from conftest import make_user

    user = make_user("new@example.com", full_name="Kiran Rao")
    client.force_login(user)
    client.post(reverse("cases:start"), {"patient": "new", "relationship": "self"})
    assert Patient.objects.get(holder=user).full_name == "Kiran Rao"


def test_starting_for_someone_new_needs_the_relationship(client: Client, patient: Patient) -> None:
    client.force_login(patient.holder)
    response = client.post(reverse("cases:start"), {"patient": "new", "relationship": ""})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_nobody_can_start_a_request_for_another_accounts_patient(
    client: Client, patient: Patient, other_patient: Patient
) -> None:
    client.force_login(patient.holder)
    response = client.post(reverse("cases:start"), {"patient": str(other_patient.public_id)})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_the_record_lists_each_patient_with_their_cases_and_a_continue_link(
    client: Client, patient: Patient
) -> None:
    father = patient_create(holder=patient.holder, relationship="parent", full_name="Ram Verma")
    draft = case_create(patient=father, actor=patient.holder)
    submitted = make_complete_draft(patient)
    from consilium.cases.services import case_submit

    case_submit(case=submitted, actor=patient.holder)
    client.force_login(patient.holder)
    page = client.get(reverse("cases:my_cases")).content.decode()
    assert "Asha Verma" in page and "Ram Verma" in page
    assert draft.reference in page and submitted.reference in page
    assert "Waiting for triage" in page
    # A new draft continues at its first unfinished step: the patient's details.
    assert reverse("cases:intake", kwargs={"public_id": draft.public_id, "step": "patient"}) in page
    assert reverse("cases:start") in page


def test_continue_goes_to_the_first_unfinished_step(client: Client, patient: Patient) -> None:
    from consilium.cases.services import case_save_condition

    case = case_create(patient=patient, actor=patient.holder)
    case_save_condition(
        case=case, actor=patient.holder, data={"medical_area": "heart", "symptoms": "Tired"}
    )
    client.force_login(patient.holder)
    page = client.get(reverse("cases:my_cases")).content.decode()
    assert reverse("cases:intake", kwargs={"public_id": case.public_id, "step": "history"}) in page


def test_the_record_does_not_show_other_accounts_cases(
    client: Client, patient: Patient, other_patient: Patient
) -> None:
    theirs = case_create(patient=other_patient, actor=other_patient.holder)
    client.force_login(patient.holder)
    assert theirs.reference not in client.get(reverse("cases:my_cases")).content.decode()


def _fill(holder_patient: Patient, patients: int, cases_each: int) -> None:
    for i in range(patients):
        someone = patient_create(
            holder=holder_patient.holder, relationship="child", full_name=f"Child {i}"
        )
        for _ in range(cases_each):
            case_create(patient=someone, actor=holder_patient.holder)


def test_the_record_costs_the_same_queries_whatever_its_size(
    client: Client, patient: Patient, django_assert_max_num_queries
) -> None:
    client.force_login(patient.holder)
    url = reverse("cases:my_cases")
    make_complete_draft(patient)
    client.get(url)  # warm the session so both measured requests do the same work
    small = count_queries(lambda: client.get(url))
    _fill(patient, patients=4, cases_each=5)
    large = count_queries(lambda: client.get(url))
    assert small == large
    # session and user, patients, their cases with progress, one audit event (+ the session's
    # own bookkeeping from the accounts middleware)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_the_first_request_prefills_the_relationship_chosen_at_registration(
    client: Client,
) -> None:
    from conftest import make_user

    user = make_user("son@example.com", full_name="Arjun Singh")
    user.relationship_to_patient = Relationship.CHILD
    user.save()
    client.force_login(user)
    page = client.get(reverse("cases:start")).content.decode()
    assert 'value="child" selected' in page


def test_the_record_says_who_the_holder_is_to_each_patient_from_the_holders_side(
    client: Client, patient: Patient
) -> None:
    patient_create(holder=patient.holder, relationship="child", full_name="Ramesh Mehta")
    client.force_login(patient.holder)

    page = client.get(reverse("cases:my_cases")).content.decode()

    # The holder is Ramesh's son or daughter, not Ramesh the holder's son.
    assert "Ramesh Mehta" in page and "you are their son or daughter" in page
    assert "· Son or daughter" not in page
