"""Reads of prices and payments, by who is asking."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.billing.actions import BillingAction
from consilium.billing.models import Payment, PaymentStatus, Price
from consilium.cases import intake
from consilium.cases.models import Case, CaseStatus, IntakeStep, ReviewType

_SETTING_FOR = {
    ReviewType.SINGLE: "PRICE_SINGLE",
    ReviewType.DOUBLE: "PRICE_DOUBLE",
    ReviewType.BOARD: "PRICE_BOARD",
    ReviewType.PLATFORM: "PRICE_PLATFORM",
}


def case_is_paid(*, case: Case) -> bool:
    """True when a payment for this case has been received (and not refunded)."""
    return Payment.objects.filter(case=case, status=PaymentStatus.PAID).exists()


def case_paid_payment(*, case: Case) -> Payment | None:
    """The payment received for this case and not refunded, if there is one."""
    return Payment.objects.filter(case=case, status=PaymentStatus.PAID).order_by("-paid_at").first()


def price_for(*, review_type: str) -> Price:
    """The price of a review type; created from settings the first time it is needed."""
    price, _ = Price.objects.get_or_create(
        review_type=review_type,
        defaults={
            "amount": Decimal(getattr(settings, _SETTING_FOR[ReviewType(review_type)])),
            "currency": settings.CURRENCY,
        },
    )
    return price


def prices_all() -> list[Price]:
    """One price per review type, in the order the choices are offered."""
    existing = {p.review_type: p for p in Price.objects.all()}
    return [existing.get(value) or price_for(review_type=value) for value in ReviewType.values]


def payment_open_for_case(*, case: Case) -> Payment | None:
    """The payment the holder is asked to complete now (the caller has checked access)."""
    return (
        Payment.objects.filter(case=case, status=PaymentStatus.CREATED)
        .order_by("-created_at")
        .first()
    )


def payment_checking_for_case(*, case: Case) -> Payment | None:
    """The payment whose UPI reference a coordinator is checking (the caller has checked
    access)."""
    return (
        Payment.objects.filter(case=case, status=PaymentStatus.CHECKING)
        .order_by("-created_at")
        .first()
    )


def payments_to_check(*, user: User) -> QuerySet[Payment]:
    """UPI payments whose payers entered a reference, oldest report first (coordinators only;
    the case reference, never the patient's name)."""
    if not user.is_coordinator:
        raise Http404
    return (
        Payment.objects.filter(provider="offline", status=PaymentStatus.CHECKING)
        .select_related("case")
        .order_by("utr_submitted_at")
    )


def payment_paid_for_case(*, case: Case) -> Payment | None:
    return Payment.objects.filter(case=case, status=PaymentStatus.PAID).first()


def payment_receipted_for_case(*, case: Case) -> Payment | None:
    """The newest payment of the case that has a receipt (paid, or paid and since refunded);
    the caller has checked access."""
    return Payment.objects.filter(case=case).exclude(receipt_number="").order_by("-id").first()


def payments_visible_to(*, user: User | AnonymousUser) -> QuerySet[Payment]:
    """Coordinators see every payment; a holder sees their patients'; specialists none."""
    if not user.is_authenticated or user.is_specialist:
        return Payment.objects.none()
    if user.is_coordinator:
        return Payment.objects.all()
    return Payment.objects.filter(case__patient__holder=user)


def payment_get(
    *,
    user: User,
    public_id: UUID | str,
    action: StrEnum = BillingAction.PAYMENT_VIEW,
    coordinator_only: bool = False,
    holder_only: bool = False,
    with_receipt: bool = False,
    status: str | None = None,
) -> Payment:
    """One payment the user may see, or 404; the flags narrow it further (only coordinators,
    only the case's holder, only once it has a receipt, only in `status`). Audited once
    allowed."""
    if coordinator_only and not user.is_coordinator:
        raise Http404
    queryset = payments_visible_to(user=user)
    if holder_only:
        queryset = queryset.filter(case__patient__holder=user)
    if with_receipt:
        queryset = queryset.exclude(receipt_number="")
    if status is not None:
        queryset = queryset.filter(status=status)
    try:
        payment = queryset.select_related("case", "case__patient", "case__patient__holder").get(
            public_id=public_id
        )
    except (Payment.DoesNotExist, ValueError):
        raise Http404 from None
    record(actor=user, action=action, target=payment, detail={"case": str(payment.case.public_id)})
    return payment


def payments_awaiting_offline(*, user: User) -> QuerySet[Payment]:
    """Offline payments a coordinator may confirm, oldest first. Patients' names stay out of it:
    the case reference is what payers quote on transfers."""
    if not user.is_coordinator:
        raise Http404
    return (
        Payment.objects.filter(provider="offline", status=PaymentStatus.CREATED)
        .select_related("case")
        .order_by("created_at")
    )


def payments_awaiting_refund_transfer(*, user: User) -> QuerySet[Payment]:
    """Refunds a coordinator still has to send back by bank or UPI."""
    if not user.is_coordinator:
        raise Http404
    return (
        Payment.objects.filter(status=PaymentStatus.REFUND_PENDING)
        .select_related("case")
        .order_by("refund_requested_at")
    )


def _paid_exists(case: OuterRef) -> Exists:
    return Exists(Payment.objects.filter(case=case, status=PaymentStatus.PAID))


# The payment step of the intake (registered with `cases.intake` in BillingConfig.ready).
INTAKE_STEP = intake.ExternalStep(
    step=IntakeStep.PAYMENT,
    route="billing:choose",
    done_exists=_paid_exists,
    is_done=lambda case: case_is_paid(case=case),
    message=gettext_lazy("Choose a review type and pay for it."),
)


def case_page_part(user: User, case: Case, is_holder: bool) -> dict[str, Any]:
    """The case page of a sent request links its holder to the receipt; a draft's says when the
    payment is being checked (registered with `cases.hooks.on_case_page`; the payment page
    itself is for drafts)."""
    if case.status == CaseStatus.DRAFT:
        # A draft's holder sees that the UPI payment they reported is being checked.
        return {"payment_checking": payment_checking_for_case(case=case) if is_holder else None}
    return {"receipted": payment_receipted_for_case(case=case) if is_holder else None}
