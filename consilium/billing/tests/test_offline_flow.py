from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from consilium.billing.models import OfflinePaymentDetails, Payment, PaymentStatus
from consilium.billing.selectors import case_is_paid
from consilium.billing.services import payment_refund, payment_start
from consilium.billing.tests.factories import make_case
from consilium.core.testing import login_with_2fa
from consilium.notifications.models import OutboxMessage
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def _open_payment(patient: Patient, review_type: str = "single") -> Payment:
    case = make_case(patient, review_type=review_type)
    return payment_start(case=case, actor=patient.holder)


def test_the_checkout_page_shows_the_bank_details_the_amount_and_the_reference(
    client: Any, patient: Patient
) -> None:
    OfflinePaymentDetails.objects.create(
        payee_name="Consilium Health Services",
        upi_id="consilium@upi",
        ifsc="HDFC0001234",
        account_number="50100012345678",
        bank_name="HDFC Bank, Pune",
    )
    payment = _open_payment(patient)
    client.force_login(patient.holder)
    page = client.get(reverse("billing:checkout", args=[payment.case.public_id])).content.decode()
    for text in [
        "consilium@upi",
        "HDFC0001234",
        "₹2,500",
        payment.case.reference,
        "a coordinator finds your payment by this reference",
    ]:
        assert text in page


def test_offline_payment_end_to_end(client: Any, patient: Patient, coordinator: Any) -> None:
    # Given a holder who chose one specialist
    case = make_case(patient)
    client.force_login(patient.holder)
    client.post(reverse("billing:choose", args=[case.public_id]), {"review_type": "single"})
    payment = Payment.objects.get(case=case)
    assert not case_is_paid(case=case)

    # When a coordinator finds it in the list and records the transfer
    login_with_2fa(client, coordinator)
    listing = client.get(reverse("billing:pending_offline")).content.decode()
    assert case.reference in listing
    assert patient.full_name not in listing
    url = reverse("billing:record_offline", args=[payment.public_id])
    response = client.post(url, {"amount": "2500.00", "reference": "UTR123456789"})

    # Then the case is paid, a receipt number exists and one email goes to the holder
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.receipt_number.startswith("RC-")
    assert payment.offline_reference == "UTR123456789"
    assert payment.recorded_by == coordinator
    assert case_is_paid(case=case)
    # (the coordinators were told at the start that no bank details are set; see test_upi)
    emails = OutboxMessage.objects.filter(to=patient.holder.email)
    assert emails.count() == 1
    assert payment.receipt_number in emails[0].body_text
    # Recording again changes nothing and sends nothing.
    client.post(url, {"amount": "2500.00", "reference": "UTR123456789"})
    assert OutboxMessage.objects.filter(to=patient.holder.email).count() == 1
    assert case.reference not in client.get(reverse("billing:pending_offline")).content.decode()

    # And the holder can open the receipt
    client.force_login(patient.holder)
    receipt = client.get(reverse("billing:receipt", args=[payment.public_id])).content.decode()
    for text in [
        payment.receipt_number,
        case.reference,
        "Asha Verma",
        "One specialist",
        "₹2,500",
        "Bank transfer or UPI",
    ]:
        assert text in receipt


def test_a_wrong_amount_is_refused_and_the_form_keeps_what_was_typed(
    client: Any, patient: Patient, coordinator: Any
) -> None:
    payment = _open_payment(patient)
    login_with_2fa(client, coordinator)
    response = client.post(
        reverse("billing:record_offline", args=[payment.public_id]),
        {"amount": "2000", "reference": "UTR999"},
    )
    assert response.status_code == 200
    assert "is not the amount due" in response.content.decode()
    assert 'value="UTR999"' in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert not OutboxMessage.objects.filter(to=patient.holder.email).exists()


@pytest.mark.parametrize("who", ["patient", "specialist", "other_patient"])
def test_coordinator_pages_are_404_for_everyone_else(
    client: Any, who: str, patient: Patient, other_patient: Patient, specialist: Any
) -> None:
    payment = _open_payment(patient)
    if who == "specialist":
        login_with_2fa(client, specialist)
    else:
        client.force_login({"patient": patient, "other_patient": other_patient}[who].holder)
    assert client.get(reverse("billing:pending_offline")).status_code == 404
    url = reverse("billing:record_offline", args=[payment.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"amount": "2500", "reference": "X1"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_the_receipt_is_404_for_another_patient_and_for_specialists(
    client: Any, patient: Patient, other_patient: Patient, specialist: Any, coordinator: Any
) -> None:
    payment = _open_payment(patient)
    login_with_2fa(client, coordinator)
    client.post(
        reverse("billing:record_offline", args=[payment.public_id]),
        {"amount": "2500", "reference": "UTR1"},
    )
    url = reverse("billing:receipt", args=[payment.public_id])
    assert client.get(url).status_code == 200
    client.force_login(other_patient.holder)
    assert client.get(url).status_code == 404
    login_with_2fa(client, specialist)
    assert client.get(url).status_code == 404


def test_the_pending_list_costs_the_same_queries_however_long_it_is(
    client: Any, coordinator: Any, patient: Patient, django_assert_num_queries: Any
) -> None:
    login_with_2fa(client, coordinator)
    for _ in range(2):
        _open_payment(patient)
    client.get(reverse("billing:pending_offline"))  # warm the session and caches
    # Three fewer than when every request wrote the session (savepoint, update, release); one
    # more for the UPI payments to check.
    with django_assert_num_queries(7) as small:
        client.get(reverse("billing:pending_offline"))
    for _ in range(8):
        _open_payment(patient)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("billing:pending_offline"))
    assert len(response.context["awaiting"]) == 10


def test_an_offline_refund_waits_for_a_coordinator_to_transfer_it_back(
    client: Any, patient: Patient, coordinator: Any
) -> None:
    payment = _open_payment(patient)
    login_with_2fa(client, coordinator)
    client.post(
        reverse("billing:record_offline", args=[payment.public_id]),
        {"amount": "2500", "reference": "UTR1"},
    )
    payment.refresh_from_db()
    payment_refund(payment=payment, actor=None, reason="turnaround_breach")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUND_PENDING
    assert payment.refund_amount == Decimal("2500")
    assert not case_is_paid(case=payment.case)
    assert payment.case.reference in client.get(reverse("billing:pending_offline")).content.decode()
    client.post(
        reverse("billing:record_refund", args=[payment.public_id]), {"reference": "UTR-BACK-1"}
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refund_reference == "UTR-BACK-1"
    assert OutboxMessage.objects.filter(dedupe_key=f"payment-refunded:{payment.public_id}")
