"""The free slots of a specialist: their weekly hours in their own time zone, plus extra hours,
minus time off, bookings and what is too soon, cut into slots of a set length (all in UTC)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from consilium.accounts.models import SpecialistProfile
from consilium.consultations.models import (
    Consultation,
    ConsultationStatus,
    ExceptionKind,
    HoursException,
    WeeklyHours,
)


def slot_length() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CONSULTATION_SLOT_MINUTES)


@dataclass(frozen=True)
class Slot:
    specialist: SpecialistProfile
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def key(self) -> str:
        """What a booking form posts for this slot."""
        return f"{self.specialist.public_id}|{self.starts_at.astimezone(dt.UTC).isoformat()}"


def _wall_clock(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime | None:
    """`at` on `day` in `zone` as a UTC moment, or None for a time the clocks skip (spring
    forward); an ambiguous time (autumn) is taken the first time it happens."""
    local = dt.datetime.combine(day, at, tzinfo=zone)
    moment = local.astimezone(dt.UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment


def _cut(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    length = slot_length()
    pieces = []
    while start + length <= end:
        pieces.append((start, start + length))
        start += length
    return pieces


def weekly_intervals(
    hours: list[WeeklyHours], since: dt.datetime, until: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The UTC intervals the weekly rules give between two moments."""
    intervals = []
    for rule in hours:
        zone = ZoneInfo(rule.time_zone)
        day = since.astimezone(zone).date() - dt.timedelta(days=1)
        last = until.astimezone(zone).date()
        while day <= last:
            if day.weekday() == rule.weekday:
                start = _wall_clock(day, rule.starts, zone)
                end = _wall_clock(day, rule.ends, zone)
                if start is not None and end is not None and end > start:
                    intervals.append((start, end))
            day += dt.timedelta(days=1)
    return intervals


def free_slots(
    *, specialist: SpecialistProfile, since: dt.datetime | None = None,
    until: dt.datetime | None = None, ignore: Consultation | None = None,
) -> list[Slot]:
    """Slots of `specialist` that may be booked now, earliest first. `ignore` is a booking being
    moved: its own slot does not count as taken."""
    now = timezone.now()
    earliest = now + dt.timedelta(hours=settings.CONSULTATION_NOTICE_HOURS)
    since = max(since or earliest, earliest)
    horizon = now + dt.timedelta(days=settings.CONSULTATION_BOOKING_DAYS)
    until = min(until or horizon, horizon)
    if until <= since:
        return []
    hours = list(WeeklyHours.objects.filter(specialist=specialist))
    exceptions = list(HoursException.objects.filter(
        specialist=specialist, ends_at__gt=since - dt.timedelta(days=1), starts_at__lt=until
    ))
    taken_rows = Consultation.objects.filter(
        specialist=specialist, status=ConsultationStatus.BOOKED,
        starts_at__gte=since - dt.timedelta(days=1), starts_at__lt=until,
    )
    if ignore is not None:
        taken_rows = taken_rows.exclude(pk=ignore.pk)
    taken = [(c.starts_at, c.ends_at) for c in taken_rows]
    off = [(e.starts_at, e.ends_at) for e in exceptions if e.kind == ExceptionKind.DAY_OFF]
    intervals = weekly_intervals(hours, since, until) + [
        (e.starts_at, e.ends_at) for e in exceptions if e.kind == ExceptionKind.EXTRA
    ]
    starts: dict[dt.datetime, dt.datetime] = {}
    for start, end in intervals:
        for piece_start, piece_end in _cut(start, end):
            starts.setdefault(piece_start, piece_end)
    slots = []
    for start, end in sorted(starts.items()):
        if start < since or end > until:
            continue
        if any(start < b_end and b_start < end for b_start, b_end in off + taken):
            continue
        slots.append(Slot(specialist=specialist, starts_at=start, ends_at=end))
    return slots


def slot_is_free(*, specialist: SpecialistProfile, starts_at: dt.datetime,
                 ignore: Consultation | None = None) -> Slot | None:
    """The free slot that starts at `starts_at`, or None."""
    for slot in free_slots(specialist=specialist, since=starts_at - dt.timedelta(minutes=1),
                           until=starts_at + slot_length() + dt.timedelta(minutes=1),
                           ignore=ignore):
        if slot.starts_at == starts_at:
            return slot
    return None
