"""The receipt as a PDF: the amounts, and the GSTIN and tax lines only when the deployment sets
them; the lines add up to the amount paid."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from consilium.billing.models import Payment
from consilium.billing.receipt_pdf import tax_lines
from consilium.billing.services import payment_record_offline, payment_start
from consilium.billing.tests.factories import make_case
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def _paid(patient: Patient, coordinator: Any) -> Payment:
    payment = payment_start(case=make_case(patient, review_type="single"), actor=patient.holder)
    payment_record_offline(payment=payment, actor=coordinator, amount=payment.amount,
                           reference="412345678901")
    payment.refresh_from_db()
    return payment


def test_the_tax_included_in_a_price_is_split_to_the_paisa(settings: Any) -> None:
    settings.GSTIN = "27AAACC1234F1Z5"
    settings.GST_RATE = Decimal("18")
    settings.GST_KIND = "cgst_sgst"
    taxable, lines = tax_lines(amount=Decimal("2500.00"), currency="INR")
    assert taxable == "₹2,118.64"
    assert [(line.label, line.amount) for line in lines] == [
        ("CGST at 9%", "₹190.68"), ("SGST at 9%", "₹190.68")]
    settings.GST_KIND = "igst"
    assert [(line.label, line.amount) for line in tax_lines(
        amount=Decimal("2500.00"), currency="INR")[1]] == [("IGST at 18%", "₹381.36")]
    settings.GSTIN = ""
    assert tax_lines(amount=Decimal("2500.00"), currency="INR") == ("", [])


def test_the_holder_downloads_the_receipt_pdf_with_the_gstin_and_tax_lines(
    client: Any, settings: Any, patient: Patient, coordinator: Any
) -> None:
    settings.GSTIN = "27AAACC1234F1Z5"
    settings.GST_RATE = Decimal("18")
    settings.BILLING_NAME = "Consilium Health Services LLP"
    payment = _paid(patient, coordinator)
    client.force_login(patient.holder)
    response = client.get(reverse("billing:receipt_pdf", args=[payment.public_id]))
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    for expected in ["Consilium Health Services LLP", "GSTIN: 27AAACC1234F1Z5",
                     payment.receipt_number, payment.case.reference, "IGST at 18%", "₹381.36",
                     "₹2,118.64", "Total paid (tax included)", "₹2,500", "412345678901"]:
        assert expected in text, expected


def test_without_a_gstin_the_receipt_pdf_has_no_tax_lines(
    client: Any, settings: Any, patient: Patient, coordinator: Any
) -> None:
    settings.GSTIN = ""
    settings.GST_RATE = Decimal("18")
    payment = _paid(patient, coordinator)
    login_with_2fa(client, coordinator)
    text = _text(client.get(reverse("billing:receipt_pdf", args=[payment.public_id])).content)
    assert "Amount paid" in text and "₹2,500" in text
    assert "GST" not in text
