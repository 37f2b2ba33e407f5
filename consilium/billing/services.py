"""Every write to payments: starting one, recording money received, webhooks, refunds."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.billing.actions import BillingAction
from consilium.billing.models import Payment, PaymentEvent, PaymentStatus
from consilium.billing.money import format_money
from consilium.billing.providers import ProviderError, get_provider
from consilium.billing.providers.razorpay import RazorpayProvider
from consilium.billing.selectors import case_is_paid, case_paid_payment, price_for
from consilium.cases.models import Case, CaseStatus
from consilium.core.errors import DomainError, require
from consilium.notifications.services import outbox_enqueue

logger = logging.getLogger(__name__)


class WebhookRejected(Exception):
    """The webhook's signature did not match: nothing was stored or changed."""


def _receipt_number(payment: Payment) -> str:
    return f"RC-{timezone.now():%Y}-{payment.pk:06d}"


@transaction.atomic
def payment_start(*, case: Case, actor: User) -> Payment:
    """Opens (or reuses) the payment for the case's review type at today's price, creating the
    provider's order; an open payment for another type or price is abandoned."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    require(locked.status == CaseStatus.DRAFT, _("This case has already been submitted."))
    require(locked.review_type, _("Choose a review type first."))
    require(not case_is_paid(case=locked), _("This case is already paid."))
    provider = get_provider()
    price = price_for(review_type=locked.review_type)
    open_payments = list(Payment.objects.filter(case=locked, status=PaymentStatus.CREATED))
    for payment in open_payments:
        if (payment.provider, payment.review_type, payment.amount, payment.currency) == (
            provider.name,
            locked.review_type,
            price.amount,
            price.currency,
        ):
            return payment
    # Only one open payment per case, so a coordinator never confirms a superseded amount.
    Payment.objects.filter(pk__in=[p.pk for p in open_payments]).update(
        status=PaymentStatus.FAILED, updated_at=timezone.now()
    )
    payment = Payment.objects.create(
        case=locked,
        provider=provider.name,
        review_type=locked.review_type,
        amount=price.amount,
        currency=price.currency,
    )
    try:
        order = provider.create_order(payment)
    except ProviderError:
        logger.warning("payment order creation failed", exc_info=True)
        raise DomainError(
            _("We could not reach the payment service. Please try again in a few minutes.")
        ) from None
    payment.provider_order_id = str(order.get("id", ""))[:64]
    payment.save(update_fields=["provider_order_id", "updated_at"])
    record(
        actor=actor,
        action=BillingAction.PAYMENT_START,
        target=payment,
        detail={"case": str(locked.public_id), "provider": provider.name},
    )
    return payment


def _notify_paid(payment: Payment) -> None:
    holder = payment.case.patient.holder
    receipt_url = settings.SITE_URL + reverse("billing:receipt", args=[payment.public_id])
    with translation.override(getattr(holder, "preferred_language", None) or "en"):
        subject = _("Payment received for your request %(reference)s") % {
            "reference": payment.case.reference
        }
        body = _(
            "Hello,\n\nWe have received your payment of %(amount)s for request %(reference)s. "
            "Your receipt number is %(receipt)s.\n\nSee or print the receipt: %(url)s\n\n"
            "Next: if you have not yet sent your request to us, open it and press Submit. "
            "A coordinator then checks your reports and chooses the specialists.\n"
        ) % {
            "amount": format_money(payment.amount, payment.currency),
            "reference": payment.case.reference,
            "receipt": payment.receipt_number,
            "url": receipt_url,
        }
    outbox_enqueue(
        to=holder.email,
        subject=subject,
        body_text=body,
        dedupe_key=f"payment-paid:{payment.public_id}",
        recipient=holder,
    )


@transaction.atomic
def payment_mark_paid(
    *,
    payment: Payment,
    actor: User | None,
    provider_payment_id: str = "",
    offline_reference: str = "",
) -> bool:
    """Moves an open payment to paid exactly once (a conditional UPDATE, so concurrent webhooks,
    callbacks and coordinators cannot apply it twice); emails the receipt. False if it was not
    open any more."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": PaymentStatus.PAID,
        "paid_at": now,
        "updated_at": now,
        "receipt_number": _receipt_number(payment),
    }
    if provider_payment_id:
        fields["provider_payment_id"] = provider_payment_id[:64]
    if offline_reference:
        fields["offline_reference"] = offline_reference[:100]
    if getattr(actor, "is_authenticated", False) and payment.provider == "offline":
        fields["recorded_by"] = actor
    changed = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED).update(**fields)
    if changed != 1:
        return False
    payment.refresh_from_db()
    record(
        actor=actor,
        action=BillingAction.PAYMENT_PAID,
        target=payment,
        detail={"case": str(payment.case.public_id), "provider": payment.provider},
    )
    _notify_paid(payment)
    return True


