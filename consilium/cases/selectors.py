"""Every read of a case that depends on who is asking."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from consilium.audit.services import record
from consilium.cases.models import Case, CaseStatus
from consilium.patients.selectors import patients_of


def cases_visible_to(*, user: Any) -> QuerySet[Case]:
    """Coordinators and admins see every submitted case; an account holder sees the cases of the
    patients they hold; specialists see none here (the review work gives them assigned cases
    through their own selector, de-identified)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    if user.is_coordinator:
        return Case.objects.exclude(status=CaseStatus.DRAFT)
    if user.is_specialist:
        return Case.objects.none()
    return Case.objects.filter(patient__in=patients_of(user=user))


def case_get(*, user: Any, public_id: UUID | str, action: str = "case.view") -> Case:
    """One case the user may see, or 404 (never 403: we do not confirm that it exists).
    Writes an audit event for the read."""
    try:
        case = cases_visible_to(user=user).select_related("patient").get(public_id=public_id)
    except (Case.DoesNotExist, ValueError):
        raise Http404 from None
    record(actor=user, action=action, target=case)
    return case


def case_get_editable(*, user: Any, public_id: UUID | str, action: str = "case.view") -> Case:
    """A case its holder may still change: a draft that belongs to one of their patients."""
    case = case_get(user=user, public_id=public_id, action=action)
    if case.status != CaseStatus.DRAFT or case.patient.holder_id != user.pk:
        raise Http404
    return case
