"""Two people book the same slot at the same moment: the database's conditional unique
constraint lets exactly one win, and the other is told to choose another time."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from consilium.accounts.models import User
from consilium.cases.models import Case
from consilium.consultations import services
from consilium.consultations.models import Consultation
from consilium.consultations.slots import free_slots
from consilium.core.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_bookings_of_one_slot_leave_one_booking_and_one_clear_refusal(
    reported_case: Case, specialist_hours: User, monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite lets only one writer in at a time")
    profile = specialist_hours.specialist_profile
    slot = free_slots(specialist=profile)[5]
    both_checked = threading.Barrier(2, timeout=20)
    original = services.slot_is_free

    def checked_then_wait(**kwargs: Any) -> Any:
        # Both bookings have seen the slot free before either writes: the race the constraint
        # exists for, made certain instead of left to chance.
        found = original(**kwargs)
        both_checked.wait()
        return found

    monkeypatch.setattr(services, "slot_is_free", checked_then_wait)
    outcomes: list[str] = []

    def book() -> None:
        try:
            services.consultation_book(case=reported_case, actor=reported_case.patient.holder,
                                       specialist=profile, starts_at=slot.starts_at,
                                       mode="video")
            outcomes.append("booked")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=book) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == sorted([
        "booked",
        "Someone has just booked this time. Nothing was booked for you: please choose another "
        "time.",
    ])
    assert Consultation.objects.filter(specialist=profile, starts_at=slot.starts_at).count() == 1
