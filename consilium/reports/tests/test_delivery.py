"""The report reaches the patient by email with the signed PDF attached, once; the patient can
send it to their treating doctor."""

from __future__ import annotations

from typing import Any

import pytest

from consilium.accounts.models import User
from consilium.cases.models import Case
from consilium.core.testing import SmtpServer
from consilium.notifications.models import OutboxMessage, OutboxStatus
from consilium.notifications.services import outbox_deliver, outbox_send_due
from consilium.reports.files import report_read
from consilium.reports.models import Report
from consilium.reports.services import report_issue, report_send_to_doctor
from consilium.reports.signing import pdf_verify


def attachments(message: Any) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_payload(decode=True))
        for part in message.walk()
        if part.get_filename()
    ]


def test_the_patient_receives_the_signed_pdf_by_email_once(
    smtp_server: SmtpServer, reported_case: Case, report: Report
) -> None:
    # The worker sent it when the report was made; sending again or sweeping changes nothing.
    message = OutboxMessage.objects.get(dedupe_key=f"report-delivered:{report.public_id}")
    assert not outbox_deliver(message_id=message.pk)
    outbox_send_due()
    [received] = [m for m in smtp_server.messages if "second opinion is ready" in m["Subject"]]
    assert received["To"] == reported_case.patient.holder.email
    [(name, data)] = attachments(received)
    assert name == f"{reported_case.reference}-opinion-v1.pdf"
    assert data == report_read(report=report)
    assert pdf_verify(pdf=data).valid
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_issuing_the_opinion_again_makes_no_second_report(reported_case: Case) -> None:
    assert report_issue(case=reported_case, kind="opinion") is None
    assert Report.objects.filter(case=reported_case).count() == 1


def test_the_patient_sends_the_report_to_their_doctor(
    report: Report, smtp_server: SmtpServer
) -> None:
    holder = report.case.patient.holder
    report_send_to_doctor(report=report, actor=holder, email="dr.rao@example.org",
                          doctor_name="Rao", note="For our visit on Friday.")
    outbox_send_due()
    for message in OutboxMessage.objects.filter(to="dr.rao@example.org"):
        outbox_deliver(message_id=message.pk)
    [received] = [m for m in smtp_server.messages if m["To"] == "dr.rao@example.org"]
    body = received.get_body(preferencelist=("plain",)).get_content()
    assert "Dear Dr Rao" in body and "For our visit on Friday." in body
    [(_name, data)] = attachments(received)
    assert pdf_verify(pdf=data).valid


def test_only_the_account_holder_can_send_it(report: Report, other_patient: Any,
                                             coordinator: User) -> None:
    from consilium.core.errors import DomainError

    for someone in (other_patient.holder, coordinator):
        with pytest.raises(DomainError):
            report_send_to_doctor(report=report, actor=someone, email="x@example.org")


def test_sending_twice_to_the_same_doctor_or_too_often_is_refused(report: Report) -> None:
    from consilium.core.errors import DomainError

    holder = report.case.patient.holder
    report_send_to_doctor(report=report, actor=holder, email="dr.a@example.org",
                          doctor_name="Dr. Natarajan")
    message = OutboxMessage.objects.get(to="dr.a@example.org")
    assert "Dear Dr Natarajan," in message.body_text
    with pytest.raises(DomainError, match="a few minutes ago"):
        report_send_to_doctor(report=report, actor=holder, email="DR.A@example.org")
    for n in range(4):
        report_send_to_doctor(report=report, actor=holder, email=f"dr.{n}@example.org")
    with pytest.raises(DomainError, match="5 times today"):
        report_send_to_doctor(report=report, actor=holder, email="dr.z@example.org")
