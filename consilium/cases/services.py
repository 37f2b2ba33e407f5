"""Every write to a case. Status changes happen only in `case_transition`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consilium.audit.services import record
from consilium.cases.models import Case, CaseStatus, CaseTransition
from consilium.cases.workflow import ALLOWED
from consilium.core.errors import DomainError


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: CaseStatus,
    actor: Any,
    note: str = "",
    on_commit: Callable[[], None] | None = None,
) -> Case:
    """Locks the case, checks the transitions table, saves, writes history and an audit event, and
    runs `on_commit` only once the change is committed."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    current = CaseStatus(locked.status)
    if to not in ALLOWED[current]:
        raise DomainError(
            _("This case cannot move from “%(from)s” to “%(to)s”.")
            % {"from": current.label, "to": CaseStatus(to).label}
        )
    locked.status = to
    fields = ["status", "updated_at"]
    if current == CaseStatus.DRAFT and to == CaseStatus.TRIAGE:
        locked.submitted_at = timezone.now()
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    CaseTransition.objects.create(
        case=locked, from_status=current, to_status=to, actor=actor_user, note=note[:300]
    )
    record(
        actor=actor,
        action="case.transition",
        target=locked,
        detail={"from": current.value, "to": str(to)},
    )
    if on_commit is not None:
        transaction.on_commit(on_commit)
    case.status = locked.status
    case.submitted_at = locked.submitted_at
    return locked


@transaction.atomic
def case_set_review_type(*, case: Case, review_type: str, actor: object) -> Case:
    """Records the chosen review type on a draft (the price follows from it)."""
    from consilium.cases.models import ReviewType

    if case.status != CaseStatus.DRAFT:
        raise DomainError(_("The review type can only be changed before the case is submitted."))
    if review_type not in ReviewType.values:
        raise DomainError(_("Choose one of the review types offered."))
    case.review_type = review_type
    case.save(update_fields=["review_type", "updated_at"])
    record(actor=actor, action="case.review_type", target=case, detail={"review_type": review_type})
    return case
