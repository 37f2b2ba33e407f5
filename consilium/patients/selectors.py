"""Who may see which patient."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from consilium.patients.models import Patient


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
def patients_of(*, user: Any) -> QuerySet[Patient]:
    """The patients an account holds (itself, a parent, a child…)."""
    if not getattr(user, "is_authenticated", False):
        return Patient.objects.none()
    return Patient.objects.filter(holder=user, erased_at__isnull=True)
