"""The one way to write an audit event. Called explicitly by services and selectors."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models

from consilium.audit.models import AuditEvent
from consilium.core.middleware import current_request_id


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
def record(
    *,
    actor: Any,
    action: StrEnum,
    target: models.Model,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Writes one event. `detail` must never hold health data or secrets, only ids and names of
    fields."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(getattr(target, "public_id", None) or target.pk),
        ip=ip,
        request_id=current_request_id(),
        detail=detail or {},
    )
