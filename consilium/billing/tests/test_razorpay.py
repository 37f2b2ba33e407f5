from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from consilium.billing.models import Payment, PaymentEvent, PaymentStatus
from consilium.billing.providers import get_provider
from consilium.billing.providers.razorpay import RazorpayProvider
from consilium.billing.selectors import case_is_paid
from consilium.billing.services import payment_refund, payment_start
from consilium.billing.tests.factories import make_case
from consilium.billing.tests.fake_razorpay import FakeRazorpay, fake_razorpay
from consilium.core.errors import DomainError
from consilium.notifications.models import OutboxMessage
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db

KEY_ID = "rzp_test_1DP5mmOlF5G5ag"
KEY_SECRET = "thisisasecretkey"
WEBHOOK_SECRET = "webhook-secret-for-tests"


@pytest.fixture
def razorpay(settings: Any) -> Any:
    settings.PAYMENT_PROVIDER = "razorpay"
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    with fake_razorpay(KEY_ID, KEY_SECRET) as server:
        settings.RAZORPAY_API_URL = server.url
        yield server


def _payment(patient: Patient, review_type: str = "single") -> Payment:
    return payment_start(case=make_case(patient, review_type=review_type), actor=patient.holder)


def _event(payment: Payment, event: str = "payment.captured", amount: int | None = None) -> bytes:
    entity = {
        "id": "pay_29QQoUBi66xm2f",
        "entity": "payment",
        "amount": payment.amount_minor if amount is None else amount,
        "currency": "INR",
        "status": "captured",
        "order_id": payment.provider_order_id,
        "method": "upi",
    }
    payload: dict[str, Any] = {"payment": {"entity": entity}}
    if event == "order.paid":
        payload["order"] = {
            "entity": {
                "id": payment.provider_order_id,
                "entity": "order",
                "amount": entity["amount"],
                "amount_paid": entity["amount"],
                "currency": "INR",
                "status": "paid",
            }
        }
    return json.dumps(
        {
            "entity": "event",
            "account_id": "acc_BFQ7uQEaa7j2z7",
            "event": event,
            "contains": list(payload),
            "payload": payload,
            "created_at": 1700000000,
        }
    ).encode()


def _deliver(
    client: Any,
    body: bytes,
    event_id: str = "evt_1",
    secret: str = WEBHOOK_SECRET,
    signature: str | None = None,
) -> Any:
    if signature is None:
        signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        reverse("billing:razorpay_webhook"),
        data=body,
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=signature,
        HTTP_X_RAZORPAY_EVENT_ID=event_id,
    )


def test_an_order_is_created_with_basic_auth_the_amount_in_paise_and_the_case_reference(
    razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient, "double")
    assert payment.provider == "razorpay"
    assert payment.provider_order_id.startswith("order_")
    [request] = razorpay.requests
    assert request["path"] == "/v1/orders"
    assert request["body"]["amount"] == 350000
    assert request["body"]["currency"] == "INR"
    assert request["body"]["receipt"] == payment.case.reference


