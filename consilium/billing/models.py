from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consilium.cases.models import Case, ReviewType
from consilium.core.models import BaseModel


class Price(BaseModel):
    """The deployment's price for a review type; the admin edits it. Seeded from settings."""

    review_type = models.CharField(max_length=16, choices=ReviewType.choices, unique=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="INR")

    def __str__(self) -> str:
        return f"{self.get_review_type_display()}: {self.currency} {self.amount}"


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Awaiting payment")
    CHECKING = "checking", _("Payment being checked")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    REFUND_PENDING = "refund_pending", _("Refund to be transferred")
    REFUNDED = "refunded", _("Refunded")


class Payment(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=16)
    review_type = models.CharField(max_length=16, choices=ReviewType.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    provider_order_id = models.CharField(max_length=64, blank=True, db_index=True)
    provider_payment_id = models.CharField(max_length=64, blank=True)
    receipt_number = models.CharField(max_length=32, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The coordinator who recorded an offline payment"),
    )
    offline_reference = models.CharField(_("bank or UPI reference"), max_length=100, blank=True)
    utr = models.CharField(
        _("UPI transaction reference (UTR)"),
        max_length=12,
        blank=True,
        help_text=_("The 12-digit reference the payer entered; a coordinator checks it"),
    )
    utr_submitted_at = models.DateTimeField(null=True, blank=True)
    submit_when_confirmed = models.BooleanField(
        default=False,
        help_text=_("The holder asked for the request to be sent once the payment is confirmed"),
    )
    rejection_reason = models.TextField(
        _("why the reference was not accepted"),
        blank=True,
        help_text=_("Shown to the payer, who can then enter the right reference"),
    )
    refund_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    refund_reference = models.CharField(
        _("refund reference"),
        max_length=100,
        blank=True,
        help_text=_("The provider's refund id, or the bank or UPI reference of the transfer back"),
    )
    refund_requested_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One UPI reference pays one payment: a second payer cannot quote the same one.
            models.UniqueConstraint(
                fields=["utr"], condition=~models.Q(utr=""), name="payment_utr_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.currency} {self.amount} ({self.status})"

    @property
    def amount_minor(self) -> int:
        """The amount in the currency's smallest unit (paise), as payment providers expect."""
        return int((self.amount * 100).to_integral_value())


class OfflinePaymentDetails(BaseModel):
    """Where patients send a bank transfer or UPI payment. The deployment's admin fills this in;
    the newest row is shown at checkout."""

    payee_name = models.CharField(_("account name"), max_length=200, blank=True)
    bank_name = models.CharField(_("bank and branch"), max_length=200, blank=True)
    account_number = models.CharField(_("account number"), max_length=64, blank=True)
    ifsc = models.CharField(_("IFSC code"), max_length=16, blank=True)
    upi_id = models.CharField(_("UPI ID"), max_length=100, blank=True)
    notes = models.TextField(_("extra instructions"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("offline payment details")
        verbose_name_plural = _("offline payment details")

    def __str__(self) -> str:
        return self.payee_name or str(_("Offline payment details"))


class PaymentEvent(models.Model):
    """A provider's webhook event, stored once: a repeat delivery finds its row and is ignored."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=128)
    event_type = models.CharField(max_length=64)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payment_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"
