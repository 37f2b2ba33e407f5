"""The payment receipt as a PDF (WeasyPrint, Noto fonts so Devanagari renders), with the
deployment's GSTIN and the tax included in the price when they are set."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from consilium.billing.models import Payment
from consilium.billing.money import format_money

IST = ZoneInfo("Asia/Kolkata")
PAISE = Decimal("0.01")


@dataclass(frozen=True)
class TaxLine:
    label: str
    amount: str


def tax_lines(*, amount: Decimal, currency: str) -> tuple[str, list[TaxLine]]:
    """The taxable value and the GST lines included in `amount`, or ("", []) without a GSTIN
    and a rate. Each line is rounded to the paisa; the lines and the taxable value add up to
    the amount exactly."""
    rate = Decimal(settings.GST_RATE)
    if not settings.GSTIN or rate <= 0:
        return "", []
    taxable = (amount * 100 / (100 + rate)).quantize(PAISE, rounding=ROUND_HALF_UP)
    tax = amount - taxable
    if settings.GST_KIND == "cgst_sgst":
        half = rate / 2
        cgst = (tax / 2).quantize(PAISE, rounding=ROUND_HALF_UP)
        lines = [
            TaxLine(_("CGST at %(rate)s%%") % {"rate": f"{half:g}"}, format_money(cgst, currency)),
            TaxLine(_("SGST at %(rate)s%%") % {"rate": f"{half:g}"},
                    format_money(tax - cgst, currency)),
        ]
    else:
        lines = [TaxLine(_("IGST at %(rate)s%%") % {"rate": f"{rate:g}"},
                         format_money(tax, currency))]
    return format_money(taxable, currency), lines


def receipt_pdf_render(*, payment: Payment) -> bytes:
    """The receipt of a paid (or since refunded) payment; the caller has checked access."""
    from weasyprint import HTML  # heavy import; only the download needs it

    taxable, lines = tax_lines(amount=payment.amount, currency=payment.currency)
    html = render_to_string(
        "billing/receipt_pdf.html",
        {
            "payment": payment,
            "case": payment.case,
            "paid_ist": payment.paid_at.astimezone(IST) if payment.paid_at else None,
            "taxable": taxable,
            "tax_lines": lines,
            "GSTIN": settings.GSTIN,
            "BILLING_NAME": settings.BILLING_NAME or settings.SITE_NAME,
            "BILLING_ADDRESS": settings.BILLING_ADDRESS,
        },
    )
    return bytes(HTML(string=html).write_pdf())
