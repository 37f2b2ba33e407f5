"""In Chromium, on a 360 px phone: a patient whose request is complete but for the payment sees
the deployment's UPI QR code and `upi://pay` link with the exact amount and the case reference,
is told clearly when the UTR is mistyped, reports the right one ("I have paid") and sees the
payment being checked; the coordinators are emailed; a coordinator, signed in with two-step
sign-in, finds it on the payments page, must tick that they found it, confirms, and the case is
in triage; the patient's receipt arrives on a real SMTP server (aiosmtpd). Every page is checked
with axe-core at 360 px (and the payment page at desktop width): a serious or critical violation
fails the test."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from consilium.accounts.models import User
from consilium.billing.models import Payment, PaymentStatus, Price
from consilium.billing.tests.test_upi import complete_unpaid_draft
from consilium.cases.models import CaseStatus
from consilium.consultations.tests.test_booking_in_browser import mails, signed_in_phone
from consilium.core.testing import SmtpServer
from consilium.patients.models import Patient
from consilium.records.tests.test_share_in_browser import (
    AXE,
    accessibility_problems,
    fits_the_screen,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_pays_by_upi_the_coordinator_confirms_and_the_case_goes_to_triage(
    smtp_server: SmtpServer, chromium: Any, live_server: Any, settings: Any,
    patient: Patient, coordinator: User,
) -> None:
    assert AXE.exists(), "axe-core is missing: run `make setup` (it runs `npm ci`)"
    settings.SITE_URL = live_server.url
    settings.UPI_ID = "consilium.health@okhdfcbank"
    settings.UPI_PAYEE_NAME = "Consilium Health"
    settings.BANK_ACCOUNT_NAME = "Consilium Health Services"
    settings.BANK_ACCOUNT_NUMBER = "50100012345678"
    settings.BANK_IFSC = "HDFC0001234"
    settings.BANK_NAME = "HDFC Bank, Pune"
    Price.objects.update_or_create(review_type="single", defaults={"amount": Decimal("2499.5")})
    case = complete_unpaid_draft(patient)
    problems: list[str] = []

    # Given the patient on the payment page of a request complete but for the payment
    page = signed_in_phone(chromium, live_server, patient.holder)
    page.goto(f"/billing/case/{case.public_id}/checkout/")
    problems += accessibility_problems(page, "upi-pay")
    assert fits_the_screen(page)
    # Then they see the UPI QR code and the link, with the exact amount and the reference
    assert page.locator("figure.upi-qr svg").is_visible()
    link = page.get_by_role("button", name="Pay ₹2,499.50 with a UPI app").get_attribute("href")
    assert link is not None and link.startswith("upi://pay?")
    assert parse_qs(urlsplit(link).query) == {
        "pa": ["consilium.health@okhdfcbank"], "pn": ["Consilium Health"], "am": ["2499.50"],
        "cu": ["INR"], "tn": [case.reference],
    }
    main = page.locator("main").inner_text()
    assert "50100012345678" in main and "HDFC0001234" in main
    # (and at desktop width the page has no serious problem either)
    wide = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    wide.add_cookies(page.context.cookies())
    desktop = wide.new_page()
    desktop.goto(f"/billing/case/{case.public_id}/checkout/")
    assert desktop.locator("figure.upi-qr svg").is_visible()
    problems += accessibility_problems(desktop, "upi-pay-desktop")
    wide.close()

    # When they mistype the UTR, they are told what it looks like and nothing changes
    page.get_by_label("UPI transaction reference (UTR)").fill("41234567890")
    page.get_by_role("button", name="I have paid").click()
    page.wait_for_selector("text=is 12 digits; you entered 11")
    problems += accessibility_problems(page, "utr-error")
    assert Payment.objects.get(case=case).status == PaymentStatus.CREATED

    # When they enter the right one
    page.get_by_label("UPI transaction reference (UTR)").fill("412345678901")
    page.get_by_role("button", name="I have paid").click()
    # Then the payment is being checked, and they need do nothing more
    page.wait_for_selector("h2:has-text('Payment being checked')")
    problems += accessibility_problems(page, "being-checked")
    assert fits_the_screen(page)
    assert "You need not do anything more" in page.locator("main").inner_text()
    # and their request's page says so too
    page.goto(case.get_absolute_url())
    assert "A coordinator is checking your UPI payment of ₹2,499.50" in page.locator(
        "#payment-checking").inner_text()
    problems += accessibility_problems(page, "case-checking")
    assert fits_the_screen(page)
    # and the coordinator is emailed
    [told] = mails(smtp_server, "UPI payment to check", 1)
    assert str(told["To"]) == coordinator.email

    # When the coordinator opens the payments to check
    desk = signed_in_phone(chromium, live_server, coordinator)
    desk.goto("/billing/payments/pending/")
    problems += accessibility_problems(desk, "payments")
    assert fits_the_screen(desk)
    desk.get_by_role("link", name=f"Check {case.reference}").click()
    desk.wait_for_selector("h1:has-text('Check a UPI payment')")
    problems += accessibility_problems(desk, "check")
    assert fits_the_screen(desk)
    assert "412345678901" in desk.locator("main").inner_text()
    # and confirms without ticking that they found it, nothing happens but a clear message
    desk.get_by_role("button", name="Confirm the payment").click()
    desk.wait_for_selector("text=Tick the box once you have found the payment.")
    problems += accessibility_problems(desk, "check-untick")
    assert Payment.objects.get(case=case).status == PaymentStatus.CHECKING
    # When they tick it and confirm
    desk.get_by_label("I have found this payment").check()
    desk.get_by_role("button", name="Confirm the payment").click()
    desk.wait_for_selector("text=the request is sent to triage")
    problems += accessibility_problems(desk, "confirmed")

    # Then the case is paid and in triage, and the patient's receipt arrived by SMTP
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE
    payment = Payment.objects.get(case=case)
    assert (payment.status, payment.offline_reference) == (PaymentStatus.PAID, "412345678901")
    [receipt] = mails(smtp_server, "Payment received for your request", 1)
    assert str(receipt["To"]) == patient.holder.email
    text = receipt.get_body(preferencelist=("plain",)).get_content()
    assert payment.receipt_number in text and "₹2,499.50" in text
    # and the patient's request page shows it sent
    page.goto(case.get_absolute_url())
    problems += accessibility_problems(page, "case-sent")
    assert fits_the_screen(page)

    assert problems == []
