"""Bank transfer or UPI to the service's account; a coordinator confirms the money arrived."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from consilium.billing.models import Payment
from consilium.billing.providers.base import ProviderEvent


class OfflineProvider:
    name = "offline"
    paid_events: frozenset[str] = frozenset()

    def create_order(self, payment: Payment) -> dict[str, Any]:
        # The case reference is what the payer quotes on the transfer.
        return {"id": "", "reference": payment.case.reference}

    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        return False

    def parse_event(self, raw_body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        return None

    def refund(self, payment: Payment, amount: Decimal) -> dict[str, Any]:
        return {"status": "pending_transfer", "id": ""}
