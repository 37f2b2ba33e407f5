"""Free slots come from the specialist's weekly hours in their own time zone, plus extra hours,
minus time off, bookings and what is too soon."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from consilium.accounts.models import User
from consilium.consultations.models import ExceptionKind, HoursException, WeeklyHours
from consilium.consultations.services import exception_add, hours_add
from consilium.consultations.slots import free_slots, weekly_intervals
from consilium.core.errors import DomainError

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _rule(specialist: User, weekday: int, starts: str, ends: str, zone: str) -> WeeklyHours:
    return hours_add(actor=specialist, weekday=weekday, starts=dt.time.fromisoformat(starts),
                     ends=dt.time.fromisoformat(ends), time_zone=zone)


def test_weekly_hours_in_london_keep_their_wall_clock_across_the_change_to_summer_time(
    specialist: User,
) -> None:
    rule = _rule(specialist, 0, "09:00", "10:00", "Europe/London")  # Mondays
    # 22 March 2027 is before the clocks go forward (28 March), 29 March after.
    intervals = weekly_intervals([rule], dt.datetime(2027, 3, 22, tzinfo=UTC),
                                 dt.datetime(2027, 3, 30, tzinfo=UTC))
    assert [(start.hour, end.hour) for start, end in sorted(intervals)] == [(9, 10), (8, 9)]
    assert all(start.tzinfo == UTC for start, _end in intervals)


def test_an_hour_in_india_is_two_slots_of_thirty_minutes_at_the_right_utc_time(
    specialist: User, settings: object
) -> None:
    tomorrow = timezone.now().astimezone(ZoneInfo("Asia/Kolkata")).date() + dt.timedelta(days=2)
    _rule(specialist, tomorrow.weekday(), "10:00", "11:00", "Asia/Kolkata")

    slots = [s for s in free_slots(specialist=specialist.specialist_profile)
             if s.starts_at.astimezone(ZoneInfo("Asia/Kolkata")).date() == tomorrow]

    assert [(s.starts_at.astimezone(UTC).time(), s.ends_at - s.starts_at) for s in slots] == [
        (dt.time(4, 30), dt.timedelta(minutes=30)), (dt.time(5, 0), dt.timedelta(minutes=30)),
    ]


def test_a_day_off_removes_its_slots_and_extra_hours_add_some(specialist: User) -> None:
    zone = ZoneInfo("Asia/Kolkata")
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=3)
    other = day + dt.timedelta(days=1)
    _rule(specialist, day.weekday(), "10:00", "12:00", "Asia/Kolkata")
    profile = specialist.specialist_profile

    def on(when: dt.date) -> int:
        return sum(1 for s in free_slots(specialist=profile)
                   if s.starts_at.astimezone(zone).date() == when)

    assert (on(day), on(other)) == (4, 0)
    exception_add(actor=specialist, kind=ExceptionKind.DAY_OFF, day=day, starts=None, ends=None,
                  time_zone="Asia/Kolkata")
    exception_add(actor=specialist, kind=ExceptionKind.EXTRA, day=other,
                  starts=dt.time(18), ends=dt.time(19), time_zone="Asia/Kolkata")
    assert (on(day), on(other)) == (0, 2)
    extra = HoursException.objects.get(kind=ExceptionKind.EXTRA)
    assert extra.starts_at.astimezone(UTC).time() == dt.time(12, 30)  # stored in UTC


def test_no_slot_is_offered_inside_the_booking_notice(specialist: User, settings: object) -> None:
    for weekday in range(7):
        _rule(specialist, weekday, "00:00", "23:30", "UTC")
    slots = free_slots(specialist=specialist.specialist_profile)
    assert slots
    assert min(s.starts_at for s in slots) >= timezone.now() + dt.timedelta(hours=2)
    assert max(s.ends_at for s in slots) <= timezone.now() + dt.timedelta(days=14)


def test_hours_shorter_than_one_call_or_ending_before_they_start_are_refused(
    specialist: User,
) -> None:
    with pytest.raises(DomainError, match="shorter than one call"):
        _rule(specialist, 1, "10:00", "10:15", "Asia/Kolkata")
    with pytest.raises(DomainError, match="end must be after"):
        _rule(specialist, 1, "11:00", "10:00", "Asia/Kolkata")
    with pytest.raises(DomainError, match="time zone"):
        _rule(specialist, 1, "10:00", "11:00", "Mars/Olympus")
    assert not WeeklyHours.objects.exists()


def test_a_patient_cannot_set_hours(patient: object) -> None:
    with pytest.raises(DomainError, match="Only specialists"):
        _rule(patient.holder, 1, "10:00", "11:00", "Asia/Kolkata")  # type: ignore[attr-defined]
