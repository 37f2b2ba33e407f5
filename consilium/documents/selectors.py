"""Which documents a user may see."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import Http404

from consilium.audit.services import record
from consilium.cases.models import Case, CaseStatus
from consilium.cases.selectors import cases_visible_to
from consilium.documents.models import Document


def documents_visible_to(*, user: Any) -> QuerySet[Document]:
    """The holder of the case's patient, and coordinators (for submitted cases); specialists see
    none here (they will get de-identified renditions of their assigned cases)."""
    return Document.objects.filter(case__in=cases_visible_to(user=user))


def _document_visible(*, user: Any, public_id: UUID | str) -> Document:
    try:
        return (
            documents_visible_to(user=user)
            .select_related("case__patient")
            .get(public_id=public_id)
        )
    except (Document.DoesNotExist, ValueError):
        raise Http404 from None


def document_get(*, user: Any, public_id: UUID | str, action: str = "document.view") -> Document:
    """One document the user may see, or 404. Writes an audit event for the read."""
    document = _document_visible(user=user, public_id=public_id)
    record(actor=user, action=action, target=document)
    return document


def document_get_deletable(*, user: Any, public_id: UUID | str) -> Document:
    """A document its case's holder may still remove: only while the case is a draft. Audited
    once allowed."""
    document = _document_visible(user=user, public_id=public_id)
    if document.case.status != CaseStatus.DRAFT or document.case.patient.holder_id != user.pk:
        raise Http404
    record(actor=user, action="document.view", target=document)
    return document


def documents_of_case(*, case: Case) -> list[Document]:
    """The documents of a case the caller has already been allowed to see."""
    return list(Document.objects.filter(case=case).order_by("created_at", "id"))


def case_upload_used(*, case: Case) -> int:
    """Bytes counted against the case's upload limit."""
    return Document.objects.filter(case=case).aggregate(total=Sum("uploaded_size"))["total"] or 0


def case_upload_room(*, case: Case) -> int:
    return max(0, settings.CASE_UPLOAD_LIMIT_BYTES - case_upload_used(case=case))


def documents_released(*, case: Case) -> list[Document]:
    """The documents of a case whose specialist rendition a coordinator has released; the caller
    (the review selectors) has already decided that the user may see the case de-identified."""
    return list(
        Document.objects.filter(case=case, released_at__isnull=False)
        .exclude(rendition_storage_key="")
        .order_by("created_at", "id")
    )
