"""The lead writes the panel's opinion with the agreement recorded; submitting makes the report."""

from __future__ import annotations

from typing import Any

import pytest

from consilium.accounts.models import User
from consilium.cases.models import Case, CaseStatus
from consilium.core.errors import DomainError
from consilium.reports.models import Report
from consilium.review.models import Consolidation, OpinionStatus, Review
from consilium.review.services import consolidation_save, consolidation_submit
from consilium.review.tests.fixtures import (
    accept_all,
    complete_opinion,
    offer,
    panel_agreement,
    write_and_submit,
)


@pytest.fixture
def consolidating(board_case: Case, coordinator: User, tumour_board: list[User]) -> Consolidation:
    seats = offer(board_case, coordinator, tumour_board, lead=tumour_board[1].specialist_profile)
    accept_all(seats)
    for seat in seats:
        write_and_submit(seat)
    return Consolidation.objects.get(review__case=board_case)


def test_the_coordinator_can_choose_the_lead(consolidating: Consolidation,
                                             tumour_board: list[User]) -> None:
    lead = consolidating.review.assignments.get(is_lead=True)
    assert lead.specialist.user == tumour_board[1]


def test_only_the_lead_or_a_coordinator_may_write_the_panels_opinion(
    consolidating: Consolidation, tumour_board: list[User], coordinator: User
) -> None:
    with pytest.raises(DomainError):
        consolidation_save(consolidation=consolidating, actor=tumour_board[0],
                           data={"stage_or_severity": "IIA"})
    consolidation_save(consolidation=consolidating, actor=coordinator,
                       data={"stage_or_severity": "IIA"})
    consolidation_save(consolidation=consolidating, actor=tumour_board[1],
                       data={"agree_stage_or_severity": "agree"})
    consolidating.refresh_from_db()
    assert consolidating.stage_or_severity == "IIA"
    assert consolidating.section_agreement == {"stage_or_severity": "agree"}


def test_submitting_needs_the_level_of_agreement_then_makes_the_signed_report(
    consolidating: Consolidation, tumour_board: list[User], django_capture_on_commit_callbacks: Any
) -> None:
    case = consolidating.review.case
    lead = tumour_board[1]
    consolidation_save(consolidation=consolidating, actor=lead, data=complete_opinion(case))
    with pytest.raises(DomainError, match="level of agreement"):
        consolidation_submit(consolidation=consolidating, actor=lead)
    consolidation_save(consolidation=consolidating, actor=lead,
                       data={"agreement": "majority", "agreement_note": "One prefers mastectomy."})
    with pytest.raises(DomainError, match="every section"):
        consolidation_submit(consolidation=consolidating, actor=lead)
    consolidation_save(consolidation=consolidating, actor=lead, data=panel_agreement("partly"))
    with django_capture_on_commit_callbacks(execute=True):
        consolidation_submit(consolidation=consolidating, actor=lead)
    consolidating.refresh_from_db()
    assert consolidating.status == OpinionStatus.SUBMITTED
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED
    assert Report.objects.filter(case=case).count() == 1
    assert Review.objects.get(case=case).final_assessment == "confirmed"


def test_the_panels_opinion_starts_as_the_leads_own(consolidating: Consolidation) -> None:
    lead = consolidating.review.assignments.get(is_lead=True)
    assert consolidating.recommended_treatment == lead.opinion.recommended_treatment
    assert consolidating.answers == lead.opinion.answers
    assert consolidating.section_agreement == {}
