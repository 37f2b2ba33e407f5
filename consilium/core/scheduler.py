"""Periodic jobs: a tiny registry (filled by each app's AppConfig.ready()) and the loop that
`manage.py scheduler` runs.

Every run of a job is claimed in the shared cache (the database cache by default) so that two
scheduler processes never run the same job at once, and a job runs at most once per interval
however many schedulers are started. Deadlines themselves live in the database; the jobs only
sweep them, so nothing is lost when the scheduler restarts.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from types import FrameType

from django.core.cache import cache
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    interval_seconds: int
    function: str
    """Dotted path of a function that takes no arguments."""
    max_runtime_seconds: int = 600
    """After this long a run's lock expires, so a scheduler that died does not block the job."""


JOBS: dict[str, Job] = {}


def register(job: Job) -> Job:
    """Adds (or replaces) a periodic job."""
    JOBS[job.name] = job
    return job


# The jobs themselves are registered by the apps that own them, from their AppConfig.ready()
# (notifications: the outbox; cases: the turnaround clock; review: lapsed offers; reports: lost
# report tasks), so this module names no domain app.


def _slot(job: Job, now: float) -> int:
    return int(now // job.interval_seconds)


def _running_key(job: Job) -> str:
    return f"scheduler:{job.name}:running"


def job_claim(*, job: Job, owner: str, now: float | None = None) -> bool:
    """Claims this interval's run of `job` for `owner`; False if another scheduler already ran it
    in this interval or is still running it."""
    now = time.time() if now is None else now
    # Each interval has its own key, so claiming never races on an expired row: the first
    # INSERT wins and every other scheduler's add fails.
    slot_key = f"scheduler:{job.name}:slot:{_slot(job, now)}"
    if not cache.add(slot_key, owner, timeout=job.interval_seconds * 2):
        return False
    return cache.add(_running_key(job), owner, timeout=job.max_runtime_seconds)


def job_release(*, job: Job, owner: str) -> None:
    """Ends a run; leaves the lock alone if it expired and another scheduler holds it now."""
    if cache.get(_running_key(job)) == owner:
        cache.delete(_running_key(job))


def job_run(*, job: Job) -> bool:
    """Runs one job; an error is logged (with the job's name only) and does not stop the loop."""
    started = time.monotonic()
    try:
        import_string(job.function)()
    except Exception:
        logger.exception("Scheduled job %s failed", job.name)
        return False
    logger.info("Scheduled job %s ran in %.2f s", job.name, time.monotonic() - started)
    return True


class Scheduler:
    def __init__(self, jobs: Iterable[Job] | None = None, tick_seconds: float = 1.0) -> None:
        self.jobs = list(JOBS.values() if jobs is None else jobs)
        self.tick_seconds = tick_seconds
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._stop = threading.Event()
        self._next_check: dict[str, float] = {}

    def run_due(self, now: float | None = None) -> list[str]:
        """Runs every job whose interval has come and that this scheduler could claim; returns
        the names of the jobs that ran without an error."""
        ran = []
        for job in self.jobs:
            current = time.time() if now is None else now
            if current < self._next_check.get(job.name, 0):
                continue
            # Whether or not we win the claim, nobody can run it again before the next slot.
            self._next_check[job.name] = (_slot(job, current) + 1) * job.interval_seconds
            if not job_claim(job=job, owner=self.owner, now=current):
                continue
            try:
                if job_run(job=job):
                    ran.append(job.name)
            finally:
                job_release(job=job, owner=self.owner)
        return ran

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_forever(self) -> None:
        """Loops until SIGTERM or SIGINT; a job that is running finishes first."""
        previous = {
            sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        logger.info("Scheduler started: %s", ", ".join(job.name for job in self.jobs))
        try:
            while not self._stop.is_set():
                # A long-lived process must drop connections the database has closed.
                close_old_connections()
                self.run_due()
                self._stop.wait(self.tick_seconds)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            logger.info("Scheduler stopped")
