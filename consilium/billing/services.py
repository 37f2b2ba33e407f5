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
from consilium.accounts.selectors import coordinators_active
from consilium.audit.services import record
from consilium.billing.actions import BillingAction
from consilium.billing.models import Payment, PaymentEvent, PaymentStatus
from consilium.billing.money import format_money
from consilium.billing.providers import ProviderError, get_provider
from consilium.billing.providers.razorpay import RazorpayProvider
from consilium.billing.selectors import case_is_paid, case_paid_payment, price_for
from consilium.billing.upi import UTR_PATTERN, payee_details
from consilium.cases.models import Case, CaseStatus, IntakeStep
from consilium.cases.selectors import case_submit_problems
from consilium.cases.services import CaseIncomplete, case_submit
from consilium.core.errors import DomainError, require
from consilium.notifications.services import outbox_enqueue, user_notify

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
    require(
        not Payment.objects.filter(case=locked, status=PaymentStatus.CHECKING).exists(),
        _("Your payment is being checked. You can change the review once it is checked."),
    )
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
    if payment.provider == "offline" and payee_details().is_empty:
        _notify_details_missing(payment, actor)
    return payment


def _coordinators_notify(
    *, payment: Payment, message: str, subject: str, body: str, url: str, key: str
) -> None:
    """One notice and one email (through the outbox) per active coordinator. The texts hold the
    case reference and amounts only, never health data."""
    for coordinator in coordinators_active():
        user_notify(
            user=coordinator,
            message=message,
            url=url,
            subject=subject,
            body=body,
            dedupe_key=f"{key}:{payment.public_id}:{coordinator.pk}",
        )


def _notify_details_missing(payment: Payment, actor: User) -> None:
    """No UPI ID or bank account is set: a coordinator must send the payer the details."""
    record(
        actor=actor,
        action=BillingAction.PAYMENT_DETAILS_MISSING,
        target=payment,
        detail={"case": str(payment.case.public_id)},
    )
    reference = payment.case.reference
    amount = format_money(payment.amount, payment.currency)
    _coordinators_notify(
        payment=payment,
        message=_("%(reference)s wants to pay %(amount)s; no UPI ID or bank account is set.")
        % {"reference": reference, "amount": amount},
        subject=_("Send payment details: %(reference)s") % {"reference": reference},
        body=_(
            "Request %(reference)s wants to pay %(amount)s, but this deployment shows no UPI ID "
            "or bank account (set CONSILIUM_UPI_ID or the bank details). Email the payer how to "
            "pay, or set the details so the payment page shows them.\n\nPayments to check: "
            "%(url)s\n"
        )
        % {
            "reference": reference,
            "amount": amount,
            "url": settings.SITE_URL + reverse("billing:pending_offline"),
        },
        url=reverse("billing:pending_offline"),
        key="payment-details-missing",
    )


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
            "%(next)s\n"
        ) % {
            "next": _(
                "Next: your request is on its way to the care team. A coordinator checks your "
                "reports and chooses the specialists; we email you when it is sent."
            )
            if payment.submit_when_confirmed
            else _(
                "Next: if you have not yet sent your request to us, open it and press Submit. "
                "A coordinator then checks your reports and chooses the specialists."
            ),
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
    from_status: str = PaymentStatus.CREATED,
) -> bool:
    """Moves an open (or, for a UPI reference, a being-checked) payment to paid exactly once (a
    conditional UPDATE, so concurrent webhooks, callbacks and coordinators cannot apply it
    twice); emails the receipt. False if it was not in `from_status` any more."""
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
    if actor is not None and actor.is_authenticated and payment.provider == "offline":
        fields["recorded_by"] = actor
    changed = Payment.objects.filter(pk=payment.pk, status=from_status).update(**fields)
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
def payment_submit_utr(*, payment: Payment, actor: User, utr: str) -> Payment:
    """The holder says "I have paid" with the UPI transaction reference: the payment is being
    checked and the coordinators are told. Once per payment (a conditional UPDATE); a second
    submit changes nothing; a reference already quoted for another payment is refused."""
    utr = "".join(utr.split())
    require(payment.case.patient.holder_id == actor.pk,
            _("Only the account holder can report this payment."))
    require(payment.provider == "offline", _("This payment is not a bank or UPI transfer."))
    require(
        UTR_PATTERN.fullmatch(utr) is not None,
        _("The UPI transaction reference (UTR) is 12 digits, for example 412345678901. "
          "Your UPI app shows it under the payment's details."),
    )
    if payment.status == PaymentStatus.CHECKING and payment.utr == utr:
        return payment  # the same "I have paid" twice: nothing more to do
    require(payment.status == PaymentStatus.CREATED,
            _("This payment is not awaiting money any more."))
    require(
        not Payment.objects.filter(utr=utr).exclude(pk=payment.pk).exists(),
        _("This reference has already been used for a payment. Check the number in your UPI "
          "app; if it is right, contact us."),
    )
    now = timezone.now()
    submit_later = not any(
        problem.step != IntakeStep.PAYMENT
        for problem in case_submit_problems(case=payment.case, user=actor)
    )
    try:
        with transaction.atomic():
            changed = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED).update(
                status=PaymentStatus.CHECKING,
                utr=utr,
                utr_submitted_at=now,
                submit_when_confirmed=submit_later,
                rejection_reason="",
                updated_at=now,
            )
    except IntegrityError:
        raise DomainError(
            _("This reference has already been used for a payment. Check the number in your "
              "UPI app; if it is right, contact us.")
        ) from None
    if changed != 1:
        payment.refresh_from_db()
        return payment
    payment.refresh_from_db()
    record(
        actor=actor,
        action=BillingAction.PAYMENT_UTR_SUBMITTED,
        target=payment,
        detail={"case": str(payment.case.public_id)},
    )
    reference = payment.case.reference
    amount = format_money(payment.amount, payment.currency)
    check_url = reverse("billing:check_utr", args=[payment.public_id])
    _coordinators_notify(
        payment=payment,
        message=_("%(reference)s reports a UPI payment of %(amount)s: check it.")
        % {"reference": reference, "amount": amount},
        subject=_("UPI payment to check: %(reference)s") % {"reference": reference},
        body=_(
            "The payer of request %(reference)s reports a UPI payment of %(amount)s with "
            "transaction reference (UTR) %(utr)s. Find it in the bank statement, then confirm "
            "or reject it:\n%(url)s\n"
        )
        % {"reference": reference, "amount": amount, "utr": utr,
           "url": settings.SITE_URL + check_url},
        url=check_url,
        key=f"payment-utr:{utr}",
    )
    return payment