@transaction.atomic
def payment_record_offline(
    *, payment: Payment, actor: User, amount: Decimal, reference: str
) -> Payment:
    """A coordinator records a bank or UPI transfer that arrived for the full amount."""
    require(actor.is_coordinator, _("Only coordinators record payments."))
    require(payment.provider == "offline", _("This payment is not a bank or UPI transfer."))
    require(payment.status == PaymentStatus.CREATED, _("This payment is not awaiting money."))
    require(
        amount == payment.amount,
        _(
            "The amount received (%(got)s) is not the amount due (%(due)s). Contact the payer "
            "before recording it."
        )
        % {
            "got": format_money(amount, payment.currency),
            "due": format_money(payment.amount, payment.currency),
        },
    )
    require(reference.strip(), _("Enter the bank or UPI reference of the transfer."))
    applied = payment_mark_paid(payment=payment, actor=actor, offline_reference=reference.strip())
    require(applied, _("This payment has already been recorded."))
    return payment


@transaction.atomic
def payment_confirm_callback(
    *, payment: Payment, actor: User, order_id: str, payment_id: str, signature: str
) -> Payment:
    """Applies Razorpay Checkout's browser callback after checking its signature."""
    provider = RazorpayProvider()
    require(
        payment.provider == provider.name
        and order_id == payment.provider_order_id
        and provider.verify_callback(order_id=order_id, payment_id=payment_id, signature=signature),
        _(
            "We could not confirm this payment. If money left your account, it will be matched "
            "automatically within an hour; otherwise please try again."
        ),
    )
    payment_mark_paid(payment=payment, actor=actor, provider_payment_id=payment_id)
    payment.refresh_from_db()
    return payment


def payment_webhook_receive(
    *, provider_name: str, raw_body: bytes, headers: Mapping[str, str]
) -> str:
    """Verifies, stores once and applies a provider's webhook. Returns "applied", "duplicate" or
    "ignored"; raises WebhookRejected when the signature is wrong."""
    provider = get_provider(provider_name)
    if not provider.verify_webhook(raw_body, headers):
        raise WebhookRejected
    event = provider.parse_event(raw_body, headers)
    if event is None or event.event_type not in provider.paid_events:
        return "ignored"
    with transaction.atomic():
        try:
            with transaction.atomic():
                PaymentEvent.objects.create(
                    provider=provider.name,
                    event_id=event.event_id,
                    event_type=event.event_type,
                    payload=event.payload,
                )
        except IntegrityError:
            return "duplicate"
        payment = (
            Payment.objects.select_related("case", "case__patient", "case__patient__holder")
            .filter(provider=provider.name, provider_order_id=event.order_id)
            .first()
            if event.order_id
            else None
        )
        if payment is None:
            logger.warning("webhook for an unknown order, event %s", event.event_id)
            return "ignored"
        if event.amount_minor != payment.amount_minor or event.currency != payment.currency:
            record(
                actor=None,
                action=BillingAction.PAYMENT_AMOUNT_MISMATCH,
                target=payment,
                detail={"event": event.event_id},
            )
            return "ignored"
        if not payment_mark_paid(payment=payment, actor=None, provider_payment_id=event.payment_id):
            if payment.status != PaymentStatus.PAID:
                # Money arrived on a payment we had abandoned: a coordinator must refund it.
                record(
                    actor=None,
                    action=BillingAction.PAYMENT_CAPTURE_UNMATCHED,
                    target=payment,
                    detail={"event": event.event_id, "status": payment.status},
                )
            return "duplicate"
        return "applied"


