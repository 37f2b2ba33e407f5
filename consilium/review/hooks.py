"""What the reports app does for the review, registered explicitly from ReportsConfig.ready().

Reports are written from the review (reports imports review), so the review never imports
reports: when the opinions are complete it asks for a report through `report_due`, and its case
panels list a case's reports through `reports_of_case`. `missing()` names what is unregistered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from consilium.cases.models import Case

# (case id, kind "opinion" or "addendum", follow-up id): queue the report's making.
ReportDue = Callable[[int, str, int | None], None]
# The versions of a case's report, newest first.
ReportsOf = Callable[[Case], list[Any]]

_report_due: list[ReportDue] = []
_reports_of: list[ReportsOf] = []


def on_report_due(handler: ReportDue) -> None:
    if handler not in _report_due:
        _report_due.append(handler)


def on_reports_lookup(handler: ReportsOf) -> None:
    if handler not in _reports_of:
        _reports_of.append(handler)


def missing() -> list[str]:
    return [name for name, handlers in (("report_due", _report_due), ("reports_of", _reports_of))
            if not handlers]


def report_due(case_id: int, kind: str, follow_up_id: int | None) -> None:
    for handler in _report_due:
        handler(case_id, kind, follow_up_id)


def reports_of_case(case: Case) -> list[Any]:
    return [report for lookup in _reports_of for report in lookup(case)]
