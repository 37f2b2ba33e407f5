"""The signed consent as a PDF (WeasyPrint, Noto fonts so Devanagari renders)."""

from __future__ import annotations

import datetime as dt
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string

from consilium.consent.models import ConsentSignature
from consilium.consent.services import consent_text_hash

IST = ZoneInfo("Asia/Kolkata")


def consent_pdf_render(*, signature: ConsentSignature) -> bytes:
    """Renders the text the signer agreed to with the evidence of signing."""
    from weasyprint import HTML  # heavy import; only the download needs it

    text = signature.consent_text
    html = render_to_string(
        "consent/pdf.html",
        {
            "signature": signature,
            "text": text,
            "paragraphs": [p.strip() for p in text.body.split("\n\n") if p.strip()],
            "signed_ist": signature.signed_at.astimezone(IST),
            "signed_utc": signature.signed_at.astimezone(dt.UTC),
            "withdrawn_ist": signature.withdrawn_at.astimezone(IST)
            if signature.withdrawn_at
            else None,
            "sha256": signature.text_sha256 or consent_text_hash(text=text),
            "sha256_now": consent_text_hash(text=text),
            "SITE_NAME": settings.SITE_NAME,
        },
    )
    # WeasyPrint has no type hints; with no target, write_pdf returns the PDF's bytes.
    return cast(bytes, HTML(string=html).write_pdf())
