"""Hours for the shared specialist persona, and a helper to read the .ics an email carries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar

from consilium.accounts.models import User
from consilium.consultations.models import WeeklyHours


def every_day(specialist: User, starts: str = "08:00", ends: str = "20:00",
              zone: str = "Asia/Kolkata") -> None:
    for weekday in range(7):
        WeeklyHours.objects.create(
            specialist=specialist.specialist_profile, weekday=weekday,
            starts=dt.time.fromisoformat(starts), ends=dt.time.fromisoformat(ends), time_zone=zone,
        )


@pytest.fixture
def specialist_hours(specialist: User) -> User:
    """The specialist takes calls every day from 08:00 to 20:00 India time."""
    every_day(specialist)
    return specialist


def ics_of(message: Any) -> Calendar:
    """The calendar attached to a Django or a stdlib email message."""
    if hasattr(message, "attachments"):
        [(name, content, mimetype)] = message.attachments
        assert name.endswith(".ics") and mimetype == "text/calendar"
        data = content.encode() if isinstance(content, str) else content
    else:
        [part] = [p for p in message.walk() if p.get_filename()]
        assert part.get_content_type() == "text/calendar"
        data = part.get_payload(decode=True)
    return Calendar.from_ical(data)
