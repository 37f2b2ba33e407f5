from __future__ import annotations

from typing import cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from consilium.accounts.models import User
from consilium.billing.actions import BillingAction
from consilium.billing.forms import (
    ConfirmUtrForm,
    OfflinePaymentForm,
    RefundTransferForm,
    RejectUtrForm,
    ReviewTypeForm,
    UtrForm,
)
from consilium.billing.models import Payment, PaymentStatus
from consilium.billing.receipt_pdf import receipt_pdf_render
from consilium.billing.selectors import (
    payment_checking_for_case,
    payment_get,
    payment_open_for_case,
    payment_paid_for_case,
    payments_awaiting_offline,
    payments_awaiting_refund_transfer,
    payments_to_check,
    prices_all,
)
from consilium.billing.services import (
    WebhookRejected,
    payment_confirm_callback,
    payment_confirm_utr,
    payment_record_offline,
    payment_record_refund_transfer,
    payment_reject_utr,
    payment_start,
    payment_submit_utr,
    payment_webhook_receive,
)
from consilium.billing.upi import payee_details, upi_amount, upi_link, upi_qr_svg
from consilium.cases.models import CaseStatus, ReviewType
from consilium.cases.selectors import case_get_editable
from consilium.cases.services import case_set_review_type
from consilium.consent.selectors import consent_is_active
from consilium.core.errors import DomainError

