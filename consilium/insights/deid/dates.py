"""Dates as reports print them, read into dates, and told relative to one anchor date.

`parse_date` reads one printed date in the styles Indian reports use, day first ("14/03/2024",
"14-Mar-2024", "2024-03-14 10:42", "14.03.24", "14th March 2024", "March 14, 2024"); a time after
it is ignored. `relative_label` says where a date lies from the case's anchor date ("day −18",
"day +3"), so a specialist reads intervals without the dates that identify.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_WORD = (
    r"(?P<month_word>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4}|\d{2})"
# What may follow a date on the same field: a time ("10:42", "08:12 AM", "T10:42:00Z").
_TIME = r"(?:[\sT,]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?i:[ap]\.?m\.?|hrs?|z)?)?"
_END = rf"{_TIME}[\s.,;)]*$"
PATTERNS = (
    # 2024-03-14, 2024/03/14
    re.compile(rf"(?P<year>\d{{4}})[-/.](?P<month>\d{{1,2}})[-/.](?P<day>\d{{1,2}}){_END}"),
    # 14/03/2024, 14-03-24, 14.03.24 (day first, as in India)
    re.compile(rf"(?P<day>\d{{1,2}})(?P<sep>[-/.])(?P<month>\d{{1,2}})(?P=sep){_YEAR}{_END}"),
    # 14-Mar-2024, 14th March 2024, 14 Mar 24, 14th of March, 2024
    re.compile(rf"{_DAY}[\s\-/.]*(?:of\s+)?{_MONTH_WORD}[\s\-/.,]*{_YEAR}{_END}", re.IGNORECASE),
    # March 14, 2024; Mar 14th 2024; Mar-14-2024
    re.compile(rf"{_MONTH_WORD}[\s\-/.]*{_DAY}[\s\-/.,]+{_YEAR}{_END}", re.IGNORECASE),
)
MINUS = "\u2212"


def _full_year(year: str, today: datetime.date) -> int:
    """A two-digit year is the latest year ending so that is not more than a year ahead:
    "24" is 2024, "54" (a date of birth) 1954."""
    if len(year) == 4:
        return int(year)
    candidate = today.year // 100 * 100 + int(year)
    return candidate - 100 if candidate > today.year + 1 else candidate


def parse_date(text: str, *, today: datetime.date | None = None) -> datetime.date | None:
    """The date one printed field holds, or None when it holds no whole, valid date."""
    value = text.strip()
    today = today or timezone.localdate()
    for pattern in PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        parts = match.groupdict()
        if parts.get("month_word"):
            month = MONTHS[parts["month_word"].lower()[:3]]
        else:
            month = int(parts["month"])
        day = int(parts["day"])
        year = _full_year(parts["year"], today)
        # Day first; a date that can only be month first ("03/14/2024") is read that way.
        candidates = [(day, month)]
        if parts.get("sep") and month > 12:
            candidates.append((month, day))
        for d, m in candidates:
            try:
                return datetime.date(year, m, d)
            except ValueError:
                continue
        return None
    return None


def relative_label(date: datetime.date, anchor: datetime.date) -> str:
    """Where date lies from the anchor, in days: "day −18", "day 0", "day +3"."""
    offset = (date - anchor).days
    signed = f"{MINUS}{-offset}" if offset < 0 else f"+{offset}" if offset > 0 else "0"
    return gettext("day %(offset)s") % {"offset": signed}
