"""The audit actions of the billing app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class BillingAction(StrEnum):
    BILLING_CHECKOUT = "billing.checkout"
    BILLING_CHOOSE = "billing.choose"
    PAYMENT_AMOUNT_MISMATCH = "payment.amount_mismatch"
    PAYMENT_CALLBACK = "payment.callback"
    PAYMENT_CAPTURE_UNMATCHED = "payment.capture_unmatched"
    PAYMENT_PAID = "payment.paid"
    PAYMENT_RECEIPT = "payment.receipt"
    PAYMENT_RECORD_FORM = "payment.record_form"
    PAYMENT_REFUND = "payment.refund"
    PAYMENT_REFUND_FORM = "payment.refund_form"
    PAYMENT_REFUND_TRANSFERRED = "payment.refund_transferred"
    PAYMENT_START = "payment.start"
    PAYMENT_VIEW = "payment.view"
