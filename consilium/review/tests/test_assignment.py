"""Offering seats, the specialists' answers, expiry and withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consilium.accounts.models import User
from consilium.cases.models import Case, CaseStatus, Turnaround
from consilium.core.errors import DomainError
from consilium.notifications.models import Notification, OutboxMessage
from consilium.review.models import AssignmentStatus, Review
from consilium.review.services import (
    assignment_accept,
    assignment_decline,
    assignment_expire_due,
    assignment_withdraw,
)
from consilium.review.tests.fixtures import accept_all, offer


def test_offering_a_case_starts_the_clock_and_emails_the_specialist_without_the_patients_name(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [assignment] = offer(submitted_case, coordinator, [specialist])
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.ASSIGNED
    clock = Turnaround.objects.get(case=submitted_case)
    assert clock.limit_at - clock.started_at == dt.timedelta(hours=120)
    assert clock.target_at - clock.started_at == dt.timedelta(hours=72)
    email = OutboxMessage.objects.get(recipient=specialist)
    review = Review.objects.get(case=submitted_case)
    assert review.code in email.subject
    for identifier in ("Asha", "Verma", submitted_case.reference, "9876543210"):
        assert identifier not in email.subject + email.body_text
    assert assignment.is_lead and assignment.position == 1


def test_the_review_starts_when_every_seat_is_accepted(
    board_case: Case, coordinator: User, tumour_board: list[User]
) -> None:
    seats = offer(board_case, coordinator, tumour_board)
    accept_all(seats[:2])
    board_case.refresh_from_db()
    assert board_case.status == CaseStatus.ASSIGNED
    accept_all(seats[2:])
    board_case.refresh_from_db()
    assert board_case.status == CaseStatus.IN_REVIEW


def test_a_decline_needs_a_reason_and_gives_the_seat_back_to_the_coordinators(
    submitted_case: Case, coordinators: list[User], specialist: User, other_specialist: User
) -> None:
    [assignment] = offer(submitted_case, coordinators[0], [specialist])
    with pytest.raises(DomainError):
        assignment_decline(assignment=assignment, actor=specialist, reason=" ")
    assignment_decline(assignment=assignment, actor=specialist, reason="Outside my field")
    told = Notification.objects.filter(user__in=coordinators, message__contains="seat 1")
    assert told.count() == 2
    [again] = offer(submitted_case, coordinators[0], [other_specialist])
    assert again.position == 1


def test_only_the_offered_specialist_can_answer(
    submitted_case: Case, coordinator: User, specialist: User, other_specialist: User
) -> None:
    [assignment] = offer(submitted_case, coordinator, [specialist])
    with pytest.raises(DomainError):
        assignment_accept(assignment=assignment, actor=other_specialist)
    with pytest.raises(DomainError):
        assignment_decline(assignment=assignment, actor=other_specialist, reason="Busy")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.OFFERED


def test_an_offer_not_answered_in_time_expires_once_and_goes_back_for_reassignment(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [assignment] = offer(submitted_case, coordinator, [specialist])
    later = timezone.now() + dt.timedelta(hours=25)
    assert assignment_expire_due(now=timezone.now()) == 0
    assert assignment_expire_due(now=later) == 1
    assert assignment_expire_due(now=later) == 0
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.EXPIRED
    assert Notification.objects.filter(user=coordinator, message__contains="not answered").exists()


def test_a_withdrawn_seat_is_offered_again_and_the_case_waits_for_it(
    submitted_case: Case, coordinator: User, specialist: User, other_specialist: User
) -> None:
    [assignment] = offer(submitted_case, coordinator, [specialist])
    accept_all([assignment])
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.IN_REVIEW
    assignment_withdraw(assignment=assignment, actor=coordinator)
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.ASSIGNED
    [replacement] = offer(submitted_case, coordinator, [other_specialist])
    accept_all([replacement])
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.IN_REVIEW


def test_the_panel_size_follows_the_review_type(
    submitted_case: Case, board_case: Case, coordinator: User, tumour_board: list[User]
) -> None:
    with pytest.raises(DomainError, match="seat"):
        offer(submitted_case, coordinator, tumour_board[:2])
    offer(board_case, coordinator, tumour_board[:1])
    assert Review.objects.get(case=board_case).panel_size == 3


def test_let_the_platform_choose_needs_the_coordinator_to_set_the_size(
    patient: object, coordinator: User, tumour_board: list[User]
) -> None:
    from consilium.review.tests.fixtures import submitted

    case = submitted(patient, "platform")  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="how many"):
        offer(case, coordinator, tumour_board[:2])
    offer(case, coordinator, tumour_board[:2], panel_size=2)
    assert Review.objects.get(case=case).panel_size == 2


def test_a_specialist_cannot_hold_two_seats_or_be_offered_a_draft(
    board_case: Case, coordinator: User, tumour_board: list[User], patient: object
) -> None:
    with pytest.raises(DomainError):
        offer(board_case, coordinator, [tumour_board[0], tumour_board[0]])
    offer(board_case, coordinator, [tumour_board[0]])
    with pytest.raises(DomainError, match="already on this case"):
        offer(board_case, coordinator, [tumour_board[0]])
    from consilium.cases.services import case_create

    draft = case_create(patient=patient, actor=patient.holder)  # type: ignore[attr-defined]
    with pytest.raises(DomainError):
        offer(draft, coordinator, [tumour_board[1]])


def test_a_patient_never_receives_the_specialists_offer_email(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    offer(submitted_case, coordinator, [specialist])
    holder = submitted_case.patient.holder
    assert OutboxMessage.objects.filter(subject__contains="offered").count() == 1
    assert not OutboxMessage.objects.filter(to=holder.email, subject__contains="offered").exists()


def test_a_withdrawn_specialist_is_told(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    assignment_withdraw(assignment=seat, actor=coordinator)
    assert OutboxMessage.objects.filter(recipient=specialist,
                                        subject__contains="was withdrawn from you").exists()


def test_the_lead_cannot_change_once_the_panel_has_consolidated(
    board_case: Case, coordinator: User, tumour_board: list[User]
) -> None:
    from consilium.review.services import assignment_make_lead
    from consilium.review.tests.fixtures import write_and_submit

    seats = offer(board_case, coordinator, tumour_board)
    accept_all(seats)
    assignment_make_lead(assignment=seats[1], actor=coordinator)
    for seat in seats:
        write_and_submit(seat)
    with pytest.raises(DomainError, match="before the panel"):
        assignment_make_lead(assignment=seats[2], actor=coordinator)


def test_coordinators_hear_of_each_new_request(patient: object, coordinators: list[User]) -> None:
    from consilium.review.tests.fixtures import submitted

    case = submitted(patient)  # type: ignore[arg-type]
    assert Notification.objects.filter(
        user__in=coordinators, message__contains=case.reference).count() == 2
