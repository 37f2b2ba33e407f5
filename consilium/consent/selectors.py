from __future__ import annotations

from consilium.cases.models import Case
from consilium.consent.models import ConsentSignature


def consent_is_active(*, case: Case) -> bool:
    """True when a signature for this case exists and has not been withdrawn."""
    return ConsentSignature.objects.filter(case=case, withdrawn_at__isnull=True).exists()
