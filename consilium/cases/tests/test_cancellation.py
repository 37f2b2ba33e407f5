"""Cancelling a request: the patient before assignment, a coordinator with a reason; nothing is
cancelled without the confirmation page's POST, and what was paid is refunded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from consilium.accounts.models import User
from consilium.billing.models import Payment, PaymentStatus
from consilium.billing.services import payment_start
from consilium.billing.tests.fake_razorpay import FakeRazorpay, fake_razorpay
from consilium.billing.tests.test_razorpay import (
    KEY_ID,
    KEY_SECRET,
    WEBHOOK_SECRET,
    _deliver,
    _event,
)
from consilium.cases.models import (
    Case,
    CaseStatus,
    CaseTransition,
    InformationRequestStatus,
    Turnaround,
)
from consilium.cases.services import case_cancel, information_request_create
from consilium.cases.tests.conftest import make_complete_draft
from consilium.core.errors import DomainError
from consilium.core.testing import login_with_2fa
from consilium.notifications.models import Notification, OutboxMessage
from consilium.patients.models import Patient
from consilium.review.models import Assignment, AssignmentStatus
from consilium.review.tests.fixtures import accept_all, offer, submitted

pytestmark = pytest.mark.django_db


def _cancel_url(case: Case) -> str:
    return reverse("cases:cancel", args=[case.public_id])


def _cancellation_email(case: Case) -> OutboxMessage:
    return OutboxMessage.objects.get(dedupe_key=f"case-cancelled:{case.public_id}")


@pytest.fixture
def razorpay(settings: Any) -> Any:
    settings.PAYMENT_PROVIDER = "razorpay"
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    with fake_razorpay(KEY_ID, KEY_SECRET) as server:
        settings.RAZORPAY_API_URL = server.url
        yield server


def test_the_confirmation_page_cancels_nothing_until_the_patient_confirms(
    client: Client, patient: Patient
) -> None:
    case = make_complete_draft(patient)
    client.force_login(patient.holder)
    page = client.get(_cancel_url(case)).content.decode()
    assert "Yes, cancel my request" in page
    assert "we refund the full amount" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert "Cancel this request" in client.get(case.get_absolute_url()).content.decode()


def test_a_patient_cancels_an_unpaid_draft_and_is_told_there_is_nothing_to_refund(
    client: Client, patient: Patient
) -> None:
    case = make_complete_draft(patient)
    Payment.objects.filter(case=case).delete()
    client.force_login(patient.holder)
    response = client.post(_cancel_url(case), {"reason": ""}, follow=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    assert "nothing to refund" in response.content.decode()
    body = _cancellation_email(case).body_text
    assert "You cancelled your request" in body
    assert "nothing to refund" in body
    assert "start a new request" in body


def test_a_patient_cancels_a_submitted_case_paid_offline_and_the_refund_awaits_transfer(
    client: Client, patient: Patient, coordinator: User
) -> None:
    # Given a submitted case paid offline, waiting for triage
    case = submitted(patient)
    payment = Payment.objects.get(case=case, status=PaymentStatus.PAID)
    # When its patient confirms the cancellation
    client.force_login(patient.holder)
    client.post(_cancel_url(case), {"reason": "My doctor answered my questions."})
    # Then the case is cancelled, the payment waits to be transferred back in full, the patient
    # is told what happens next and the coordinators are told
    case.refresh_from_db()
    payment.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    assert payment.status == PaymentStatus.REFUND_PENDING
    assert payment.refund_amount == payment.amount
    assert "refunding what you paid, in full" in _cancellation_email(case).body_text
    assert Notification.objects.filter(user=coordinator, message__contains="cancelled").exists()
    assert CaseTransition.objects.filter(case=case, to_status=CaseStatus.CANCELLED).exists()


def test_a_patient_who_paid_online_is_refunded_through_the_provider_when_they_cancel(
    client: Client, razorpay: FakeRazorpay, patient: Patient
) -> None:
    # Given a complete draft paid through Razorpay (the webhook confirms the capture)
    case = make_complete_draft(patient)
    Payment.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).update(review_type="single")
    payment = payment_start(case=case, actor=patient.holder)
    _deliver(client, _event(payment))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    # When the patient cancels it
    client.force_login(patient.holder)
    response = client.post(_cancel_url(case), {}, follow=True)
    # Then the provider refunds the full amount and the payer is emailed about the refund
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refund_amount == Decimal("2500")
    refund_request = razorpay.requests[-1]
    assert refund_request["path"] == "/v1/payments/pay_29QQoUBi66xm2f/refund"
    assert refund_request["body"]["amount"] == 250000
    assert OutboxMessage.objects.filter(dedupe_key=f"payment-refunded:{payment.public_id}")
    assert "refunding what you paid in full" in response.content.decode()


def test_a_patient_may_cancel_while_triage_waits_on_their_answer(
    client: Client, patient: Patient, coordinator: User
) -> None:
    case = submitted(patient)
    request = information_request_create(case=case, actor=coordinator, message="The CT report?")
    client.force_login(patient.holder)
    client.post(_cancel_url(case), {})
    case.refresh_from_db()
    request.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    assert request.status == InformationRequestStatus.CANCELLED


def test_a_patient_cannot_cancel_once_specialists_are_assigned(
    client: Client, patient: Patient, coordinator: User, specialist: User
) -> None:
    case = submitted(patient)
    offer(case, coordinator, [specialist])
    client.force_login(patient.holder)
    response = client.post(_cancel_url(case), {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    assert "Cancel this request" not in client.get(case.get_absolute_url()).content.decode()
    with pytest.raises(DomainError):
        case_cancel(case=case, actor=patient.holder)


def test_someone_else_cannot_see_the_cancellation_page(
    client: Client, patient: Patient, other_patient: Patient
) -> None:
    case = make_complete_draft(patient)
    client.force_login(other_patient.holder)
    assert client.get(_cancel_url(case)).status_code == 404
    assert client.post(_cancel_url(case), {}).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_a_coordinator_must_give_a_reason_which_the_patient_reads(
    client: Client, patient: Patient, coordinator: User, specialist: User
) -> None:
    # Given a case under review with its clock running
    case = submitted(patient)
    accept_all(offer(case, coordinator, [specialist]))
    login_with_2fa(client, coordinator)
    # When the coordinator confirms without a reason, nothing happens
    client.post(_cancel_url(case), {"reason": " "})
    case.refresh_from_db()
    assert case.status != CaseStatus.CANCELLED
    # When they give one, the case is cancelled, the clock stops and the payment is refunded
    client.post(_cancel_url(case), {"reason": "The patient asked us by phone; surgery is done."})
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    assert Turnaround.objects.get(case=case).stopped_at is not None
    assert Payment.objects.get(case=case).status == PaymentStatus.REFUND_PENDING
    body = _cancellation_email(case).body_text
    assert "Your case coordinator cancelled your request" in body
    assert "surgery is done" in body
    # and the specialist's seat ends, and they are told
    seat = Assignment.objects.get(review__case=case)
    assert seat.status == AssignmentStatus.WITHDRAWN
    assert OutboxMessage.objects.filter(dedupe_key=f"assignment-cancelled:{seat.public_id}",
                                        to=specialist.email).exists()


def test_a_cancelled_case_cannot_be_cancelled_again(
    client: Client, patient: Patient
) -> None:
    case = make_complete_draft(patient)
    case_cancel(case=case, actor=patient.holder)
    with pytest.raises(DomainError):
        case_cancel(case=case, actor=patient.holder)
