"""The outbox sends every message exactly once through a real SMTP server, and retries after the
server was down."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from consilium.core.testing import SmtpServer
from consilium.notifications.models import OutboxMessage, OutboxStatus
from consilium.notifications.services import (
    MAX_ATTEMPTS,
    outbox_deliver,
    outbox_enqueue,
    outbox_send_due,
)

pytestmark = pytest.mark.django_db


def _enqueue(key: str = "case-1:submitted", **extra: Any) -> OutboxMessage:
    fields: dict[str, Any] = {
        "to": "asha@example.com",
        "subject": "Your case CS-0001 was received",
        "body_text": "We have received your case. Secret diagnosis: nothing here.",
    }
    fields.update(extra)
    return outbox_enqueue(dedupe_key=key, **fields)


def _make_due(message: OutboxMessage) -> None:
    """Moves the retry time into the past, as if the backoff had elapsed."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_a_message_is_sent_by_the_worker_once_the_transaction_commits(
    smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = _enqueue()
        assert smtp_server.messages == []
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["To"] == "asha@example.com"
    assert received["Subject"] == "Your case CS-0001 was received"


def test_enqueuing_the_same_dedupe_key_twice_sends_one_email(
    smtp_server: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _enqueue()
        second = _enqueue(subject="A different subject")
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert OutboxMessage.objects.count() == 1
    assert len(smtp_server.messages) == 1


def test_sending_the_same_message_twice_delivers_it_once(smtp_server: SmtpServer) -> None:
    message = _enqueue()
    assert outbox_deliver(message_id=message.pk) is True
    assert outbox_deliver(message_id=message.pk) is False
    assert len(smtp_server.messages) == 1


def test_the_html_version_travels_with_the_plain_text(smtp_server: SmtpServer) -> None:
    message = _enqueue(body_html="<p>We have received your case.</p>")
    outbox_deliver(message_id=message.pk)
    received = smtp_server.messages[0]
    types = [part.get_content_type() for part in received.walk()]
    assert "text/plain" in types
    assert "text/html" in types


def test_a_failed_send_is_recorded_and_the_sweep_delivers_it_once_the_server_is_back(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    message = _enqueue()
    smtp_server.stop()

    assert outbox_deliver(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at is not None
    wait = message.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(minutes=1)
    assert "Secret diagnosis" not in caplog.text
    assert "Secret diagnosis" not in message.last_error

    smtp_server.start()
    assert outbox_send_due() == 0, "the retry is not due yet"
    _make_due(message)
    assert outbox_send_due() == 1
    assert outbox_send_due() == 0

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    assert len(smtp_server.messages) == 1


def test_a_message_that_keeps_failing_is_marked_failed_after_the_last_attempt(
    smtp_server: SmtpServer,
) -> None:
    message = _enqueue()
    smtp_server.stop()
    waits = []
    for _ in range(MAX_ATTEMPTS):
        _make_due(message)
        before = timezone.now()
        outbox_send_due()
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - before)
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS
    assert waits == sorted(waits), "each wait is longer than the one before"

    smtp_server.start()
    _make_due(message)
    assert outbox_send_due() == 0
    assert smtp_server.messages == []


def test_the_sweep_rescues_a_message_whose_worker_died_while_sending(
    smtp_server: SmtpServer,
) -> None:
    message = _enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(minutes=11)
    )
    assert outbox_send_due() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(smtp_server.messages) == 1


def test_the_sweep_leaves_a_message_another_worker_is_sending_right_now(
    smtp_server: SmtpServer,
) -> None:
    message = _enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(seconds=5)
    )
    assert outbox_send_due() == 0
    assert smtp_server.messages == []


def test_the_sweep_picks_up_a_message_whose_task_was_lost(smtp_server: SmtpServer) -> None:
    message = _enqueue()
    assert outbox_send_due() == 0, "a fresh message is left to its task"
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=2)
    )
    assert outbox_send_due() == 1
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_that_tries_while_the_first_is_sending_sends_nothing(
    smtp_server: SmtpServer, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    message = _enqueue()
    second_worker: list[bool] = []

    def second_worker_sends() -> None:
        try:
            second_worker.append(outbox_deliver(message_id=message.pk))
        finally:
            connection.close()

    smtp_server.handler.while_receiving = second_worker_sends
    assert outbox_deliver(message_id=message.pk) is True
    assert second_worker == [False]
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_message_at_the_same_moment_deliver_it_once(
    smtp_server: SmtpServer, settings: Any
) -> None:
    # Enqueued tasks wait (here: are dropped) so that only the racing workers below send.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    messages = [_enqueue(key=f"case-{n}:submitted") for n in range(5)]
    workers = 4
    start = threading.Barrier(workers)
    results: list[bool] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            for message in messages:
                results.append(outbox_deliver(message_id=message.pk))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert results.count(True) == len(messages)
    assert len(smtp_server.messages) == len(messages)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
