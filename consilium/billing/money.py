"""Amounts as Indians read them: ₹2,500 and ₹1,25,000 (lakh grouping)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"INR": "₹"}


def _group_indian(whole: str) -> str:
    if len(whole) <= 3:
        return whole
    head, tail = whole[:-3], whole[-3:]
    pairs: list[str] = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    if head:
        pairs.insert(0, head)
    return ",".join([*pairs, tail])


def format_money(amount: Decimal | int | str, currency: str = "INR") -> str:
    """'₹2,500' for whole rupees, '₹2,500.50' otherwise; other currencies get their code."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):.2f}".partition(".")
    text = _group_indian(whole) if currency == "INR" else f"{int(whole):,}"
    if fraction != "00":
        text += f".{fraction}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{currency} {text}"
