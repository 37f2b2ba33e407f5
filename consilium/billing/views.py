from __future__ import annotations

from typing import cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from consilium.accounts.models import User
from consilium.billing.actions import BillingAction
from consilium.billing.forms import OfflinePaymentForm, RefundTransferForm, ReviewTypeForm
from consilium.billing.models import Payment, PaymentStatus
from consilium.billing.selectors import (
    offline_details,
    payment_get,
    payment_open_for_case,
    payment_paid_for_case,
    payments_awaiting_offline,
    payments_awaiting_refund_transfer,
    prices_all,
)
from consilium.billing.services import (
    WebhookRejected,
    payment_confirm_callback,
    payment_record_offline,
    payment_record_refund_transfer,
    payment_start,
    payment_webhook_receive,
)
from consilium.cases.models import ReviewType
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
        user=request.user, public_id=public_id, action=BillingAction.BILLING_CHOOSE
    )
    paid = payment_paid_for_case(case=case)
    form = ReviewTypeForm(
        request.POST if request.method == "POST" else None,
        initial={"review_type": case.review_type},
    )
    if request.method == "POST" and paid is None and form.is_valid():
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
            "consent_missing": not consent_is_active(case=case),
        },
    )


@login_required
def checkout(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """How to pay the open payment: Razorpay Checkout or bank/UPI instructions."""
    case = case_get_editable(
        user=request.user, public_id=public_id, action=BillingAction.BILLING_CHECKOUT
    )
    paid = payment_paid_for_case(case=case)
    payment = None if paid else payment_open_for_case(case=case)
    if paid is None and payment is None:
        return redirect("billing:choose", public_id=case.public_id)
    return render(
        request,
        "billing/checkout.html",
        {
            "case": case,
            "paid": paid,
            "payment": payment,
            "details": offline_details() if payment and payment.provider == "offline" else None,
            "razorpay_options": _razorpay_options(request, payment) if payment else None,
        },
    )


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
        user=request.user, public_id=public_id,
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
        user=request.user, public_id=public_id,
        action=BillingAction.PAYMENT_RECEIPT, with_receipt=True
    )
    return render(request, "billing/receipt.html", {"payment": payment, "case": payment.case})


@login_required
@require_http_methods(["GET", "POST"])
def record_offline(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A coordinator records a bank or UPI transfer that has arrived."""
    payment = payment_get(
        user=request.user, public_id=public_id,
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
        user=request.user,
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
    awaiting = list(payments_awaiting_offline(user=request.user)[:200])
    refunds = list(payments_awaiting_refund_transfer(user=request.user)[:200])
    return render(
        request, "billing/pending_offline.html", {"awaiting": awaiting, "refunds": refunds}
    )
