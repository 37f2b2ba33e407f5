"""What each row of the work queue and the specialist's inbox shows, worked out once per row in
Python with the fixed labels translated once per page (see `cases.rows`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from consilium.cases.models import CaseStatus
from consilium.cases.rows import Labels, deadline_html, turnaround_of, url_maker
from consilium.review.models import AssignmentStatus


def _when(value: dt.datetime) -> tuple[str, str]:
    """(ISO for `datetime=`, "4 Dec, 14:30"), in the current time zone."""
    local = localtime(value)
    return local.isoformat(), dateformat.format(local, "j M, H:i")


@dataclass
class ReviewLabels(Labels):
    urgent: str = field(default_factory=lambda: gettext("Urgent"))
    lead: str = field(default_factory=lambda: gettext("lead"))
    needs_specialist: str = field(default_factory=lambda: gettext("needs a specialist"))
    not_assigned: str = field(default_factory=lambda: gettext("not assigned"))
    accepted_of: str = field(default_factory=lambda: gettext("%(accepted)s of %(size)s accepted"))
    consolidate: str = field(default_factory=lambda: gettext("Consolidate the panel's opinion"))
    waiting_panel: str = field(
        default_factory=lambda: gettext("Opinion submitted; waiting for the rest of the panel"))
    waiting_report: str = field(
        default_factory=lambda: gettext("Opinion submitted; the report is being prepared"))
    waiting_patient: str = field(
        default_factory=lambda: gettext("Waiting on the patient's information"))
    write: str = field(default_factory=lambda: gettext("Write your opinion"))
    assignment_statuses: dict[str, str] = field(
        default_factory=lambda: {v: str(label) for v, label in AssignmentStatus.choices})


# --- The coordinator's work queue --------------------------------------------------------------


@dataclass(frozen=True)
class WorkRow:
    reference: str
    url: str
    is_urgent: bool
    status: str
    seats: SafeString
    deadline: SafeString


def _seats(case: Any, labels: ReviewLabels) -> SafeString:
    review = getattr(case, "review", None)
    if review is None:
        return format_html('<span class="badge">{}</span>', labels.not_assigned)
    parts = [format_html("{}", labels.accepted_of % {"accepted": case.accepted_seats,
                                                     "size": review.panel_size})]
    if case.offered_seats:
        offers = ngettext("%(n)s offer open", "%(n)s offers open", case.offered_seats)
        parts.append(format_html("<br><small>{}</small>", offers % {"n": case.offered_seats}))
    if case.accepted_seats + case.offered_seats < review.panel_size:
        parts.append(format_html('<br><span class="badge badge-urgent">{}</span>',
                                 labels.needs_specialist))
    return mark_safe("".join(parts))  # noqa: S308 (each part is escaped by format_html)


def work_rows(cases: Any, *, now: dt.datetime, labels: ReviewLabels) -> list[WorkRow]:
    """The work queue's rows (cases with `review`, `turnaround` and their seat counts)."""
    url = url_maker("cases:detail")
    return [
        WorkRow(
            reference=case.reference, url=url(case.public_id), is_urgent=case.is_urgent,
            status=labels.statuses.get(case.status, case.status),
            seats=_seats(case, labels),
            deadline=deadline_html(turnaround_of(case), now=now, labels=labels),
        )
        for case in cases
    ]


# --- The specialist's inbox --------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    code: str
    url: str
    badges: SafeString
    area: str = ""
    respond_iso: str = ""
    respond_at: str = ""
    part: SafeString = field(default_factory=lambda: mark_safe(""))  # noqa: S308
    deadline: SafeString = field(default_factory=lambda: mark_safe(""))  # noqa: S308


def _badges(labels: ReviewLabels, *, lead: bool, urgent: bool) -> SafeString:
    shown = [("badge", labels.lead)] if lead else []
    if urgent:
        shown.append(("badge badge-urgent", labels.urgent))
    return format_html_join("", ' <span class="{}">{}</span>', shown)


def offered_rows(assignments: Any, *, labels: ReviewLabels) -> list[InboxRow]:
    url = url_maker("review:assignment")
    rows = []
    for a in assignments:
        review, case = a.review, a.review.case
        iso, shown = _when(a.respond_by)
        rows.append(InboxRow(
            code=review.code, url=url(a.public_id),
            badges=_badges(labels, lead=a.is_lead and review.is_panel, urgent=case.is_urgent),
            area=labels.areas.get(case.medical_area, "") or "—",
            respond_iso=iso, respond_at=shown,
        ))
    return rows


def _part(a: Any, labels: ReviewLabels) -> SafeString:
    review, case = a.review, a.review.case
    opinion = getattr(a, "opinion", None)
    if opinion is not None and opinion.status == "submitted":
        if a.is_lead and case.status == CaseStatus.CONSOLIDATION:
            return format_html('<a href="{}">{}</a>',
                               reverse("review:panel", args=[review.public_id]),
                               labels.consolidate)
        return format_html("{}", labels.waiting_panel if review.is_panel else labels.waiting_report)
    if case.status == CaseStatus.AWAITING_INFO:
        return format_html("{}", labels.waiting_patient)
    return format_html("{}", labels.write)


def active_rows(assignments: Any, *, now: dt.datetime, labels: ReviewLabels) -> list[InboxRow]:
    url = url_maker("review:assignment")
    return [
        InboxRow(
            code=a.review.code, url=url(a.public_id),
            badges=_badges(labels, lead=False, urgent=a.review.case.is_urgent),
            part=_part(a, labels),
            deadline=deadline_html(turnaround_of(a.review.case), now=now, labels=labels),
        )
        for a in assignments
    ]