@transaction.atomic
def payment_refund_at_breach(case: Case) -> bool:
    """The clock passed its limit: refunds the case's payment in full. True when there was one
    (registered with `cases.hooks` in BillingConfig.ready)."""
    payment = case_paid_payment(case=case)
    if payment is None:
        return False
    payment_refund(payment=payment, actor=None, reason="turnaround_breach")
    return True


@transaction.atomic
def payment_refund_at_cancel(case: Case, actor: User) -> bool:
    """The case is being cancelled: refunds its payment in full (at once through the provider,
    or marked for a coordinator to transfer back when paid offline). True when a refund was
    started (registered with `cases.hooks` in BillingConfig.ready)."""
    payment = case_paid_payment(case=case)
    if payment is None:
        return False
    payment_refund(payment=payment, actor=actor, reason="cancelled")
    return True


def payment_refund(
    *, payment: Payment, actor: User | None, amount: Decimal | None = None, reason: str = ""
) -> Payment:
    """Refunds a paid payment: through the provider at once (Razorpay), or marked for a
    coordinator to transfer back (offline). `reason` is a short code, never health data."""
    locked = (
        Payment.objects.select_for_update()
        .select_related("case", "case__patient__holder")
        .get(pk=payment.pk)
    )
    require(locked.status == PaymentStatus.PAID, _("Only a paid payment can be refunded."))
    amount = locked.amount if amount is None else amount
    require(
        Decimal("0") < amount <= locked.amount,
        _("The refund must be more than zero and at most the amount paid."),
    )
    try:
        result = get_provider(locked.provider).refund(locked, amount)
    except ProviderError:
        logger.warning("refund failed", exc_info=True)
        raise DomainError(
            _("The payment service did not accept the refund. Try again later.")
        ) from None
    now = timezone.now()
    locked.refund_amount = amount
    locked.refund_requested_at = now
    locked.refund_reference = str(result.get("id", ""))[:100]
    if result.get("status") == "refunded":
        locked.status = PaymentStatus.REFUNDED
        locked.refunded_at = now
    else:
        locked.status = PaymentStatus.REFUND_PENDING
    locked.save(
        update_fields=[
            "refund_amount",
            "refund_requested_at",
            "refund_reference",
            "status",
            "refunded_at",
            "updated_at",
        ]
    )
    record(
        actor=actor,
        action=BillingAction.PAYMENT_REFUND,
        target=locked,
        detail={"case": str(locked.case.public_id), "status": locked.status, "reason": reason[:50]},
    )
    if locked.status == PaymentStatus.REFUNDED:
        _notify_refunded(locked)
    payment.status = locked.status
    return locked


@transaction.atomic
def payment_record_refund_transfer(*, payment: Payment, actor: User, reference: str) -> Payment:
    """A coordinator records that an offline refund has been sent back to the payer."""
    require(actor.is_coordinator, _("Only coordinators record refunds."))
    require(reference.strip(), _("Enter the bank or UPI reference of the transfer."))
    now = timezone.now()
    changed = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.REFUND_PENDING).update(
        status=PaymentStatus.REFUNDED,
        refunded_at=now,
        updated_at=now,
        refund_reference=reference.strip()[:100],
    )
    require(changed == 1, _("This refund has already been recorded."))
    payment.refresh_from_db()
    record(
        actor=actor,
        action=BillingAction.PAYMENT_REFUND_TRANSFERRED,
        target=payment,
        detail={"case": str(payment.case.public_id)},
    )
    _notify_refunded(payment)
    return payment


def _notify_refunded(payment: Payment) -> None:
    holder = payment.case.patient.holder
    with translation.override(getattr(holder, "preferred_language", None) or "en"):
        subject = _("Refund for your request %(reference)s") % {"reference": payment.case.reference}
        body = _(
            "Hello,\n\nWe have refunded %(amount)s for request %(reference)s. It goes back the "
            "way you paid and can take 5 to 7 working days to reach you.\n"
        ) % {
            "amount": format_money(payment.refund_amount or payment.amount, payment.currency),
            "reference": payment.case.reference,
        }
    outbox_enqueue(
        to=holder.email,
        subject=subject,
        body_text=body,
        dedupe_key=f"payment-refunded:{payment.public_id}",
        recipient=holder,
    )
