"""The clock: reminders before the target, escalation at it, and at the limit exactly one refund,
none when the patient's wait for information has pushed the limit on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from consilium.accounts.models import User
from consilium.billing.models import Payment, PaymentStatus
from consilium.cases.models import Case, Turnaround
from consilium.cases.services import information_request_answer, information_request_create
from consilium.cases.turnaround import turnaround_sweep
from consilium.notifications.models import OutboxMessage
from consilium.review.tests.fixtures import accept_all, offer

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def running(submitted_case: Case, coordinator: User, specialist: User) -> Turnaround:
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    return Turnaround.objects.get(case=submitted_case)


def refunds(case: Case) -> int:
    return Payment.objects.filter(case=case, status__in=[
        PaymentStatus.REFUNDED, PaymentStatus.REFUND_PENDING]).count()


def test_past_the_limit_the_patient_is_refunded_once_and_gets_an_apology(
    running: Turnaround,
) -> None:
    case = running.case
    assert turnaround_sweep(now=running.started_at + 100 * HOUR).breached == []
    first = turnaround_sweep(now=running.started_at + 121 * HOUR)
    second = turnaround_sweep(now=running.started_at + 130 * HOUR)
    assert len(first.breached) == 1 and second.breached == []
    assert refunds(case) == 1
    # The offline provider marks the refund for a coordinator to transfer back.
    assert Payment.objects.get(case=case).status == PaymentStatus.REFUND_PENDING
    apology = OutboxMessage.objects.get(dedupe_key=f"turnaround-breached:{case.public_id}")
    assert "sorry" in apology.body_text
    assert apology.to == case.patient.holder.email


def test_a_pause_long_enough_for_information_means_no_refund(
    running: Turnaround, coordinator: User
) -> None:
    case = running.case
    start = running.started_at
    request = information_request_create(case=case, actor=coordinator, message="Send the CT.")
    Turnaround.objects.filter(pk=running.pk).update(paused_at=start + 10 * HOUR)
    # While paused, even far past the original limit, nothing happens.
    assert turnaround_sweep(now=start + 200 * HOUR).breached == []
    # The patient answered after a 100-hour wait: the limit moves from 120 h to 220 h.
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=start + 110 * HOUR):
        information_request_answer(request=request, actor=case.patient.holder, answer="Sent.")
    running.refresh_from_db()
    assert running.limit_at == start + 220 * HOUR
    assert turnaround_sweep(now=start + 210 * HOUR).breached == []
    assert refunds(case) == 0


def test_a_short_pause_only_delays_the_refund(running: Turnaround, coordinator: User) -> None:
    case = running.case
    start = running.started_at
    request = information_request_create(case=case, actor=coordinator, message="Send the CT.")
    Turnaround.objects.filter(pk=running.pk).update(paused_at=start + 10 * HOUR)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=start + 15 * HOUR):
        information_request_answer(request=request, actor=case.patient.holder, answer="Sent.")
    assert turnaround_sweep(now=start + 123 * HOUR).breached == []
    assert len(turnaround_sweep(now=start + 126 * HOUR).breached) == 1
    assert refunds(case) == 1


def test_reminders_and_escalation_happen_once_each(
    running: Turnaround, coordinators: list[User], specialist: User
) -> None:
    start = running.started_at
    assert turnaround_sweep(now=start + 10 * HOUR).reminded == []
    assert len(turnaround_sweep(now=start + 49 * HOUR).reminded) == 1
    assert turnaround_sweep(now=start + 50 * HOUR).reminded == []
    reminders = OutboxMessage.objects.filter(recipient=specialist, subject__startswith="Reminder")
    assert reminders.count() == 1
    assert len(turnaround_sweep(now=start + 73 * HOUR).escalated) == 1
    assert turnaround_sweep(now=start + 80 * HOUR).escalated == []
    assert OutboxMessage.objects.filter(subject__startswith="Target time passed").count() == 2


def test_a_delivered_opinion_stops_the_clock_before_the_limit(
    running: Turnaround, django_capture_on_commit_callbacks: Any
) -> None:
    from consilium.review.models import Assignment
    from consilium.review.tests.fixtures import write_and_submit

    with django_capture_on_commit_callbacks(execute=True):
        write_and_submit(Assignment.objects.get(review__case=running.case))
    running.refresh_from_db()
    assert running.stopped_at is not None
    assert turnaround_sweep(now=timezone.now() + 500 * HOUR).breached == []
    assert refunds(running.case) == 0
