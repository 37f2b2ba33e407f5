from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consilium.billing.models import OfflinePaymentDetails, Payment, PaymentEvent, Price


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin[Price]):
    list_display = ["review_type", "amount", "currency"]
    list_editable = ["amount"]
    fields = ["review_type", "amount", "currency"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A missing price would be recreated from settings silently; edit it instead.
        return False


@admin.register(OfflinePaymentDetails)
class OfflinePaymentDetailsAdmin(admin.ModelAdmin[OfflinePaymentDetails]):
    """The bank and UPI details shown to payers; the newest row is used."""

    list_display = ["payee_name", "upi_id", "created_at"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    """Payments change only through billing's services (coordinator pages, webhooks)."""

    list_display = [
        "public_id",
        "provider",
        "amount",
        "currency",
        "status",
        "receipt_number",
        "created_at",
    ]
    list_filter = ["provider", "status"]
    search_fields = ["receipt_number", "provider_order_id", "provider_payment_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin[PaymentEvent]):
    list_display = ["provider", "event_id", "event_type", "received_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
