"""Who looked at my record: every access by someone other than the account holder, from the
audit events, newest first, a page at a time, with the specialists named only as the report
names them and share links by the label the patient gave them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases.models import Case
from consilium.patients.models import Patient
from consilium.records.selectors import ACCESSES_PER_PAGE
from consilium.records.tests.conftest import make_link, shared_url

pytestmark = pytest.mark.django_db


def access_url(patient: Patient) -> str:
    return reverse("records:access_log", kwargs={"public_id": patient.public_id})


def rows(client: Client, patient: Patient, page: int = 1) -> list[str]:
    response = client.get(access_url(patient), {"page": page})
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0] \
        if "<tbody>" in response.content.decode() else ""
    return [" ".join(row.split()) for row in body.split("<tr>")[1:]]


def test_the_patient_sees_the_coordinator_the_specialist_and_the_link_newest_first(
    client: Client, reported_case: Case, coordinator: User, specialist: User, settings: Any
) -> None:
    settings.IDENTITY_MODE = "blind"
    patient = reported_case.patient
    record(actor=coordinator, action="case.view", target=reported_case)
    record(actor=specialist, action="case.view_deidentified", target=reported_case)
    Client().get(shared_url(make_link(reported_case, label="Dr Mehta")))
    client.force_login(patient.holder)

    listed = rows(client, patient)

    assert "Someone with your link “Dr Mehta”" in listed[0]
    assert "opened the shared report" in listed[0]
    assert "Specialist 1 — Medical oncology" in listed[1]
    assert specialist.full_name not in " ".join(listed)
    assert "Coordinator Neha Coordinator" in listed[2] and "opened the request" in listed[2]
    assert reported_case.reference in listed[2]


def test_in_the_open_mode_the_specialist_is_named(
    client: Client, reported_case: Case, specialist: User, settings: Any
) -> None:
    settings.IDENTITY_MODE = "open"
    record(actor=specialist, action="case.view_deidentified", target=reported_case)
    client.force_login(reported_case.patient.holder)
    assert specialist.full_name in rows(client, reported_case.patient)[0]


def test_the_patients_own_reads_and_other_patients_records_are_not_listed(
    client: Client, reported_case: Case, other_patient: Patient, coordinator: User
) -> None:
    from consilium.cases.tests.conftest import make_complete_draft

    client.force_login(reported_case.patient.holder)
    before = rows(client, reported_case.patient)
    client.get(reported_case.get_absolute_url())
    client.get(reverse("records:opinion", kwargs={"public_id": reported_case.public_id}))
    elsewhere = make_complete_draft(other_patient)
    record(actor=coordinator, action="case.view", target=elsewhere)

    after = rows(client, reported_case.patient)

    assert before and after == before


def test_a_document_read_names_the_request_and_the_file(
    client: Client, reported_case: Case, coordinator: User
) -> None:
    document = reported_case.documents.first()
    assert document is not None
    record(actor=coordinator, action="document.download", target=document)
    client.force_login(reported_case.patient.holder)
    [first, *_] = rows(client, reported_case.patient)
    assert "downloaded a report you uploaded" in first
    assert reported_case.reference in first and document.original_name in first


def test_the_log_is_paginated(client: Client, reported_case: Case, coordinator: User) -> None:
    for _ in range(ACCESSES_PER_PAGE + 3):
        record(actor=coordinator, action="case.view", target=reported_case)
    client.force_login(reported_case.patient.holder)
    first, second = rows(client, reported_case.patient, 1), rows(client, reported_case.patient, 2)
    assert len(first) == ACCESSES_PER_PAGE
    # The reported case's own history (offers, opinions) adds a few more rows.
    assert len(second) >= 3


def test_only_the_account_holder_sees_the_log(
    client: Client, reported_case: Case, other_patient: Patient, proxy: Patient
) -> None:
    for someone in (other_patient.holder, proxy.holder):
        client.force_login(someone)
        assert client.get(access_url(reported_case.patient)).status_code == 404


@pytest.mark.parametrize("events", [3, 60])
def test_a_page_costs_the_same_queries_whatever_the_number_of_events(
    client: Client, reported_case: Case, coordinator: User, specialist: User,
    django_assert_num_queries: Any, events: int,
) -> None:
    document = reported_case.documents.first()
    assert document is not None
    link = make_link(reported_case)
    for n in range(events):
        record(actor=[coordinator, specialist][n % 2], action="case.view", target=reported_case)
        record(actor=coordinator, action="document.download", target=document)
        record(actor=None, action="share_link.open", target=reported_case,
               detail={"share_link": str(link.link.public_id)})
    client.force_login(reported_case.patient.holder)
    # session, user, patient, audit insert, cases, documents, count, page, links, seats, the
    # unread notices of the header, and the session saved (a savepoint around it)
    with django_assert_num_queries(14):
        response = client.get(access_url(reported_case.patient))
    assert response.status_code == 200
