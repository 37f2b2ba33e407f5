"""What each row of the case lists shows, worked out in Python once per row, with every fixed
label translated once per page.

The lists (the triage queue, the work queue, the specialist's inbox) used to compute these in
the template: a per-row include for the deadline, `{% translate %}` and `{% blocktranslate %}`
inside the loop, `get_FOO_display` and a `reverse()` per row. Measured with bench/pages.py that
was most of the page's time (about 500 `gettext` calls for 25 rows). A `Labels` is made once per
request; rows only look strings up in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from consilium.cases.models import CaseStatus, MedicalArea, Turnaround
from consilium.patients.models import Sex

_NO_ID = UUID(int=0)


def url_maker(name: str) -> Callable[[UUID], str]:
    """`public_id -> URL` for a route with one `public_id`: reversed once, then filled in (a
    `reverse()` per row costs more than the rest of the row)."""
    template = reverse(name, kwargs={"public_id": _NO_ID})
    return lambda public_id: template.replace(str(_NO_ID), str(public_id))


@dataclass
class Labels:
    """The lists' fixed words in the request's language, translated once."""

    areas: dict[str, str] = field(
        default_factory=lambda: {value: str(label) for value, label in MedicalArea.choices}
    )
    statuses: dict[str, str] = field(
        default_factory=lambda: {value: str(label) for value, label in CaseStatus.choices}
    )
    sexes: dict[str, str] = field(
        default_factory=lambda: {value: str(label) for value, label in Sex.choices}
    )
    delivered: str = field(default_factory=lambda: gettext("delivered"))
    paused: str = field(default_factory=lambda: gettext("paused: waiting on the patient"))
    past_limit: str = field(default_factory=lambda: gettext("past the limit"))
    late: str = field(default_factory=lambda: gettext("late: limit in %(left)s"))
    due: str = field(default_factory=lambda: gettext("due in %(left)s"))
    not_started: str = field(default_factory=lambda: gettext("clock not started"))
    ago: str = field(default_factory=lambda: gettext("%(since)s ago"))
    _years: dict[int, str] = field(default_factory=dict)

    def years(self, n: int) -> str:
        if n not in self._years:
            self._years[n] = ngettext("%(years)s year", "%(years)s years", n) % {"years": n}
        return self._years[n]


def turnaround_of(case: Any) -> Turnaround | None:
    """The case's clock, or None before the first assignment."""
    try:
        clock: Turnaround = case.turnaround
    except Turnaround.DoesNotExist:
        return None
    return clock


def deadline_html(clock: Turnaround | None, *, now: dt.datetime, labels: Labels) -> SafeString:
    """The clock's state as `review/_deadline.html` shows it (delivered, paused, past the limit,
    late, or due in so long)."""
    if clock is None:
        return format_html("{}", labels.not_started)
    if clock.stopped_at:
        return format_html("{}", labels.delivered)
    if clock.paused_at:
        return format_html('<span class="badge">{}</span>', labels.paused)
    if clock.limit_at < now:
        return format_html('<span class="badge badge-urgent">{}</span>', labels.past_limit)
    if clock.target_at < now:
        return format_html('<span class="badge badge-urgent">{}</span>',
                           labels.late % {"left": timeuntil(clock.limit_at, now)})
    return format_html('<time datetime="{}">{}</time>', localtime(clock.target_at).isoformat(),
                       labels.due % {"left": timeuntil(clock.target_at, now)})


@dataclass(frozen=True)
class QueueRow:
    """One case of the triage queue."""

    reference: str
    url: str
    is_urgent: bool
    area: str
    patient: str
    submitted_iso: str
    submitted_ago: str
    document_count: int
    deadline: SafeString


def queue_rows(cases: Any, *, today: dt.date, now: dt.datetime, labels: Labels) -> list[QueueRow]:
    """The triage queue's rows (cases with `patient`, `turnaround` and `document_count`)."""
    url = url_maker("cases:detail")
    rows = []
    for case in cases:
        patient = case.patient
        years = patient.age_on(today)
        submitted = case.submitted_at
        rows.append(QueueRow(
            reference=case.reference,
            url=url(case.public_id),
            is_urgent=case.is_urgent,
            area=labels.areas.get(case.medical_area, "") or "—",
            patient=(labels.years(years) if years is not None else "—") + " · "
            + (labels.sexes.get(patient.sex, "") or "—"),
            submitted_iso=localtime(submitted).isoformat() if submitted else "",
            submitted_ago=labels.ago % {"since": timesince(submitted, now)} if submitted else "",
            document_count=case.document_count,
            deadline=deadline_html(turnaround_of(case), now=now, labels=labels),
        ))
    return rows


@dataclass(frozen=True)
class RecordRow:
    """One case of the account holder's record ("My cases")."""

    reference: str
    url: str
    is_urgent: bool
    status: str
    area: str
    started: str
    sent: str
    continue_url: str
    continue_label: str


def record_rows(cases: Any, *, labels: Labels) -> list[RecordRow]:
    """Rows for (case, next step or None) pairs: a draft's next step says where it continues."""
    url = url_maker("cases:detail")
    rows = []
    for case, next_step in cases:
        draft = case.status == CaseStatus.DRAFT and next_step is not None and next_step.url
        rows.append(RecordRow(
            reference=case.reference, url=url(case.public_id), is_urgent=case.is_urgent,
            status=labels.statuses.get(case.status, case.status),
            area=labels.areas.get(case.medical_area, "") or "—",
            started=dateformat.format(localtime(case.created_at), "j M Y"),
            sent=dateformat.format(localtime(case.submitted_at), "j M Y")
            if case.submitted_at else "",
            continue_url=next_step.url if draft else "",
            continue_label=next_step.label if draft else "",
        ))
    return rows
