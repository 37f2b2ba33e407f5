"""With the SMTP server down for a while, emails wait; once it is back each goes once, in the
order they were written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consilium.core.testing import SmtpServer
from consilium.notifications.models import OutboxMessage, OutboxStatus
from consilium.notifications.services import outbox_deliver, outbox_enqueue, outbox_send_due

pytestmark = pytest.mark.django_db


def test_emails_written_while_smtp_is_down_go_once_and_in_order_when_it_is_back(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.stop()
    subjects = [f"Update {n} on CS-0001" for n in range(1, 6)]
    for subject in subjects:
        message = outbox_enqueue(dedupe_key=subject, to="asha@example.com", subject=subject,
                                 body_text="An update on your case.")
        assert outbox_deliver(message_id=message.pk) is False
    # The first one failed twice; the order still follows when each was written.
    first = OutboxMessage.objects.get(subject=subjects[0])
    assert outbox_deliver(message_id=first.pk) is False
    assert smtp_server.messages == []

    smtp_server.start()
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert outbox_send_due() == 5
    assert outbox_send_due() == 0

    assert [m["Subject"] for m in smtp_server.messages] == subjects
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
