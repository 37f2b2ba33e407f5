"""In the blind mode a specialist reaches no page, file or email that holds the patient's name,
phone or ABHA number, even when the patient typed them into the story; the patient sees
"Specialist 1 — …", not names. In the open mode the patient sees the specialists' names."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from consilium.accounts.models import User
from consilium.cases.models import Case, CaseQuestion
from consilium.cases.services import information_request_create
from consilium.core.testing import login_with_2fa
from consilium.notifications.models import OutboxMessage
from consilium.patients.models import Patient
from consilium.reports.models import Report
from consilium.review.models import Review
from consilium.review.services import follow_up_ask
from consilium.review.tests.fixtures import (
    accept_all,
    complete_opinion,
    offer,
    panel_agreement,
    release,
    submitted,
    write_and_submit,
)

NAME = "Zorawar Quillfeather"
PHONE = "+91 98111 22333"
ABHA = "91-4567-2345-6789"


def variants() -> list[str]:
    """The markers as they might be written anywhere."""
    digits = re.sub(r"\D", "", PHONE)
    return [NAME, "Zorawar", "Quillfeather", digits[-10:], "98111 22333", "98111",
            ABHA, ABHA.replace("-", ""), "Asha Verma"]


def assert_clean(where: str, text: str) -> None:
    for marker in variants():
        assert marker.lower() not in text.lower(), f"{marker!r} found in {where}"


@pytest.fixture
def planted(patient: Patient) -> Patient:
    """The patient's identity replaced by markers, and written into their own story."""
    Patient.objects.filter(pk=patient.pk).update(
        full_name=NAME, phone=PHONE, abha_number=ABHA, date_of_birth=dt.date(1961, 3, 9),
        address="14 Lotus Lane", email="zorawar@example.com",
    )
    patient.refresh_from_db()
    return patient


def test_a_specialist_never_meets_the_patients_identity(
    planted: Patient, coordinator: User, tumour_board: list[User], settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.IDENTITY_MODE = "blind"
    case = submitted(
        planted, "board",
        symptoms=f"I am {NAME}, call me on {PHONE}. Lump in the left breast since March.",
        diagnosis_so_far=f"Biopsy at the hospital under ABHA {ABHA}: carcinoma.",
    )
    CaseQuestion.objects.filter(case=case).update(text=f"Should {NAME} have surgery first?")
    for document in case.documents.all():
        release(document, coordinator)
    seats = offer(case, coordinator, tumour_board)
    review = Review.objects.get(case=case)

    pages: dict[str, str] = {}
    clients = {}
    for seat in seats:
        client = Client()
        login_with_2fa(client, seat.specialist.user)
        clients[seat.pk] = client
        for name in ("review:assignment",):
            url = reverse(name, kwargs={"public_id": seat.public_id})
            pages[f"offer {url}"] = client.get(url).content.decode()
    accept_all(seats)
    asked = information_request_create(case=case, actor=seats[0].specialist.user,
                                       message="Please send the HER2 result.")
    from consilium.cases.services import information_request_answer

    information_request_answer(request=asked, actor=planted.holder,
                               answer=f"It was not done. Regards, {NAME}, {PHONE}")
    for seat in seats:
        client = clients[seat.pk]
        for url in (
            reverse("review:inbox"),
            reverse("review:assignment", kwargs={"public_id": seat.public_id}),
            reverse("notifications:list"),
        ):
            pages[f"{seat.position} {url}"] = client.get(url).content.decode()
        saved = client.post(reverse("review:opinion_save", kwargs={"public_id": seat.public_id}),
                            complete_opinion(case), HTTP_HX_REQUEST="true")
        pages[f"{seat.position} autosave"] = saved.content.decode()
        confirm = reverse("review:opinion_submit", kwargs={"public_id": seat.public_id})
        pages[f"{seat.position} confirm"] = client.get(confirm).content.decode()
        for document in case.documents.all():
            url = reverse("review:rendition", kwargs={"public_id": seat.public_id,
                                                      "document_id": document.public_id})
            response = client.get(url)
            assert response.status_code == 200
            pages[f"rendition {url}"] = b"".join(response.streaming_content).decode("latin-1")
    for seat in seats:
        write_and_submit(seat)
    lead = next(s for s in seats if s.is_lead)
    panel_url = reverse("review:panel", kwargs={"public_id": review.public_id})
    pages["panel"] = clients[lead.pk].get(panel_url).content.decode()
    assert "Specialist 2" in pages["panel"]
    with django_capture_on_commit_callbacks(execute=True):
        clients[lead.pk].post(panel_url, {**complete_opinion(case), **panel_agreement(),
                                          "agreement": "unanimous", "action": "submit"})
    case.refresh_from_db()
    assert case.status == "reported"
    follow_up = follow_up_ask(case=case, actor=planted.holder,
                              question=f"This is {NAME} again: can I fly?")
    follow_url = reverse("review:follow_up", kwargs={"public_id": follow_up.public_id})
    pages["follow-up"] = clients[lead.pk].get(follow_url).content.decode()
    # The report names the patient: no specialist can open it.
    report = Report.objects.get(case=case)
    for client in clients.values():
        assert client.get(reverse("reports:download",
                                  kwargs={"public_id": report.public_id})).status_code == 404
        assert client.get(case.get_absolute_url()).status_code == 404

    assert len(pages) > 20
    for where, text in pages.items():
        assert_clean(where, text)
    for message in OutboxMessage.objects.filter(recipient__in=tumour_board):
        assert_clean(f"email {message.subject}", message.subject + message.body_text)
        assert message.attachments == []
    # The pages did show the story, with the identity masked where it was.
    case_page = pages[f"1 {reverse('review:assignment', kwargs={'public_id': seats[0].public_id})}"]
    assert "Lump in the left breast since" in case_page
    assert "[NAME]" in case_page and "[PHONE]" in case_page
    assert "have surgery first?" in case_page
    assert "It was not done. Regards," in case_page
    # The markers were really there to be found: a coordinator's page shows them.
    staff = Client()
    login_with_2fa(staff, coordinator)
    assert NAME in staff.get(case.get_absolute_url()).content.decode()


def test_in_the_blind_mode_the_patient_sees_seats_not_names(
    reported_case: Case, specialist: User, settings: Any
) -> None:
    settings.IDENTITY_MODE = "blind"
    client = Client()
    client.force_login(reported_case.patient.holder)
    page = client.get(reported_case.get_absolute_url()).content.decode()
    assert "Specialist 1 — Medical oncology, 15 years" in page
    assert specialist.full_name not in page


def test_in_the_open_mode_the_patient_sees_the_specialists_names(
    reported_case: Case, specialist: User, settings: Any
) -> None:
    settings.IDENTITY_MODE = "open"
    client = Client()
    client.force_login(reported_case.patient.holder)
    page = client.get(reported_case.get_absolute_url()).content.decode()
    assert specialist.full_name in page
    assert "MBBS, MD, DM" in page
