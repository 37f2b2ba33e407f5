"""Asking the patient for more: the case waits on them, the clock pauses, the answer returns it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consilium.accounts.models import User
from consilium.cases.models import Case, CaseStatus, InformationRequest, Turnaround
from consilium.cases.services import (
    information_request_answer,
    information_request_create,
    information_request_withdraw,
)
from consilium.cases.tests.conftest import add_document
from consilium.core.errors import DomainError
from consilium.notifications.models import OutboxMessage
from consilium.review.tests.fixtures import accept_all, offer


def test_a_coordinators_request_emails_the_patient_and_the_answer_returns_the_case_to_triage(
    submitted_case: Case, coordinator: User
) -> None:
    request = information_request_create(
        case=submitted_case, actor=coordinator, message="Please send the biopsy report.",
        wanted=["pathology"],
    )
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.AWAITING_INFO
    email = OutboxMessage.objects.get(dedupe_key=f"information-request:{request.public_id}")
    assert "Please send the biopsy report." in email.body_text
    assert email.to == submitted_case.patient.holder.email
    holder = submitted_case.patient.holder
    with pytest.raises(DomainError, match="upload at least one report"):
        information_request_answer(request=request, actor=holder, answer="  ")
    add_document(submitted_case)
    information_request_answer(request=request, actor=holder, answer="Attached.")
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.TRIAGE
    assert OutboxMessage.objects.filter(recipient=coordinator,
                                        subject__contains="answered").exists()


def test_only_one_request_may_be_open_and_only_the_holder_answers(
    submitted_case: Case, coordinator: User, other_patient: object
) -> None:
    request = information_request_create(case=submitted_case, actor=coordinator,
                                         message="Which hospital did the scan?")
    with pytest.raises(DomainError):
        information_request_create(case=submitted_case, actor=coordinator, message="And more?")
    with pytest.raises(DomainError):
        information_request_answer(request=request, actor=other_patient.holder,  # type: ignore[attr-defined]
                                   answer="Not mine")


def test_a_specialists_request_during_review_pauses_the_clock_and_the_answer_resumes_it(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    clock = Turnaround.objects.get(case=submitted_case)
    limit_before = clock.limit_at
    request = information_request_create(case=submitted_case, actor=specialist,
                                         message="Was a HER2 test done?")
    clock.refresh_from_db()
    assert clock.paused_at is not None
    email = OutboxMessage.objects.get(dedupe_key=f"information-request:{request.public_id}")
    assert "specialist reviewing your case" in email.body_text
    assert specialist.full_name not in email.body_text
    # The patient answers three hours later: both deadlines move on by the wait.
    InformationRequest.objects.filter(pk=request.pk).update(created_at=timezone.now())
    Turnaround.objects.filter(pk=clock.pk).update(paused_at=timezone.now() - dt.timedelta(hours=3))
    information_request_answer(request=request, actor=submitted_case.patient.holder,
                               answer="No, it was not.")
    clock.refresh_from_db()
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.IN_REVIEW
    assert clock.paused_at is None
    assert clock.paused_seconds >= 3 * 3600 - 5
    assert clock.limit_at - limit_before >= dt.timedelta(hours=3) - dt.timedelta(seconds=5)


def test_a_specialist_not_on_the_case_cannot_ask(
    submitted_case: Case, coordinator: User, specialist: User, other_specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    with pytest.raises(DomainError):
        information_request_create(case=submitted_case, actor=other_specialist, message="Hi")


def test_a_coordinator_withdraws_a_request_and_the_case_goes_back(
    submitted_case: Case, coordinator: User
) -> None:
    request = information_request_create(case=submitted_case, actor=coordinator,
                                         message="Scan dates?")
    information_request_withdraw(request=request, actor=coordinator)
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.TRIAGE
    request.refresh_from_db()
    assert request.status == "cancelled"
