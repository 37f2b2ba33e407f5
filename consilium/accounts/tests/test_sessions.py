"""The 30-minute idle timeout, renewed at most once a minute rather than by a write per request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:settings")


def travel(monkeypatch: Any, to: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: to)


class SessionWrites:
    count = 0


@contextmanager
def session_writes() -> Iterator[SessionWrites]:
    """Counts the statements that write a session row, as the database receives them."""
    writes = SessionWrites()
    with CaptureQueriesContext(connection) as captured:
        yield writes
    writes.count = sum(
        1 for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
        and "django_session" in query["sql"]
    )


def signed_in(client: Client, patient: Any, monkeypatch: Any) -> dt.datetime:
    """Signs the patient in and makes one request; returns the time of that request."""
    start = timezone.now()
    travel(monkeypatch, start)
    client.force_login(patient.holder)
    assert client.get(PAGE).status_code == 200
    return start


def test_a_session_idle_for_more_than_30_minutes_is_signed_out(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = signed_in(client, patient, monkeypatch)

    travel(monkeypatch, start + dt.timedelta(minutes=31))
    response = client.get(PAGE)

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_activity_keeps_the_session_alive(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = signed_in(client, patient, monkeypatch)

    for minutes in (20, 40, 60):
        travel(monkeypatch, start + dt.timedelta(minutes=minutes))
        assert client.get(PAGE).status_code == 200


def test_ten_requests_within_a_minute_write_the_session_once(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = timezone.now()
    client.force_login(patient.holder)

    with session_writes() as writes:
        for second in range(0, 50, 5):
            travel(monkeypatch, start + dt.timedelta(seconds=second))
            assert client.get(PAGE).status_code == 200

    assert writes.count == 1


def test_the_first_request_a_minute_after_the_last_renewal_renews_the_session(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = signed_in(client, patient, monkeypatch)

    with session_writes() as before_a_minute:
        travel(monkeypatch, start + dt.timedelta(seconds=59))
        client.get(PAGE)
    with session_writes() as after_a_minute:
        travel(monkeypatch, start + dt.timedelta(seconds=60))
        client.get(PAGE)
        travel(monkeypatch, start + dt.timedelta(seconds=61))
        client.get(PAGE)

    assert (before_a_minute.count, after_a_minute.count) == (0, 1)
    session = Session.objects.get()
    assert session.expire_date == start + dt.timedelta(seconds=60) + dt.timedelta(minutes=30)


def test_a_session_idle_29_minutes_after_a_request_that_did_not_renew_it_is_kept(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = signed_in(client, patient, monkeypatch)
    # The latest a request can come without renewing: the window it leaves is the shortest.
    last_activity = start + dt.timedelta(seconds=59)
    travel(monkeypatch, last_activity)
    with session_writes() as writes:
        assert client.get(PAGE).status_code == 200
    assert writes.count == 0

    travel(monkeypatch, last_activity + dt.timedelta(minutes=29))
    assert client.get(PAGE).status_code == 200


def test_a_session_idle_31_minutes_after_a_request_that_renewed_it_is_ended(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = signed_in(client, patient, monkeypatch)
    last_activity = start + dt.timedelta(minutes=10)
    travel(monkeypatch, last_activity)
    assert client.get(PAGE).status_code == 200

    travel(monkeypatch, last_activity + dt.timedelta(minutes=31))
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()


def test_the_stored_expiry_is_never_more_than_30_minutes_after_the_last_request(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    start = signed_in(client, patient, monkeypatch)
    for seconds in range(0, 600, 7):
        now = start + dt.timedelta(seconds=seconds)
        travel(monkeypatch, now)
        assert client.get(PAGE).status_code == 200
        expire_date = Session.objects.get().expire_date
        assert now + dt.timedelta(minutes=29) < expire_date <= now + dt.timedelta(minutes=30)


def test_a_visitor_who_is_not_signed_in_gets_no_session_row(client: Client) -> None:
    for _ in range(3):
        assert client.get(reverse("accounts:login")).status_code == 200
    assert not Session.objects.exists()


def test_signing_out_leaves_no_session_to_renew(
    client: Client, patient: Any, monkeypatch: Any
) -> None:
    signed_in(client, patient, monkeypatch)
    client.post(reverse("accounts:logout"))

    client.get(reverse("accounts:login"))

    assert not Session.objects.exists()
