"""Independent opinions: drafts save, submitting locks, and the last one moves the case on."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from consilium.accounts.models import User
from consilium.cases.models import Case, CaseStatus
from consilium.core.errors import DomainError
from consilium.reports.models import Report
from consilium.review.models import Opinion, OpinionStatus, Review
from consilium.review.selectors import panel_view, section_agreement
from consilium.review.services import opinion_save, opinion_submit
from consilium.review.tests.fixtures import accept_all, complete_opinion, offer, write_and_submit


def test_a_draft_saves_only_the_fields_sent_and_keeps_the_rest(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    opinion = Opinion.objects.get(assignment=seat)
    opinion_save(opinion=opinion, actor=specialist, data={"stage_or_severity": "IIA"})
    opinion_save(opinion=opinion, actor=specialist, data={"answer_1": "Yes, surgery first."})
    opinion.refresh_from_db()
    assert opinion.stage_or_severity == "IIA"
    assert opinion.answers == {"1": "Yes, surgery first."}
    assert opinion.status == OpinionStatus.DRAFT


def test_submitting_lists_everything_missing_and_changes_nothing(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    opinion = Opinion.objects.get(assignment=seat)
    with pytest.raises(DomainError) as error:
        opinion_submit(opinion=opinion, actor=specialist)
    assert "confirmed, refined or changed" in error.value.message
    assert "question 1" in error.value.message
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.DRAFT


def test_a_submitted_opinion_is_locked(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    opinion = write_and_submit(seat)
    with pytest.raises(DomainError, match="can no longer be changed"):
        opinion_save(opinion=opinion, actor=specialist, data={"stage_or_severity": "IV"})


def test_another_specialist_cannot_write_into_someone_elses_opinion(
    submitted_case: Case, coordinator: User, specialist: User, other_specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    opinion = Opinion.objects.get(assignment=seat)
    with pytest.raises(DomainError):
        opinion_save(opinion=opinion, actor=other_specialist, data={"stage_or_severity": "IV"})


def test_a_single_specialists_opinion_becomes_the_signed_report(
    submitted_case: Case, coordinator: User, specialist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    with django_capture_on_commit_callbacks(execute=True):
        write_and_submit(seat)
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.REPORTED
    report = Report.objects.get(case=submitted_case)
    assert report.version == 1
    review = Review.objects.get(case=submitted_case)
    assert review.final_assessment == "confirmed"
    assert submitted_case.turnaround.stopped_at is not None


def test_panel_members_cannot_see_each_others_opinions_before_all_are_in(
    board_case: Case, coordinator: User, tumour_board: list[User]
) -> None:
    seats = offer(board_case, coordinator, tumour_board)
    accept_all(seats)
    review = Review.objects.get(case=board_case)
    write_and_submit(seats[1])
    lead = next(s for s in seats if s.is_lead).specialist.user
    for user in tumour_board:
        with pytest.raises(Http404):
            panel_view(user=user, review_public_id=review.public_id)
    write_and_submit(seats[0])
    write_and_submit(seats[2], assessment="refined", recommended_treatment="Something else.")
    board_case.refresh_from_db()
    assert board_case.status == CaseStatus.CONSOLIDATION
    view = panel_view(user=lead, review_public_id=review.public_id)
    assert len(view.opinions) == 3
    member = next(s for s in seats if not s.is_lead).specialist.user
    with pytest.raises(Http404):
        panel_view(user=member, review_public_id=review.public_id)
    assert not Report.objects.filter(case=board_case).exists()


def test_the_agreement_proposal_compares_choices_and_words() -> None:
    same = Opinion(assessment="confirmed", recommended_treatment="surgery then radiotherapy")
    also = Opinion(assessment="confirmed", recommended_treatment="surgery then radiotherapy")
    other = Opinion(assessment="changed", recommended_treatment="chemotherapy first")
    assert section_agreement(opinions=[same, also])["assessment"] == "agree"
    assert section_agreement(opinions=[same, also])["recommended_treatment"] == "agree"
    proposal = section_agreement(opinions=[same, also, other])
    assert proposal["assessment"] == "partly"
    assert proposal["recommended_treatment"] == "differ"


def test_complete_opinion_helper_answers_every_question(submitted_case: Case) -> None:
    assert "answer_1" in complete_opinion(submitted_case)
