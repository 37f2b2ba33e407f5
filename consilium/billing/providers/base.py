"""The one small interface every payment provider implements, and what it reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from consilium.billing.models import Payment


class ProviderError(Exception):
    """The provider could not be reached or refused the request (never shown raw to users)."""


@dataclass(frozen=True)
class ProviderEvent:
    """A webhook event reduced to what billing acts on."""

    event_id: str
    event_type: str
    order_id: str = ""
    payment_id: str = ""
    amount_minor: int = 0
    currency: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


class PaymentProvider(Protocol):
    name: str
    # Events that mean "the money has arrived"; others are acknowledged and ignored.
    paid_events: frozenset[str]

    def create_order(self, payment: Payment) -> dict[str, Any]:
        """Asks the provider for an order; the result's "id" is stored as provider_order_id."""
        ...

    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        """True when the body was signed by the provider."""
        ...

    def parse_event(self, raw_body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        """The event in a verified body, or None when it cannot be read."""
        ...

    def refund(self, payment: Payment, amount: Decimal) -> dict[str, Any]:
        """Starts a refund; "status" is "refunded" when done or "pending_transfer" when a person
        must move the money."""
        ...
