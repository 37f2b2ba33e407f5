"""Razorpay over its REST API with the standard library (no SDK): orders, checkout signature,
webhooks and refunds."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings

from consilium.billing.models import Payment
from consilium.billing.providers.base import ProviderError, ProviderEvent

TIMEOUT_SECONDS = 15


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class RazorpayProvider:
    name = "razorpay"
    paid_events: frozenset[str] = frozenset({"payment.captured", "order.paid"})

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{settings.RAZORPAY_API_URL.rstrip('/')}/{path.lstrip('/')}"
        if not url.startswith(("https://", "http://")):
            raise ProviderError("RAZORPAY_API_URL must be an http(s) URL")
        credentials = f"{settings.RAZORPAY_KEY_ID}:{settings.RAZORPAY_KEY_SECRET}".encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": "Basic " + base64.b64encode(credentials).decode(),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                data = json.loads(response.read().decode())
        except urllib.error.HTTPError as error:
            # Razorpay explains refusals in {"error": {"code", "description"}}; keep the code only.
            raise ProviderError(f"razorpay {path}: HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise ProviderError(f"razorpay {path}: {type(error).__name__}") from None
        if not isinstance(data, dict):
            raise ProviderError(f"razorpay {path}: unexpected response")
        return data

    def create_order(self, payment: Payment) -> dict[str, Any]:
        order = self._post(
            "orders",
            {
                "amount": payment.amount_minor,
                "currency": payment.currency,
                "receipt": payment.case.reference,
                "notes": {"payment": str(payment.public_id)},
            },
        )
        if not str(order.get("id", "")).startswith("order_"):
            raise ProviderError("razorpay orders: no order id in the response")
        return order

    def verify_callback(self, *, order_id: str, payment_id: str, signature: str) -> bool:
        """Checks the signature Checkout hands the browser after a successful payment."""
        if not (settings.RAZORPAY_KEY_SECRET and order_id and payment_id and signature):
            return False
        expected = _hmac_hex(settings.RAZORPAY_KEY_SECRET, f"{order_id}|{payment_id}".encode())
        return hmac.compare_digest(expected, signature)

    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        signature = headers.get("X-Razorpay-Signature", "")
        if not (settings.RAZORPAY_WEBHOOK_SECRET and signature):
            return False
        expected = _hmac_hex(settings.RAZORPAY_WEBHOOK_SECRET, raw_body)
        return hmac.compare_digest(expected, signature)

    def parse_event(self, raw_body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        try:
            data = json.loads(raw_body.decode())
        except (UnicodeDecodeError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        event_type = str(data.get("event", ""))
        payload = data.get("payload") or {}
        entity = (
            ((payload.get("payment") or {}).get("entity") or {})
            if isinstance(payload, dict)
            else {}
        )
        order = (
            ((payload.get("order") or {}).get("entity") or {}) if isinstance(payload, dict) else {}
        )
        # Razorpay sends the same X-Razorpay-Event-Id on every retry of one event.
        event_id = headers.get("X-Razorpay-Event-Id", "") or hashlib.sha256(raw_body).hexdigest()
        try:
            amount = int(entity.get("amount") or order.get("amount_paid") or 0)
        except (TypeError, ValueError):
            amount = 0
        return ProviderEvent(
            event_id=event_id[:128],
            event_type=event_type[:64],
            order_id=str(entity.get("order_id") or order.get("id") or ""),
            payment_id=str(entity.get("id") or ""),
            amount_minor=amount,
            currency=str(entity.get("currency") or order.get("currency") or ""),
            payload=data,
        )

    def refund(self, payment: Payment, amount: Decimal) -> dict[str, Any]:
        if not payment.provider_payment_id:
            raise ProviderError("razorpay refund: payment has no provider payment id")
        refund = self._post(
            f"payments/{payment.provider_payment_id}/refund",
            {
                "amount": int((amount * 100).to_integral_value()),
                "speed": "normal",
                "notes": {"payment": str(payment.public_id)},
            },
        )
        return {"status": "refunded", "id": str(refund.get("id", ""))}
