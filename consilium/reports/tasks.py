"""Background work on reports. Thin: load by id, call a service."""

from __future__ import annotations

from django_tasks import task

from consilium.cases.models import Case
from consilium.reports.services import report_issue
from consilium.review.models import FollowUp


@task()
def report_issue_task(*, case_id: int, kind: str, follow_up_id: int | None = None) -> None:
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    follow_up = FollowUp.objects.filter(pk=follow_up_id).first() if follow_up_id else None
    report_issue(case=case, kind=kind, follow_up=follow_up)
