"""Payment providers behind one small interface; settings.PAYMENT_PROVIDER picks one."""

from __future__ import annotations

from django.conf import settings

from consilium.billing.providers.base import PaymentProvider, ProviderError, ProviderEvent
from consilium.billing.providers.offline import OfflineProvider
from consilium.billing.providers.razorpay import RazorpayProvider

__all__ = [
    "OfflineProvider", "PaymentProvider", "ProviderError", "ProviderEvent", "RazorpayProvider",
    "get_provider",
]


def get_provider(name: str | None = None) -> PaymentProvider:
    """The configured provider (or the one named, for events about older payments)."""
    chosen = name or settings.PAYMENT_PROVIDER
    if chosen == RazorpayProvider.name:
        return RazorpayProvider()
    if chosen == OfflineProvider.name:
        return OfflineProvider()
    raise ProviderError(f"unknown payment provider {chosen!r}")