REVIEW_EXPLANATIONS = {
    ReviewType.SINGLE: gettext_lazy(
        "One specialist in the right field reads your case and writes the opinion."
    ),
    ReviewType.DOUBLE: gettext_lazy(
        "Two specialists review your case independently; you get both views in one report."
    ),
    ReviewType.BOARD: gettext_lazy(
        "Three or more specialists from different fields (for example surgery, "
        "medicine and radiation for cancer) agree on one opinion."
    ),
    ReviewType.PLATFORM: gettext_lazy(
        "Not sure? A coordinator reads your case and chooses the right specialists for you."
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The holder picks a review type with its price shown, then goes on to pay."""
    case = case_get_editable(
        user=cast(User, request.user), public_id=public_id, action=BillingAction.BILLING_CHOOSE
    )
    paid = payment_paid_for_case(case=case)
    # While a reported UPI payment is checked, the review it pays for stays as it is.
    checking = None if paid else payment_checking_for_case(case=case)
    form = ReviewTypeForm(
        request.POST if request.method == "POST" else None,
        initial={"review_type": case.review_type},
    )
    if request.method == "POST" and paid is None and checking is None and form.is_valid():
        try:
            case_set_review_type(
                case=case, review_type=form.cleaned_data["review_type"], actor=request.user
            )
            payment_start(case=case, actor=cast(User, request.user))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("billing:checkout", public_id=case.public_id)
    options = [
        {
            "price": price,
            "label": ReviewType(price.review_type).label,
            "explanation": REVIEW_EXPLANATIONS[ReviewType(price.review_type)],
            "checked": str(form["review_type"].value() or "") == price.review_type,
        }
        for price in prices_all()
    ]
    return render(
        request,
        "billing/choose.html",
        {
            "case": case,
            "form": form,
            "options": options,
            "paid": paid,
            "checking": checking,
            "consent_missing": not consent_is_active(case=case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """How to pay the open payment: Razorpay Checkout, or UPI (QR code and link) and bank
    details with the "I have paid" form for the UPI transaction reference; a POST is that
    form, from the case's holder."""
    case = case_get_editable(
        user=cast(User, request.user), public_id=public_id, action=BillingAction.BILLING_CHECKOUT
    )
    paid = payment_paid_for_case(case=case)
    checking = None if paid else payment_checking_for_case(case=case)
    payment = None if paid or checking else payment_open_for_case(case=case)
    if paid is None and checking is None and payment is None:
        return redirect("billing:choose", public_id=case.public_id)
    offline = payment is not None and payment.provider == "offline"
    form = UtrForm(request.POST if request.method == "POST" and offline else None)
    if request.method == "POST":
        if not offline or payment is None:
            return redirect("billing:checkout", public_id=case.public_id)
        if form.is_valid():
            try:
                payment_submit_utr(
                    payment=payment, actor=cast(User, request.user),
                    utr=form.cleaned_data["utr"],
                )
            except DomainError as error:
                form.add_error("utr", error.message)
            else:
                messages.success(
                    request, _("Thank you. We are checking your payment and will email you.")
                )
                return redirect("billing:checkout", public_id=case.public_id)
    context: dict[str, object] = {
        "case": case,
        "paid": paid,
        "checking": checking,
        "payment": payment,
        "form": form,
        "razorpay_options": _razorpay_options(request, payment) if payment else None,
    }
    if offline and payment is not None:
        details = payee_details()
        context["details"] = details
        context["amount_upi"] = upi_amount(payment.amount)
        if details.upi_id:
            link = upi_link(payment=payment, details=details)
            context["upi_link"] = link
            # segno escapes the text it writes; the link holds settings and our reference only.
            context["upi_qr"] = mark_safe(upi_qr_svg(link))  # noqa: S308
    return render(request, "billing/checkout.html", context)


def _razorpay_options(request: HttpRequest, payment: Payment) -> dict[str, object] | None:
    if payment.provider != "razorpay":
        return None
    return {
        "key": settings.RAZORPAY_KEY_ID,
        "amount": payment.amount_minor,
        "currency": payment.currency,
        "name": settings.SITE_NAME,
        "description": payment.case.reference,
        "order_id": payment.provider_order_id,
        "prefill": {"email": getattr(request.user, "email", "")},
    }


@login_required
@require_POST
def razorpay_callback(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Razorpay Checkout's success handler posts here (with our CSRF token) from the browser."""
    payment = payment_get(
        user=cast(User, request.user), public_id=public_id,
        action=BillingAction.PAYMENT_CALLBACK, holder_only=True
    )
    try:
        payment_confirm_callback(
            payment=payment,
            actor=cast(User, request.user),
            order_id=request.POST.get("razorpay_order_id", ""),
            payment_id=request.POST.get("razorpay_payment_id", ""),
            signature=request.POST.get("razorpay_signature", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. Your payment has been received."))
    return redirect("billing:checkout", public_id=payment.case.public_id)


@csrf_exempt  # Razorpay's servers cannot send our CSRF token; the HMAC signature replaces it.
@require_POST
def razorpay_webhook(request: HttpRequest) -> HttpResponse:
    """Razorpay's server-to-server events; each is applied once however often it arrives."""
    try:
        outcome = payment_webhook_receive(
            provider_name="razorpay", raw_body=request.body, headers=request.headers
        )
    except WebhookRejected:
        return HttpResponse("invalid signature", status=400, content_type="text/plain")
    return HttpResponse(outcome, content_type="text/plain")


@login_required
def receipt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A printable receipt for a paid (or refunded) payment."""
    payment = payment_get(
        user=cast(User, request.user), public_id=public_id,
        action=BillingAction.PAYMENT_RECEIPT, with_receipt=True
    )
    return render(request, "billing/receipt.html", {"payment": payment, "case": payment.case})


@login_required
def receipt_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The receipt as a PDF, with the GSTIN and the tax lines when the deployment sets them."""
    payment = payment_get(
        user=cast(User, request.user), public_id=public_id,
        action=BillingAction.PAYMENT_RECEIPT_PDF, with_receipt=True
    )
    response = HttpResponse(receipt_pdf_render(payment=payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{payment.receipt_number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def record_offline(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A coordinator records a bank or UPI transfer that has arrived."""
    payment = payment_get(
        user=cast(User, request.user), public_id=public_id,
        action=BillingAction.PAYMENT_RECORD_FORM, coordinator_only=True
    )
    form = OfflinePaymentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            payment_record_offline(
                payment=payment,
                actor=cast(User, request.user),
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Payment recorded for %(reference)s. The payer has been emailed a receipt.")
                % {"reference": payment.case.reference},
            )
            return redirect("billing:pending_offline")
    return render(request, "billing/record_offline.html", {"payment": payment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def record_refund(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A coordinator records the transfer back of an offline refund."""
    payment = payment_get(
        user=cast(User, request.user),
        public_id=public_id,
        action=BillingAction.PAYMENT_REFUND_FORM,
        coordinator_only=True,
        status=PaymentStatus.REFUND_PENDING,
    )
    form = RefundTransferForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            payment_record_refund_transfer(
                payment=payment, actor=cast(User, request.user),
                reference=form.cleaned_data["reference"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Refund recorded. The payer has been emailed."))
            return redirect("billing:pending_offline")
    return render(request, "billing/record_refund.html", {"payment": payment, "form": form})


@login_required
def pending_offline(request: HttpRequest) -> HttpResponse:
    """Coordinators' list of transfers to confirm and refunds to send."""
    to_check = list(payments_to_check(user=cast(User, request.user))[:200])
    awaiting = list(payments_awaiting_offline(user=cast(User, request.user))[:200])
    refunds = list(payments_awaiting_refund_transfer(user=cast(User, request.user))[:200])
    return render(
        request,
        "billing/pending_offline.html",
        {"to_check": to_check, "awaiting": awaiting, "refunds": refunds},
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_utr(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A coordinator checks a reported UPI payment against the bank statement and confirms it
    (a ticked box first: the confirmation cannot be undone), or rejects it with a reason."""
    payment = payment_get(
        user=cast(User, request.user), public_id=public_id,
        action=BillingAction.PAYMENT_CHECK_FORM, coordinator_only=True,
    )
    confirm = ConfirmUtrForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and confirm.is_valid():
        try:
            payment = payment_confirm_utr(payment=payment, actor=cast(User, request.user))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                (_("Payment confirmed for %(reference)s; the request is sent to triage and the "
                   "payer has been emailed a receipt.")
                 if payment.case.status == CaseStatus.TRIAGE else
                 _("Payment confirmed for %(reference)s; the payer has been emailed a receipt."))
                % {"reference": payment.case.reference},
            )
        return redirect("billing:pending_offline")
    return _check_page(request, payment, confirm, RejectUtrForm())


def _check_page(
    request: HttpRequest, payment: Payment, confirm: ConfirmUtrForm, reject: RejectUtrForm
) -> HttpResponse:
    return render(
        request,
        "billing/check_utr.html",
        {"payment": payment, "confirm": confirm, "reject": reject},
    )


@login_required
@require_POST
def reject_utr(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A coordinator could not find the reported UPI payment: they say why; the payer reads it."""
    payment = payment_get(
        user=cast(User, request.user), public_id=public_id,
        action=BillingAction.PAYMENT_CHECK_FORM, coordinator_only=True,
    )
    reject = RejectUtrForm(request.POST)
    if reject.is_valid():
        try:
            payment_reject_utr(
                payment=payment, actor=cast(User, request.user),
                reason=reject.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Reference rejected for %(reference)s; the payer has been told why.")
                % {"reference": payment.case.reference},
            )
        return redirect("billing:pending_offline")
    return _check_page(request, payment, ConfirmUtrForm(), reject)