@transaction.atomic
def payment_confirm_utr(*, payment: Payment, actor: User) -> Payment:
    """A coordinator found the reported UPI payment in the bank statement: the payment is paid,
    the payer gets the receipt, and a request that was otherwise complete is sent on to triage
    as its holder asked when they reported the payment; a case cancelled meanwhile is refunded."""
    require(actor.is_coordinator, _("Only coordinators confirm payments."))
    require(payment.provider == "offline", _("This payment is not a bank or UPI transfer."))
    applied = payment_mark_paid(
        payment=payment, actor=actor, offline_reference=payment.utr,
        from_status=PaymentStatus.CHECKING,
    )
    require(applied, _("This payment is not being checked any more: someone has already "
                       "confirmed or rejected it."))
    case = Case.objects.get(pk=payment.case_id)
    if case.status == CaseStatus.CANCELLED:
        # Cancelled while the payment was being checked: the money goes back (a coordinator
        # transfers it, listed under the refunds to send).
        payment_refund(payment=payment, actor=actor, reason="cancelled")
        return payment
    if payment.submit_when_confirmed and case.status == CaseStatus.DRAFT:
        holder = case.patient.holder
        try:
            with transaction.atomic():
                case_submit(case=case, actor=holder)
        except CaseIncomplete:
            # Something changed since (consent withdrawn, say): the holder submits themselves,
            # as the receipt email tells them.
            pass
    payment.case.status = case.status
    return payment


@transaction.atomic
def payment_reject_utr(*, payment: Payment, actor: User, reason: str) -> Payment:
    """A coordinator could not find the reported UPI payment: the payment is open again and the
    payer reads why (by email and on the payment page) and can enter the right reference."""
    require(actor.is_coordinator, _("Only coordinators check payments."))
    reason = reason.strip()
    require(reason, _("Write why the reference was not accepted; the payer reads it."))
    now = timezone.now()
    changed = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CHECKING).update(
        status=PaymentStatus.CREATED,
        utr="",
        rejection_reason=reason[:1000],
        submit_when_confirmed=False,
        updated_at=now,
    )
    require(changed == 1, _("This payment is not being checked any more: someone has already "
                            "confirmed or rejected it."))
    rejected_utr = payment.utr
    payment.refresh_from_db()
    record(
        actor=actor,
        action=BillingAction.PAYMENT_UTR_REJECTED,
        target=payment,
        detail={"case": str(payment.case.public_id)},
    )
    holder = payment.case.patient.holder
    checkout_url = reverse("billing:checkout", args=[payment.case.public_id])
    with translation.override(getattr(holder, "preferred_language", None) or "en"):
        reference = payment.case.reference
        user_notify(
            user=holder,
            message=_("We could not confirm your payment for %(reference)s. See why.")
            % {"reference": reference},
            url=checkout_url,
            subject=_("We could not confirm your payment for %(reference)s")
            % {"reference": reference},
            body=_(
                "Hello,\n\nWe could not find your UPI payment with reference %(utr)s for "
                "request %(reference)s. The coordinator wrote:\n\n%(reason)s\n\nYou can "
                "enter the right reference, or pay again, here: %(url)s\n"
            )
            % {"utr": rejected_utr, "reference": reference, "reason": reason,
               "url": settings.SITE_URL + checkout_url},
            dedupe_key=f"payment-utr-rejected:{payment.public_id}:{rejected_utr}",
        )
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
