"""The offline UPI path: the payment page shows the deployment's UPI QR code and link with the
exact amount, the holder reports the UPI transaction reference, the coordinators are told, and a
coordinator confirms it (the case goes on to triage) or rejects it with a reason the payer
reads."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from consilium.audit.models import AuditEvent
from consilium.billing.actions import BillingAction
from consilium.billing.models import OfflinePaymentDetails, Payment, PaymentStatus, Price
from consilium.billing.services import (
    payment_confirm_utr,
    payment_reject_utr,
    payment_start,
    payment_submit_utr,
)
from consilium.billing.tests.factories import make_case
from consilium.billing.upi import payee_details, upi_link
from consilium.cases.models import Case, CaseStatus, MedicalArea
from consilium.cases.services import (
    case_create,
    case_save_condition,
    case_set_questions,
    case_set_review_type,
)
from consilium.cases.tests.conftest import add_consent, add_document
from consilium.core.errors import DomainError
from consilium.core.testing import login_with_2fa
from consilium.notifications.models import Notification, OutboxMessage
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db

UTR = "412345678901"


@pytest.fixture
def upi(settings: Any) -> Any:
    settings.UPI_ID = "consilium.health@okhdfcbank"
    settings.UPI_PAYEE_NAME = "Consilium Health & Care"
    settings.BANK_ACCOUNT_NAME = "Consilium Health Services"
    settings.BANK_ACCOUNT_NUMBER = "50100012345678"
    settings.BANK_IFSC = "HDFC0001234"
    settings.BANK_NAME = "HDFC Bank, Pune"
    # A price with paise, so the two decimals of the amount are seen.
    Price.objects.update_or_create(review_type="single", defaults={"amount": Decimal("2499.5")})
    return settings


def complete_unpaid_draft(patient: Patient, review_type: str = "single") -> Case:
    """Everything done but the payment, which is open (offline)."""
    holder = patient.holder
    case = case_create(patient=patient, actor=holder)
    case_save_condition(case=case, actor=holder, data={
        "medical_area": MedicalArea.CANCER, "diagnosis_so_far": "Carcinoma of the left breast"})
    case_set_questions(case=case, actor=holder, texts=["Is surgery needed first?"])
    add_document(case)
    add_consent(case)
    case_set_review_type(case=case, review_type=review_type, actor=holder)
    payment_start(case=case, actor=holder)
    return case


def _payment(case: Case) -> Payment:
    return Payment.objects.get(case=case, status__in=["created", "checking"])


def test_the_upi_link_carries_the_exact_amount_and_the_reference_percent_encoded(
    upi: Any, patient: Patient
) -> None:
    case = make_case(patient, review_type="single")
    payment = payment_start(case=case, actor=patient.holder)
    link = upi_link(payment=payment, details=payee_details())
    assert link.startswith("upi://pay?")
    assert "pn=Consilium%20Health%20%26%20Care" in link
    assert "pa=consilium.health%40okhdfcbank" in link
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "pa": ["consilium.health@okhdfcbank"], "pn": ["Consilium Health & Care"],
        "am": ["2499.50"], "cu": ["INR"], "tn": [case.reference],
    }


def test_the_payment_page_shows_the_qr_code_the_link_and_the_bank_details(
    upi: Any, client: Any, patient: Patient
) -> None:
    case = complete_unpaid_draft(patient)
    client.force_login(patient.holder)
    page = client.get(reverse("billing:checkout", args=[case.public_id])).content.decode()
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert svg is not None and "style=" not in svg.group(0) and "<script" not in svg.group(0)
    href = re.search(r'href="(upi://pay\?[^"]+)"', page)
    assert href is not None
    assert "am=2499.50" in href.group(1) and f"tn={case.reference}" in href.group(1)
    for text in ["consilium.health@okhdfcbank", "50100012345678", "HDFC0001234", "HDFC Bank",
                 "₹2,499.50", "I have paid"]:
        assert text in page


def test_the_admins_details_fill_in_what_the_settings_leave_empty(patient: Patient) -> None:
    OfflinePaymentDetails.objects.create(upi_id="admin@upi", payee_name="Admin Name",
                                         account_number="123", ifsc="sbin0000001")
    details = payee_details()
    assert (details.upi_id, details.upi_payee_name, details.ifsc) == (
        "admin@upi", "Admin Name", "SBIN0000001")


def test_without_any_details_the_patient_is_told_what_happens_and_the_coordinator_is_emailed(
    client: Any, patient: Patient, coordinator: Any
) -> None:
    case = complete_unpaid_draft(patient)
    client.force_login(patient.holder)
    page = client.get(reverse("billing:checkout", args=[case.public_id])).content.decode()
    assert "A coordinator has been told and will email you how to pay" in page
    assert "not shown here yet" not in page
    assert "Once you have paid as the coordinator's email tells you" in page
    [mail] = OutboxMessage.objects.filter(to=coordinator.email)
    assert mail.subject == f"Send payment details: {case.reference}"
    assert Notification.objects.filter(user=coordinator).count() == 1
    # Starting again (the same price) reuses the payment and tells no one twice.
    payment_start(case=case, actor=patient.holder)
    assert OutboxMessage.objects.filter(to=coordinator.email).count() == 1


def test_a_reference_that_is_not_12_digits_is_refused_with_a_clear_message(
    upi: Any, client: Any, patient: Patient
) -> None:
    case = complete_unpaid_draft(patient)
    client.force_login(patient.holder)
    url = reverse("billing:checkout", args=[case.public_id])
    short = client.post(url, {"utr": "41234"}).content.decode()
    assert "is 12 digits; you entered 5" in short
    letters = client.post(url, {"utr": "T2412051234ABC"}).content.decode()
    assert "has digits only" in letters
    assert 'value="T2412051234ABC"' in letters
    assert _payment(case).status == PaymentStatus.CREATED


def test_i_have_paid_puts_the_payment_under_check_and_tells_every_coordinator_once(
    upi: Any, client: Any, patient: Patient, coordinator: Any
) -> None:
    case = complete_unpaid_draft(patient)
    client.force_login(patient.holder)
    url = reverse("billing:checkout", args=[case.public_id])
    response = client.post(url, {"utr": "4123 4567 8901"})
    assert response.status_code == 302
    payment = _payment(case)
    assert (payment.status, payment.utr, payment.submit_when_confirmed) == (
        PaymentStatus.CHECKING, UTR, True)
    page = client.get(url).content.decode()
    assert "Payment being checked" in page and UTR in page
    [mail] = OutboxMessage.objects.filter(to=coordinator.email)
    assert mail.subject == f"UPI payment to check: {case.reference}"
    assert UTR in mail.body_text and "₹2,499.50" in mail.body_text
    assert patient.full_name not in mail.body_text
    assert AuditEvent.objects.filter(action=BillingAction.PAYMENT_UTR_SUBMITTED).count() == 1
    # A second submit (a double click, or another number) changes nothing.
    client.post(url, {"utr": UTR})
    client.post(url, {"utr": "999999999999"})
    payment.refresh_from_db()
    assert payment.utr == UTR
    assert OutboxMessage.objects.filter(to=coordinator.email).count() == 1
    assert AuditEvent.objects.filter(action=BillingAction.PAYMENT_UTR_SUBMITTED).count() == 1


def test_the_review_cannot_be_changed_while_the_payment_is_checked(
    upi: Any, patient: Patient
) -> None:
    case = complete_unpaid_draft(patient)
    payment_submit_utr(payment=_payment(case), actor=patient.holder, utr=UTR)
    case_set_review_type(case=case, review_type="double", actor=patient.holder)
    with pytest.raises(DomainError, match="being checked"):
        payment_start(case=case, actor=patient.holder)
    assert Payment.objects.get(case=case).status == PaymentStatus.CHECKING


def test_one_reference_pays_one_payment(upi: Any, patient: Patient, other_patient: Patient) -> None:
    first = complete_unpaid_draft(patient)
    second = complete_unpaid_draft(other_patient)
    payment_submit_utr(payment=_payment(first), actor=patient.holder, utr=UTR)
    with pytest.raises(DomainError, match="already been used"):
        payment_submit_utr(payment=_payment(second), actor=other_patient.holder, utr=UTR)
    assert _payment(second).status == PaymentStatus.CREATED


def test_only_the_holder_reports_the_payment(
    upi: Any, patient: Patient, other_patient: Patient, coordinator: Any
) -> None:
    case = complete_unpaid_draft(patient)
    for someone in (other_patient.holder, coordinator):
        with pytest.raises(DomainError):
            payment_submit_utr(payment=_payment(case), actor=someone, utr=UTR)
    assert _payment(case).status == PaymentStatus.CREATED


def test_confirming_pays_the_case_sends_it_to_triage_and_emails_the_receipt(
    upi: Any, patient: Patient, coordinator: Any
) -> None:
    case = complete_unpaid_draft(patient)
    payment = payment_submit_utr(payment=_payment(case), actor=patient.holder, utr=UTR)
    payment_confirm_utr(payment=payment, actor=coordinator)
    payment.refresh_from_db()
    case.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert (payment.offline_reference, payment.recorded_by) == (UTR, coordinator)
    assert case.status == CaseStatus.TRIAGE
    to_holder = OutboxMessage.objects.filter(to=patient.holder.email)
    subjects = sorted(m.subject for m in to_holder)
    assert subjects[0].startswith("Payment received for your request")
    assert len(subjects) == 2  # the receipt and the acknowledgement of the request
    receipt = to_holder.get(subject__startswith="Payment received")
    assert "on its way to the care team" in receipt.body_text
    # A second confirmation is refused and changes nothing.
    with pytest.raises(DomainError, match="not being checked any more"):
        payment_confirm_utr(payment=payment, actor=coordinator)
    assert OutboxMessage.objects.filter(to=patient.holder.email).count() == 2


def test_an_incomplete_draft_is_paid_on_confirmation_but_waits_for_its_holder(
    upi: Any, patient: Patient, coordinator: Any
) -> None:
    case = make_case(patient, review_type="single")
    payment = payment_start(case=case, actor=patient.holder)
    payment_submit_utr(payment=payment, actor=patient.holder, utr=UTR)
    payment.refresh_from_db()
    assert payment.submit_when_confirmed is False
    payment_confirm_utr(payment=payment, actor=coordinator)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    receipt = OutboxMessage.objects.get(to=patient.holder.email)
    assert "press Submit" in receipt.body_text


def test_rejecting_reopens_the_payment_and_the_payer_reads_why(
    upi: Any, client: Any, patient: Patient, coordinator: Any
) -> None:
    case = complete_unpaid_draft(patient)
    payment = payment_submit_utr(payment=_payment(case), actor=patient.holder, utr=UTR)
    with pytest.raises(DomainError, match="Write why"):
        payment_reject_utr(payment=payment, actor=coordinator, reason="  ")
    payment_reject_utr(payment=payment, actor=coordinator,
                       reason="No credit with this UTR on 4 December.")
    payment.refresh_from_db()
    assert (payment.status, payment.utr) == (PaymentStatus.CREATED, "")
    mail = OutboxMessage.objects.get(to=patient.holder.email)
    assert "No credit with this UTR on 4 December." in mail.body_text and UTR in mail.body_text
    client.force_login(patient.holder)
    page = client.get(reverse("billing:checkout", args=[case.public_id])).content.decode()
    assert "No credit with this UTR on 4 December." in page and 'name="utr"' in page
    # The right reference can then be entered.
    payment_submit_utr(payment=payment, actor=patient.holder, utr="512345678902")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CHECKING


def test_the_coordinator_confirms_from_the_list_after_ticking_the_box(
    upi: Any, client: Any, patient: Patient, coordinator: Any
) -> None:
    case = complete_unpaid_draft(patient)
    payment = payment_submit_utr(payment=_payment(case), actor=patient.holder, utr=UTR)
    login_with_2fa(client, coordinator)
    listing = client.get(reverse("billing:pending_offline")).content.decode()
    assert UTR in listing and patient.full_name not in listing
    url = reverse("billing:check_utr", args=[payment.public_id])
    assert "cannot be undone" in client.get(url).content.decode()
    unticked = client.post(url, {})
    assert "Tick the box" in unticked.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CHECKING
    assert client.post(url, {"found": "on"}).status_code == 302
    payment.refresh_from_db()
    case.refresh_from_db()
    assert (payment.status, case.status) == (PaymentStatus.PAID, CaseStatus.TRIAGE)


def test_patients_and_specialists_cannot_confirm_or_reject(
    upi: Any, client: Any, patient: Patient, specialist: Any
) -> None:
    case = complete_unpaid_draft(patient)
    payment = payment_submit_utr(payment=_payment(case), actor=patient.holder, utr=UTR)
    for user in (patient.holder, specialist):
        if user.is_staff_role:
            login_with_2fa(client, user)
        else:
            client.force_login(user)
        confirm = client.post(reverse("billing:check_utr", args=[payment.public_id]),
                              {"found": "on"})
        reject = client.post(reverse("billing:reject_utr", args=[payment.public_id]),
                             {"reason": "x"})
        assert (confirm.status_code, reject.status_code) == (404, 404)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CHECKING


def test_a_payment_confirmed_after_its_case_was_cancelled_is_marked_for_refund(
    upi: Any, patient: Patient, coordinator: Any
) -> None:
    case = complete_unpaid_draft(patient)
    payment = payment_submit_utr(payment=_payment(case), actor=patient.holder, utr=UTR)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CANCELLED)
    payment_confirm_utr(payment=payment, actor=coordinator)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUND_PENDING
    assert payment.refund_amount == payment.amount


def test_the_choice_page_keeps_the_review_while_the_payment_is_checked(
    upi: Any, client: Any, patient: Patient
) -> None:
    case = complete_unpaid_draft(patient)
    payment_submit_utr(payment=_payment(case), actor=patient.holder, utr=UTR)
    client.force_login(patient.holder)
    url = reverse("billing:choose", args=[case.public_id])
    response = client.post(url, {"review_type": "double"})
    assert "Payment being checked" in response.content.decode()
    case.refresh_from_db()
    assert case.review_type == "single"
    assert Payment.objects.get(case=case).status == PaymentStatus.CHECKING
