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
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
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
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("The coordinator who recorded an offline payment"),
    )
    offline_reference = models.CharField(_("bank or UPI reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.currency} {self.amount} ({self.status})"


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
