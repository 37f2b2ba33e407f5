from __future__ import annotations

from consilium.billing.models import Payment, PaymentStatus
from consilium.cases.models import Case


def case_is_paid(*, case: Case) -> bool:
    """True when a payment for this case has been received (and not refunded)."""
    return Payment.objects.filter(case=case, status=PaymentStatus.PAID).exists()
