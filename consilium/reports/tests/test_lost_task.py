"""A report whose task was lost is made by the scheduler's sweep, once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from consilium.accounts.models import User
from consilium.cases.models import Case, CaseStatus
from consilium.reports.models import Report
from consilium.reports.services import reports_issue_due
from consilium.review.services import follow_up_answer, follow_up_ask
from consilium.review.tests.fixtures import accept_all, offer, write_and_submit


def test_the_sweep_makes_a_report_whose_task_never_ran(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    write_and_submit(seat)  # the on-commit task is never run here: as if the queue lost it
    assert not Report.objects.filter(case=submitted_case).exists()
    assert reports_issue_due(now=timezone.now()) == 0  # too soon: the task may still come
    later = timezone.now() + dt.timedelta(minutes=5)
    assert reports_issue_due(now=later) == 1
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.REPORTED
    assert reports_issue_due(now=later) == 0


def test_the_sweep_makes_a_lost_addendum(reported_case: Case, specialist: User) -> None:
    follow_up = follow_up_ask(case=reported_case, actor=reported_case.patient.holder,
                              question="When do I start?")
    follow_up_answer(follow_up=follow_up, actor=specialist, answer="Next month.")
    later = timezone.now() + dt.timedelta(minutes=5)
    assert reports_issue_due(now=later) == 1
    assert Report.objects.filter(case=reported_case).count() == 2
    assert reports_issue_due(now=later) == 0
