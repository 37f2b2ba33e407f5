"""Who may read which report: the case's account holder and coordinators. Specialists never
(the report names the patient)."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases.models import Case
from consilium.reports.actions import ReportAction
from consilium.reports.models import Report


def reports_of_case(*, case: Case) -> list[Report]:
    """The versions of a case's report, newest first (the caller may see the case)."""
    return list(Report.objects.filter(case=case).order_by("-version"))


def report_get(
    *, user: User | AnonymousUser, public_id: UUID | str,
    action: StrEnum = ReportAction.REPORT_VIEW,
    holder_only: bool = False,
) -> Report:
    """A report the user may read (with `holder_only`, only the case's account holder), or 404;
    writes an audit event once the read is allowed."""
    if not user.is_authenticated or user.is_specialist:
        raise Http404
    queryset = Report.objects.select_related("case__patient__holder")
    if holder_only or not user.is_coordinator:
        queryset = queryset.filter(case__patient__holder=user)
    try:
        report = queryset.get(public_id=public_id)
    except (Report.DoesNotExist, ValueError):
        raise Http404 from None
    record(actor=user, action=action, target=report.case,
           detail={"report": str(report.public_id)})
    return report
