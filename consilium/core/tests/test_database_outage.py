"""The database going away under load: requests fail with our own error page (no traceback,
nothing half-changed) and succeed again once it is back.

"Going away" is real on both backends. On PostgreSQL the connections serving requests are ended
with pg_terminate_backend (what a restart does to them) and new ones are refused while it is
down (the settings point at a closed port). On SQLite the connection serving a request is
closed under it, and while it is down the database file cannot be opened (its folder is gone,
as when its volume is unmounted). The shared PostgreSQL server itself is never restarted:
only the test database's own connections are ended."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from conftest import make_user
from consilium.accounts.models import User
from consilium.cases.models import Case
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db(transaction=True)

GENERIC_PAGE = "Something went wrong on our side."
LEAKS = ("Traceback", "OperationalError", "ProgrammingError", "psycopg", "sqlite", "SELECT ",
         "INSERT ")
START = {"patient": "new", "relationship": "child"}


@pytest.fixture
def holder(db: None) -> User:
    """An account holder asking for their father, with no patient on the account yet: starting
    a request adds the patient and the request together."""
    return make_user("ravi@example.com", full_name="Ravi Kumar")


def _admin() -> psycopg.Connection[Any]:
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or None, port=db["PORT"] or None, autocommit=True,
    )


def connection_drop(wrapper: Any) -> None:
    """Ends the database connection `wrapper` is using, from outside it."""
    if wrapper.vendor == "postgresql":
        pid = wrapper.connection.info.backend_pid
        with _admin() as admin:
            # The second argument waits until the backend has gone.
            admin.execute("SELECT pg_terminate_backend(%s, 30000)", [pid])
    else:
        wrapper.connection.close()


@contextmanager
def database_gone_at(prefix: str) -> Iterator[list[str]]:
    """The connection is ended just before the first statement starting with `prefix` runs."""
    fired: list[str] = []

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool,
                context: dict[str, Any]) -> Any:
        if not fired and sql.startswith(prefix):
            fired.append(sql)
            connection_drop(context["connection"])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield fired


def assert_generic_error_page(response: Any) -> None:
    body = response.content.decode()
    assert response.status_code == 500
    assert GENERIC_PAGE in body and response["X-Request-Id"] in body
    for leak in LEAKS:
        assert leak not in body, leak


def test_the_database_gone_in_the_middle_of_a_request_changes_nothing_and_the_retry_works(
    holder: User,
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(holder)
    with database_gone_at('INSERT INTO "cases_case"') as fired:
        response = client.post(reverse("cases:start"), START)
    assert fired, "the database was never taken away"
    assert_generic_error_page(response)
    # The patient was added in the same transaction as the request, so neither stayed.
    assert not Patient.objects.filter(holder=holder).exists()
    assert not Case.objects.exists()

    response = client.post(reverse("cases:start"), START)
    assert response.status_code == 302
    assert Patient.objects.filter(holder=holder).count() == 1
    assert Case.objects.filter(patient__holder=holder).count() == 1


# --- under load ------------------------------------------------------------------------------


@dataclass
class Outcome:
    started: str
    ended: str
    status: int
    body: str
    request_id: str


class Load:
    """Threads posting "start a request" as the signed-in holder until told to stop."""

    def __init__(self, url: str, cookies: str, token: str, threads: int = 4) -> None:
        self.url = urlsplit(url)
        self.headers = {"Cookie": cookies, "X-CSRFToken": token,
                        "Content-Type": "application/x-www-form-urlencoded"}
        self.phase = "before"
        self.outcomes: list[Outcome] = []
        self.errors: list[BaseException] = []
        self.changed = threading.Condition()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _post(self) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection(self.url.hostname or "", self.url.port, timeout=120)
        try:
            conn.request("POST", reverse("cases:start"),
                         body="patient=new&relationship=child", headers=self.headers)
            response = conn.getresponse()
            return (response.status, response.read().decode(),
                    response.getheader("X-Request-Id") or "")
        finally:
            conn.close()

    def _run(self) -> None:
        while not self.stop.is_set():
            started = self.phase
            try:
                status, body, request_id = self._post()
            except BaseException as error:  # a reset connection is a failure of the test
                with self.changed:
                    self.errors.append(error)
                    self.changed.notify_all()
                return
            with self.changed:
                self.outcomes.append(Outcome(started, self.phase, status, body, request_id))
                self.changed.notify_all()

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def until(self, predicate: Callable[[list[Outcome]], bool]) -> None:
        with self.changed:
            assert self.changed.wait_for(
                lambda: bool(self.errors) or predicate(self.outcomes), timeout=300
            ), "the load made no progress"
            assert not self.errors, self.errors

    def move_to(self, phase: str) -> None:
        with self.changed:
            self.phase = phase

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=300)
        assert not self.errors, self.errors


def _in(phase: str) -> Callable[[Outcome], bool]:
    return lambda outcome: outcome.started == outcome.ended == phase


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def database_down(tmp_path: Path) -> Iterator[None]:
    """New connections fail while inside; connections in use are ended on entering."""
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    if connection.vendor == "postgresql":
        settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(_closed_port())
        with psycopg.connect(
            dbname="postgres", user=saved["USER"], password=saved["PASSWORD"] or None,
            host=saved["HOST"] or None, port=saved["PORT"] or None, autocommit=True,
        ) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid, 30000) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", [saved["NAME"]],
            )
    else:
        settings_dict["NAME"] = str(tmp_path / "unmounted" / "consilium.sqlite3")
    try:
        yield
    finally:
        settings_dict.update(saved)


def test_under_load_requests_fail_cleanly_while_the_database_is_down_and_recover_after(
    holder: User, live_server: Any, tmp_path: Path
) -> None:
    client = Client()
    client.force_login(holder)
    token = get_random_string(32)
    load = Load(live_server.url, f"sessionid={client.cookies['sessionid'].value}; "
                f"csrftoken={token}", token)
    load.start()
    try:
        load.until(lambda done: sum(o.status == 302 for o in done) >= 8)
        with database_down(tmp_path):
            load.move_to("down")
            load.until(lambda done: sum(map(_in("down"), done)) >= 8)
            load.move_to("back")
        load.until(lambda done: sum(o.started == "back" for o in done) >= 8)
    finally:
        load.finish()

    outcomes = load.outcomes
    for outcome in outcomes:
        assert outcome.status in (302, 500), (outcome.status, outcome.body[:300])
        if outcome.status == 500:
            assert GENERIC_PAGE in outcome.body and outcome.request_id in outcome.body
            for leak in LEAKS:
                assert leak not in outcome.body, leak
    assert all(o.status == 500 for o in outcomes if _in("down")(o))
    assert all(o.status == 302 for o in outcomes if o.started == "back")

    connection.close()  # the test's own connection was ended with the others
    successes = sum(o.status == 302 for o in outcomes)
    patients = Patient.objects.filter(holder=holder)
    # Each request added a patient and their request together, or neither.
    assert all(patient.cases.count() == 1 for patient in patients)
    assert successes <= patients.count() <= len(outcomes)
