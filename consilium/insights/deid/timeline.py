"""Dates told as a timeline from one anchor per case, so intervals survive de-identification.

A specialist needs "the CT was 18 days before the biopsy" and "the blood count is three weeks
old", not the dates, which identify a person. Every full date a detector finds is replaced by its
distance from the case's anchor (the day the request was started): "[day −18]". A year alone is
kept (the HIPAA Safe Harbor method allows it and "diabetes since 2015" needs it); a month and year
becomes a month offset. A date of birth is never told relative to anything: that would be the
date of birth again, so it stays "[DATE]" (the age band says what is needed). See docs/DESIGN.md.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from consilium.insights.deid.dates import MINUS, MONTHS, parse_date, relative_label
from consilium.insights.deid.findings import Finding

_BIRTH = re.compile(
    r"(?i)(?:\bd\.?\s?o\.?\s?b\b|date\s+of\s+birth|birth\s*date|\bborn\b|\bdob\b|जन्म)[^\n]{0,25}$"
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_MONTH_YEAR = re.compile(
    r"(?i)(?P<month>[a-z]{3,9})\.?[\s,\-/']*(?P<year>(?:19|20)\d{2}|'?\d{2})|"
    r"(?P<m>\d{1,2})[/\-.](?P<y>(?:19|20)\d{2})"
)


def _signed(offset: int) -> str:
    return f"{MINUS}{-offset}" if offset < 0 else f"+{offset}" if offset > 0 else "0"


def date_marker(*, before: str, text: str, anchor: datetime.date) -> str | None:
    """What replaces a DATE finding: "[day −18]", "[month −3]", the year itself, or None when
    the date must stay masked as "[DATE]" (a date of birth, or nothing we can read)."""
    if _BIRTH.search(before):
        return None
    value = text.strip()
    if _YEAR.fullmatch(value):
        return value
    parsed = parse_date(value, today=anchor)
    if parsed is not None:
        return f"[{relative_label(parsed, anchor)}]"
    month_year = _MONTH_YEAR.fullmatch(value)
    if month_year:
        if month_year["m"]:
            month, year = int(month_year["m"]), int(month_year["y"])
        else:
            word = month_year["month"].lower()[:3]
            if word not in MONTHS:
                return None
            month = MONTHS[word]
            digits = month_year["year"].lstrip("'")
            year = int(digits) if len(digits) == 4 else 2000 + int(digits)
        if not 1 <= month <= 12:
            return None
        offset = (year - anchor.year) * 12 + month - anchor.month
        return "[" + _("month %(offset)s") % {"offset": _signed(offset)} + "]"
    return None


def date_label(*, before: str, text: str, anchor: datetime.date) -> str:
    """The label drawn on a date's black box in a page picture ("day −18"), or ""."""
    marker = date_marker(before=before, text=text, anchor=anchor)
    if marker is None or not marker.startswith("["):
        return ""
    return marker[1:-1]


def redact_with_timeline(
    text: str, findings: Sequence[Finding], *, anchor: datetime.date | None
) -> str:
    """Like `redact`, with dates told from the anchor (plain "[DATE]" without one)."""
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:
            continue
        parts.append(text[position : finding.start])
        marker = None
        if finding.type == "DATE" and anchor is not None:
            line_start = text.rfind("\n", 0, finding.start) + 1
            marker = date_marker(
                before=text[line_start : finding.start], text=finding.text, anchor=anchor
            )
        parts.append(marker if marker is not None else f"[{finding.type}]")
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)
