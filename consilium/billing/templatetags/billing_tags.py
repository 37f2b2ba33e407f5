from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings

from consilium.billing.money import format_money
from consilium.billing.selectors import prices_all
from consilium.cases.models import ReviewType

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "INR") -> str:
    """{{ payment.amount|money:payment.currency }} → ₹2,500"""
    if amount is None:
        return ""
    return format_money(amount, currency or "INR")


@register.simple_tag
def offer() -> dict[str, Any]:
    """What a visitor is offered, from the admin's prices and the turnaround settings (the home
    page shows it: `{% offer as offer %}`)."""
    return {
        "prices": [
            {"label": ReviewType(price.review_type).label,
             "amount": format_money(price.amount, price.currency)}
            for price in prices_all()
        ],
        "target_hours": settings.TURNAROUND_TARGET_HOURS,
        "limit_hours": settings.TURNAROUND_LIMIT_HOURS,
    }
