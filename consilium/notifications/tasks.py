"""Background work of the outbox: thin wrappers that call the services."""

from __future__ import annotations

from django_tasks import task

from consilium.notifications.services import outbox_deliver, outbox_send_due


@task()
def outbox_send(*, message_id: int) -> None:
    outbox_deliver(message_id=message_id)


@task()
def outbox_sweep() -> None:
    outbox_send_due()
