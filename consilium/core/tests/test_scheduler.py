"""The scheduler runs each periodic job once per interval, never twice at once, and stops
cleanly on SIGTERM."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from consilium.core.scheduler import JOBS, Job, Scheduler, job_claim
from consilium.notifications.models import OutboxMessage, OutboxStatus
from consilium.notifications.services import outbox_enqueue

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


def count_a_call() -> None:
    CALLS.append("ran")


def fail_loudly() -> None:
    raise RuntimeError("boom")


COUNTING = Job("counting", 30, "consilium.core.tests.test_scheduler.count_a_call")
FAILING = Job("failing", 30, "consilium.core.tests.test_scheduler.fail_loudly")
NOW = 1_800_000_000.0  # a fixed instant at the start of a 30-second interval


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    CALLS.clear()
    cache.clear()


def test_the_outbox_sweep_is_registered_every_30_seconds() -> None:
    job = JOBS["outbox_send_due"]
    assert job.interval_seconds == 30
    assert job.function == "consilium.notifications.services.outbox_send_due"


def test_running_the_scheduler_once_sends_outbox_messages_that_are_due(mailoutbox: Any) -> None:
    message = outbox_enqueue(
        to="asha@example.com", subject="Hello", body_text="Body", dedupe_key="scheduler-test"
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "outbox_send_due" in out.getvalue()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(mailoutbox) == 1


def test_two_schedulers_run_a_job_only_once_per_interval() -> None:
    first, second = Scheduler([COUNTING]), Scheduler([COUNTING])
    assert first.run_due(now=NOW) == ["counting"]
    assert second.run_due(now=NOW + 5) == []
    assert CALLS == ["ran"]


def test_a_job_runs_again_in_the_next_interval() -> None:
    scheduler = Scheduler([COUNTING])
    scheduler.run_due(now=NOW)
    assert scheduler.run_due(now=NOW + 10) == []
    assert scheduler.run_due(now=NOW + 30) == ["counting"]
    assert CALLS == ["ran", "ran"]


def test_a_job_still_running_elsewhere_is_not_started_again_in_the_next_interval() -> None:
    assert job_claim(job=COUNTING, owner="another scheduler", now=NOW)
    assert Scheduler([COUNTING]).run_due(now=NOW + 30) == []
    assert CALLS == []


def test_a_failing_job_is_logged_and_does_not_stop_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler = Scheduler([FAILING, COUNTING])
    assert scheduler.run_due(now=NOW) == ["counting"]
    assert "Scheduled job failing failed" in caplog.text
    assert CALLS == ["ran"]
    # The lock is released even after a failure, so the next interval can run it again.
    assert cache.get("scheduler:failing:running") is None
    assert job_claim(job=FAILING, owner="next interval", now=NOW + 30)


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_the_loop_cleanly() -> None:
    # A daily job: with the 30-second one, a run that straddled the start of a new interval
    # (about one in a hundred) rightly ran the job twice and failed the count below.
    daily = Job("counting-daily", 24 * 60 * 60, COUNTING.function)
    scheduler = Scheduler([daily], tick_seconds=0.05)
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        scheduler.run_forever()
    finally:
        # Never let a late signal reach pytest itself if the loop failed early.
        timer.cancel()
    assert scheduler.stopping
    assert CALLS == ["ran"]
    assert signal.getsignal(signal.SIGTERM) == previous