def test_the_checkout_page_loads_razorpay_with_the_order(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    client.force_login(patient.holder)
    page = client.get(reverse("billing:checkout", args=[payment.case.public_id])).content.decode()
    assert "https://checkout.razorpay.com/v1/checkout.js" in page
    assert payment.provider_order_id in page
    assert KEY_ID in page
    assert KEY_SECRET not in page


def test_an_unreachable_razorpay_shows_a_message_and_opens_no_payment(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    razorpay.fail_with = 502
    case = make_case(patient)
    client.force_login(patient.holder)
    response = client.post(
        reverse("billing:choose", args=[case.public_id]), {"review_type": "single"}
    )
    assert response.status_code == 200
    assert "could not reach the payment service" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_webhook_delivered_three_times_is_applied_once(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    body = _event(payment)
    outcomes = [_deliver(client, body, event_id="evt_A").content for _ in range(3)]
    assert outcomes == [b"applied", b"duplicate", b"duplicate"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_payment_id == "pay_29QQoUBi66xm2f"
    assert PaymentEvent.objects.count() == 1
    assert OutboxMessage.objects.count() == 1
    assert case_is_paid(case=payment.case)


def test_order_paid_after_payment_captured_changes_nothing_more(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    assert _deliver(client, _event(payment), event_id="evt_1").content == b"applied"
    paid_at = Payment.objects.get(pk=payment.pk).paid_at
    assert _deliver(client, _event(payment, "order.paid"), event_id="evt_2").content == (
        b"duplicate"
    )
    assert Payment.objects.get(pk=payment.pk).paid_at == paid_at
    assert OutboxMessage.objects.count() == 1


def test_order_paid_alone_marks_the_payment_paid(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    assert _deliver(client, _event(payment, "order.paid")).content == b"applied"
    assert case_is_paid(case=payment.case)


@pytest.mark.parametrize("signature", ["0" * 64, "", "not-hex"])
def test_a_webhook_with_a_wrong_signature_changes_nothing(
    client: Any, razorpay: FakeRazorpay, patient: Patient, signature: str
) -> None:
    payment = _payment(patient)
    response = _deliver(client, _event(payment), signature=signature)
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert not PaymentEvent.objects.exists()


def test_a_webhook_signed_with_another_secret_is_refused(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    assert _deliver(client, _event(payment), secret="someone-else").status_code == 400
    assert not case_is_paid(case=payment.case)


def test_unknown_events_are_acknowledged_and_ignored(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    response = _deliver(client, _event(payment, "payment.failed"))
    assert (response.status_code, response.content) == (200, b"ignored")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert not PaymentEvent.objects.exists()


def test_a_captured_amount_that_differs_from_the_price_does_not_mark_it_paid(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    assert _deliver(client, _event(payment, amount=100)).content == b"ignored"
    assert not case_is_paid(case=payment.case)


def test_the_webhook_refuses_get_requests(client: Any) -> None:
    assert client.get(reverse("billing:razorpay_webhook")).status_code == 405


def _callback_signature(order_id: str, payment_id: str, secret: str = KEY_SECRET) -> str:
    return hmac.new(
        secret.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256
    ).hexdigest()


def test_the_checkout_callback_with_a_valid_signature_marks_the_payment_paid(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    client.force_login(patient.holder)
    response = client.post(
        reverse("billing:razorpay_callback", args=[payment.public_id]),
        {
            "razorpay_order_id": payment.provider_order_id,
            "razorpay_payment_id": "pay_ABC123",
            "razorpay_signature": _callback_signature(payment.provider_order_id, "pay_ABC123"),
        },
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    # The webhook for the same payment arrives later and changes nothing.
    assert _deliver(client, _event(payment)).content == b"duplicate"
    assert OutboxMessage.objects.count() == 1


def test_the_checkout_callback_with_a_forged_signature_changes_nothing(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    client.force_login(patient.holder)
    client.post(
        reverse("billing:razorpay_callback", args=[payment.public_id]),
        {
            "razorpay_order_id": payment.provider_order_id,
            "razorpay_payment_id": "pay_ABC123",
            "razorpay_signature": _callback_signature(payment.provider_order_id, "pay_OTHER"),
        },
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_callback_signature_verification_follows_razorpays_formula(settings: Any) -> None:
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    provider = RazorpayProvider()
    good = _callback_signature("order_1", "pay_1")
    assert provider.verify_callback(order_id="order_1", payment_id="pay_1", signature=good)
    assert not provider.verify_callback(order_id="order_2", payment_id="pay_1", signature=good)
    assert not provider.verify_callback(order_id="order_1", payment_id="pay_1", signature="")


def test_another_patient_cannot_post_a_callback_for_someone_elses_payment(
    client: Any, razorpay: FakeRazorpay, patient: Patient, other_patient: Patient
) -> None:
    payment = _payment(patient)
    client.force_login(other_patient.holder)
    response = client.post(reverse("billing:razorpay_callback", args=[payment.public_id]), {})
    assert response.status_code == 404


def test_a_razorpay_refund_goes_through_the_api_and_emails_the_payer(
    client: Any, razorpay: FakeRazorpay, patient: Patient
) -> None:
    payment = _payment(patient)
    _deliver(client, _event(payment))
    payment.refresh_from_db()
    payment_refund(payment=payment, actor=None, amount=Decimal("1000"), reason="breach")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refund_reference == "rfnd_TEST0000000001"
    refund_request = razorpay.requests[-1]
    assert refund_request["path"] == "/v1/payments/pay_29QQoUBi66xm2f/refund"
    assert refund_request["body"]["amount"] == 100000
    assert OutboxMessage.objects.filter(dedupe_key=f"payment-refunded:{payment.public_id}")


def test_an_unpaid_payment_cannot_be_refunded(razorpay: FakeRazorpay, patient: Patient) -> None:
    payment = _payment(patient)
    with pytest.raises(DomainError):
        payment_refund(payment=payment, actor=None)


def test_the_provider_follows_the_setting(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "offline"
    assert get_provider().name == "offline"
    settings.PAYMENT_PROVIDER = "razorpay"
    assert get_provider().name == "razorpay"
