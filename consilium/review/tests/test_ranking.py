"""The system ranks specialists by fit and says why; ineligible ones are excluded with a reason."""

from __future__ import annotations

from conftest import make_specialist
from consilium.accounts.models import Specialty, User
from consilium.cases.models import Case, MedicalArea
from consilium.cases.tests.conftest import count_queries
from consilium.review.matching import names_match, propose_panel, rank_specialists


def test_the_best_specialty_for_the_area_ranks_first_with_its_reason(
    submitted_case: Case, tumour_board: list[User], other_specialist: User
) -> None:
    ranked = rank_specialists(case=submitted_case)
    assert ranked[0].profile.specialty == Specialty.MEDICAL_ONCOLOGY
    assert "Medical oncology fits cancer" in ranked[0].reason
    cardiology = next(c for c in ranked if c.profile.specialty == Specialty.CARDIOLOGY)
    assert cardiology.score < ranked[2].score


def test_a_matching_sub_specialty_and_the_patients_language_add_to_the_score(
    submitted_case: Case,
) -> None:
    plain = make_specialist("plain@example.com")
    breast = make_specialist("breast@example.com")
    profile = breast.specialist_profile
    profile.sub_specialties = "Breast cancer"
    profile.save()
    ranked = rank_specialists(case=submitted_case, language="hi")
    assert ranked[0].profile == profile
    assert "sub-specialty matches: breast" in ranked[0].reason
    assert "speaks Hindi" in ranked[0].reason
    assert ranked[1].profile == plain.specialist_profile


def test_the_treating_doctor_named_in_the_intake_is_never_proposed(submitted_case: Case) -> None:
    treating = make_specialist("mehta@example.com")
    treating.full_name = "Dr Rakesh Mehta"
    treating.save()
    Case.objects.filter(pk=submitted_case.pk).update(treating_doctor="Dr. R. Mehta")
    submitted_case.refresh_from_db()
    candidate = next(c for c in rank_specialists(case=submitted_case)
                     if c.profile.user == treating)
    assert not candidate.eligible
    assert "treating doctor" in candidate.reason
    assert candidate not in propose_panel(candidates=rank_specialists(case=submitted_case),
                                          seats=3)


def test_specialists_at_capacity_or_not_accepting_are_excluded(submitted_case: Case) -> None:
    full = make_specialist("full@example.com").specialist_profile
    full.capacity = 0
    full.save()
    away = make_specialist("away@example.com").specialist_profile
    away.accepting_cases = False
    away.save()
    ranked = {c.profile: c for c in rank_specialists(case=submitted_case)}
    assert not ranked[full].eligible and "at capacity" in ranked[full].reason
    assert not ranked[away].eligible and "not accepting" in ranked[away].reason


def test_an_unverified_specialist_is_not_ranked(submitted_case: Case) -> None:
    unverified = make_specialist("new@example.com").specialist_profile
    unverified.verified_at = None
    unverified.save()
    assert unverified not in [c.profile for c in rank_specialists(case=submitted_case)]


def test_a_panel_proposal_prefers_different_specialties(
    submitted_case: Case, tumour_board: list[User]
) -> None:
    make_specialist("medonc2@example.com", Specialty.MEDICAL_ONCOLOGY)
    panel = propose_panel(candidates=rank_specialists(case=submitted_case), seats=3)
    assert {c.profile.specialty for c in panel} == {
        Specialty.MEDICAL_ONCOLOGY, Specialty.SURGICAL_ONCOLOGY, Specialty.RADIATION_ONCOLOGY
    }


def test_ranking_costs_one_query_however_many_specialists(submitted_case: Case) -> None:
    make_specialist("a@example.com")
    few = count_queries(lambda: rank_specialists(case=submitted_case))
    for n in range(10):
        make_specialist(f"more{n}@example.com", Specialty.RADIOLOGY)
    assert count_queries(lambda: rank_specialists(case=submitted_case)) == few == 1


def test_names_match_the_way_doctors_are_written() -> None:
    assert names_match("Rakesh Mehta", "Dr. R. Mehta")
    assert names_match("Dr Rakesh Mehta", "MEHTA")
    assert not names_match("Anil Mehta", "Dr Rakesh Mehta")
    assert not names_match("Rakesh Shah", "Rakesh Mehta")


def test_other_areas_rank_their_own_specialty_first(patient: object) -> None:
    from consilium.review.tests.fixtures import submitted

    case = submitted(patient, medical_area=MedicalArea.HEART)  # type: ignore[arg-type]
    make_specialist("onc@example.com")
    heart = make_specialist("heart@example.com", Specialty.CARDIOLOGY)
    assert rank_specialists(case=case)[0].profile == heart.specialist_profile


def test_common_words_shared_with_a_sub_specialty_are_not_a_match(submitted_case: Case) -> None:
    thyroid = make_specialist("thyroid@example.com", Specialty.ENDOCRINOLOGY).specialist_profile
    thyroid.sub_specialties = "Thyroid disorders and thyroid cancer"
    thyroid.save()
    [candidate] = [c for c in rank_specialists(case=submitted_case) if c.profile == thyroid]
    assert "sub-specialty" not in candidate.reason


def test_no_score_goes_above_a_hundred(submitted_case: Case) -> None:
    best = make_specialist("best@example.com").specialist_profile
    best.sub_specialties = "Breast"
    best.languages = "English, Hindi"
    best.years_experience = 40
    best.save()
    assert max(c.score for c in rank_specialists(case=submitted_case, language="hi")) <= 100


def test_a_specialist_who_declined_is_not_proposed_again(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    from consilium.review.models import Review
    from consilium.review.selectors import earlier_offers
    from consilium.review.services import assignment_decline
    from consilium.review.tests.fixtures import offer

    [seat] = offer(submitted_case, coordinator, [specialist])
    assignment_decline(assignment=seat, actor=specialist, reason="Busy this week")
    review = Review.objects.get(case=submitted_case)
    ranked = rank_specialists(case=submitted_case, earlier=earlier_offers(review=review))
    [again] = [c for c in ranked if c.profile == specialist.specialist_profile]
    assert not again.eligible and again.reason == "declined this case"
    import pytest

    from consilium.core.errors import DomainError

    with pytest.raises(DomainError, match="declined this case"):
        offer(submitted_case, coordinator, [specialist])
