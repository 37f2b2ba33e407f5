from __future__ import annotations

from decimal import Decimal

from django import template

from consilium.billing.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "INR") -> str:
    """{{ payment.amount|money:payment.currency }} → ₹2,500"""
    if amount is None:
        return ""
    return format_money(amount, currency or "INR")
