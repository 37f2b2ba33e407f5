"""Check and submit: one message per missing item, then triage and exactly one email."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from consilium.cases.models import Case, CaseStatus, CaseTransition
from consilium.cases.services import CaseIncomplete, case_create, case_submit
from consilium.cases.tests.conftest import add_consent, add_document, add_payment
from consilium.notifications.models import OutboxMessage
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def submit_url(case: Case) -> str:
    return reverse("cases:submit", kwargs={"public_id": case.public_id})


def test_an_empty_draft_is_refused_with_one_message_and_a_list_of_every_missing_item(
    client: Client, other_patient: Patient
) -> None:
    holder = other_patient.holder
    holder.email_verified = False
    holder.save()
    case = case_create(patient=other_patient, actor=holder)
    client.force_login(holder)
    response = client.post(submit_url(case))
    assert response["Location"] == submit_url(case)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Your request is not sent yet: 8 things are still missing. They are listed "
                     "below, each with a link to fix it."]
    page = client.get(submit_url(case)).content.decode()
    missing = page[page.index('id="missing-title"'):]
    for expected in [
        "date of birth",
        "medical area",
        "diagnosis so far or the symptoms",
        "at least one question",
        "at least one medical report",
        "consent form",
        "pay",
        "Confirm your email",
    ]:
        assert expected in missing, expected
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("missing", ["document", "consent", "payment", "question"])
def test_each_missing_piece_alone_stops_the_submit(patient: Patient, missing: str) -> None:
    from consilium.cases.services import case_save_condition, case_set_questions

    holder = patient.holder
    case = case_create(patient=patient, actor=holder)
    case_save_condition(case=case, actor=holder, data={"medical_area": "heart", "symptoms": "x"})
    if missing != "question":
        case_set_questions(case=case, actor=holder, texts=["Why?"])
    if missing != "document":
        add_document(case)
    if missing != "consent":
        add_consent(case)
    if missing != "payment":
        add_payment(case)
    with pytest.raises(CaseIncomplete) as refused:
        case_submit(case=case, actor=holder)
    assert [p.step for p in refused.value.problems] == [
        {"document": "documents", "consent": "consent", "payment": "payment",
         "question": "questions"}[missing]
    ]


def test_a_complete_draft_goes_to_triage_and_emails_an_acknowledgement(
    client: Client, patient: Patient, complete_draft: Case, django_capture_on_commit_callbacks
) -> None:
    client.force_login(patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url(complete_draft))
    assert response["Location"] == complete_draft.get_absolute_url()
    complete_draft.refresh_from_db()
    assert complete_draft.status == CaseStatus.TRIAGE
    assert complete_draft.submitted_at is not None
    transition = CaseTransition.objects.get(case=complete_draft)
    assert (transition.from_status, transition.to_status) == ("draft", "triage")
    message = OutboxMessage.objects.get()
    assert message.to == patient.holder.email
    assert message.recipient == patient.holder
    assert complete_draft.reference in message.subject
    assert complete_draft.reference in message.body_text
    assert "What happens next" in message.body_text
    assert message.dedupe_key == f"case-submitted:{complete_draft.public_id}"


def test_submitting_twice_changes_nothing_the_second_time(
    client: Client, patient: Patient, complete_draft: Case
) -> None:
    client.force_login(patient.holder)
    first = client.post(submit_url(complete_draft))
    second = client.post(submit_url(complete_draft))
    assert first.status_code == second.status_code == 302
    assert second["Location"] == complete_draft.get_absolute_url()
    assert OutboxMessage.objects.count() == 1
    assert CaseTransition.objects.filter(case=complete_draft).count() == 1
    # The service itself is safe to call again too.
    case_submit(case=complete_draft, actor=patient.holder)
    assert OutboxMessage.objects.count() == 1


def test_the_check_page_summarises_the_answers_and_links_to_fix_what_is_missing(
    client: Client, patient: Patient
) -> None:
    from consilium.cases.services import case_save_condition

    case = case_create(patient=patient, actor=patient.holder)
    case_save_condition(
        case=case, actor=patient.holder,
        data={"medical_area": "cancer", "diagnosis_so_far": "Stage II breast cancer"},
    )
    client.force_login(patient.holder)
    page = client.get(submit_url(case)).content.decode()
    assert "Stage II breast cancer" in page
    assert "Asha Verma" in page
    assert "Write at least one question" in page
    questions = reverse("cases:intake", kwargs={"public_id": case.public_id, "step": "questions"})
    assert questions in page


def test_the_patient_typed_nothing_that_submit_loses(
    patient: Patient, complete_draft: Case
) -> None:
    before = Case.objects.filter(pk=complete_draft.pk).values().get()
    case_submit(case=complete_draft, actor=patient.holder)
    after = Case.objects.filter(pk=complete_draft.pk).values().get()
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"status", "submitted_at", "updated_at"}
