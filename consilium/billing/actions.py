"""The audit actions of the billing app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class BillingAction(StrEnum):
    BILLING_CHECKOUT = "billing.checkout"
    BILLING_CHOOSE = "billing.choose"
    PAYMENT_AMOUNT_MISMATCH = "payment.amount_mismatch"
    PAYMENT_CALLBACK = "payment.callback"
    PAYMENT_CAPTURE_UNMATCHED = "payment.capture_unmatched"
    PAYMENT_CHECK_FORM = "payment.check_form"
    PAYMENT_DETAILS_MISSING = "payment.details_missing"
    PAYMENT_PAID = "payment.paid"
    PAYMENT_RECEIPT = "payment.receipt"
    PAYMENT_RECEIPT_PDF = "payment.receipt_pdf"
    PAYMENT_RECORD_FORM = "payment.record_form"
    PAYMENT_REFUND = "payment.refund"
    PAYMENT_REFUND_FORM = "payment.refund_form"
    PAYMENT_REFUND_TRANSFERRED = "payment.refund_transferred"
    PAYMENT_UTR_REJECTED = "payment.utr_rejected"
    PAYMENT_UTR_SUBMITTED = "payment.utr_submitted"
    PAYMENT_START = "payment.start"
    PAYMENT_VIEW = "payment.view"
