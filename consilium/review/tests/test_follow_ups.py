"""After delivery: up to three follow-up questions, each answer a new signed report version;
and one rating."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from consilium.accounts.models import User
from consilium.cases.models import Case
from consilium.core.errors import DomainError
from consilium.reports.files import report_read
from consilium.reports.models import Report, ReportKind
from consilium.reports.signing import pdf_verify
from consilium.reports.tests.test_signature import pdf_text
from consilium.review.models import Rating
from consilium.review.selectors import follow_up_get_for_answer
from consilium.review.services import follow_up_answer, follow_up_ask, rating_give


def test_an_answered_follow_up_becomes_a_signed_addendum(
    reported_case: Case, specialist: User, other_specialist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    holder = reported_case.patient.holder
    follow_up = follow_up_ask(case=reported_case, actor=holder,
                              question="Can I travel during radiotherapy?")
    with pytest.raises(Http404):
        follow_up_get_for_answer(user=other_specialist, public_id=follow_up.public_id)
    assert follow_up_get_for_answer(user=specialist, public_id=follow_up.public_id) == follow_up
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_answer(follow_up=follow_up, actor=specialist,
                         answer="Short trips between sessions are fine.")
    addendum = Report.objects.get(case=reported_case, version=2)
    assert addendum.kind == ReportKind.ADDENDUM
    data = report_read(report=addendum)
    assert pdf_verify(pdf=data).valid
    text = " ".join(pdf_text(data).split())
    assert "Can I travel during radiotherapy?" in text
    assert "Short trips between sessions are fine." in text
    assert "Breast-conserving surgery" in text
    # The first version stays as it was signed.
    assert Report.objects.filter(case=reported_case).count() == 2
    with pytest.raises(DomainError, match="already been answered"):
        follow_up_answer(follow_up=follow_up, actor=specialist, answer="Again")


def test_at_most_three_follow_up_questions(reported_case: Case) -> None:
    holder = reported_case.patient.holder
    for n in range(3):
        follow_up_ask(case=reported_case, actor=holder, question=f"Question {n}?")
    with pytest.raises(DomainError, match="all 3 follow-up questions"):
        follow_up_ask(case=reported_case, actor=holder, question="A fourth?")


def test_follow_ups_wait_for_the_report(submitted_case: Case) -> None:
    with pytest.raises(DomainError, match="once the opinion has been delivered"):
        follow_up_ask(case=submitted_case, actor=submitted_case.patient.holder, question="?")


def test_the_patient_rates_once(reported_case: Case, other_patient: Any) -> None:
    holder = reported_case.patient.holder
    with pytest.raises(DomainError):
        rating_give(case=reported_case, actor=other_patient.holder, score=5)
    with pytest.raises(DomainError):
        rating_give(case=reported_case, actor=holder, score=6)
    rating_give(case=reported_case, actor=holder, score=4, comment="Clear and quick.")
    with pytest.raises(DomainError, match="already rated"):
        rating_give(case=reported_case, actor=holder, score=5)
    assert Rating.objects.get().score == 4


def test_the_same_question_sent_twice_is_asked_once(reported_case: Case) -> None:
    holder = reported_case.patient.holder
    first = follow_up_ask(case=reported_case, actor=holder, question="Is a PET-CT needed?")
    again = follow_up_ask(case=reported_case, actor=holder, question="Is a PET-CT needed? ")
    assert again == first
    assert reported_case.review.follow_ups.count() == 1
