"""Where an offline payment goes: the deployment's UPI ID and bank account, the `upi://pay` link
every Indian UPI app understands (NPCI's deep-link format, no provider servers) and its QR code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlencode

import segno
from django.conf import settings

from consilium.billing.models import OfflinePaymentDetails, Payment

UTR_PATTERN = re.compile(r"\d{12}")


@dataclass(frozen=True)
class PayeeDetails:
    upi_id: str = ""
    upi_payee_name: str = ""
    account_name: str = ""
    account_number: str = ""
    ifsc: str = ""
    bank_name: str = ""
    notes: str = ""

    @property
    def has_bank_account(self) -> bool:
        return bool(self.account_number and self.ifsc)

    @property
    def is_empty(self) -> bool:
        return not (self.upi_id or self.has_bank_account)


def payee_details() -> PayeeDetails:
    """The deployment's settings, each empty one filled from the newest details the admin
    entered (so a deployment can use either)."""
    row = OfflinePaymentDetails.objects.order_by("-created_at").first()
    account_name = settings.BANK_ACCOUNT_NAME or (row.payee_name if row else "")
    return PayeeDetails(
        upi_id=settings.UPI_ID or (row.upi_id.strip() if row else ""),
        upi_payee_name=settings.UPI_PAYEE_NAME or account_name or settings.SITE_NAME,
        account_name=account_name,
        account_number=settings.BANK_ACCOUNT_NUMBER or (row.account_number if row else ""),
        ifsc=settings.BANK_IFSC or (row.ifsc.strip().upper() if row else ""),
        bank_name=settings.BANK_NAME or (row.bank_name if row else ""),
        notes=row.notes if row else "",
    )


def upi_amount(amount: Decimal) -> str:
    """The amount as UPI apps read it: rupees with exactly two decimals, no grouping."""
    return f"{amount.quantize(Decimal('0.01'))}"


def upi_link(*, payment: Payment, details: PayeeDetails) -> str:
    """`upi://pay?pa=…&pn=…&am=…&cu=INR&tn=<case reference>`, every value percent-encoded."""
    query = urlencode(
        {
            "pa": details.upi_id,
            "pn": details.upi_payee_name,
            "am": upi_amount(payment.amount),
            "cu": payment.currency,
            "tn": payment.case.reference,
        },
        quote_via=quote,
    )
    return f"upi://pay?{query}"


def upi_qr_svg(link: str) -> str:
    """The link as an inline SVG QR code (no style or script, so the CSP allows it). segno
    escapes the text into the SVG; the link holds only deployment settings and our reference."""
    return str(segno.make(link, error="m").svg_inline(scale=4, border=4, omitsize=True))
