"""Which documents a user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases import intake
from consilium.cases.models import Case, CaseStatus, IntakeStep
from consilium.cases.selectors import case_get, cases_visible_to
from consilium.documents.actions import DocumentAction
from consilium.documents.models import Document, DocumentCategory, DocumentPage, RedactionBox


def documents_visible_to(*, user: User | AnonymousUser) -> QuerySet[Document]:
    """The holder of the case's patient, and coordinators (for submitted cases); specialists see
    none here (they will get de-identified renditions of their assigned cases)."""
    return Document.objects.filter(case__in=cases_visible_to(user=user))


def _document_visible(*, user: User, public_id: UUID | str) -> Document:
    try:
        return (
            documents_visible_to(user=user)
            .select_related("case__patient")
            .get(public_id=public_id)
        )
    except (Document.DoesNotExist, ValueError):
        raise Http404 from None


def document_get(
    *, user: User, public_id: UUID | str, action: StrEnum = DocumentAction.DOCUMENT_VIEW
) -> Document:
    """One document the user may see, or 404. Writes an audit event for the read."""
    document = _document_visible(user=user, public_id=public_id)
    record(actor=user, action=action, target=document)
    return document


def document_get_deletable(*, user: User, public_id: UUID | str) -> Document:
    """A document its case's holder may still remove: only while the case is a draft. Audited
    once allowed."""
    document = _document_visible(user=user, public_id=public_id)
    if document.case.status != CaseStatus.DRAFT or document.case.patient.holder_id != user.pk:
        raise Http404
    record(actor=user, action=DocumentAction.DOCUMENT_VIEW, target=document)
    return document


def documents_of_case(*, case: Case) -> list[Document]:
    """The documents of a case the caller has already been allowed to see, each with how many
    of its pages reading found hard to read (`hard_pages`)."""
    return list(
        Document.objects.filter(case=case)
        .annotate(hard_pages=Count("pages", filter=Q(pages__hard_to_read=True)))
        .order_by("created_at", "id")
    )


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


# --- The coordinator's review of a document ---------------------------------------------------


def _require_coordinator(user: User | AnonymousUser) -> None:
    if not (user.is_authenticated and user.is_coordinator):
        raise Http404


def case_get_for_review(*, user: User, public_id: UUID | str, action: StrEnum) -> Case:
    """A submitted case as a coordinator reviews it, or 404 for anyone else: the role is
    checked before the case is read, so a refused request leaves no trace of reading it."""
    _require_coordinator(user)
    return case_get(user=user, public_id=public_id, action=action)


def documents_for_coordinator(*, user: User, case: Case) -> list[Document]:
    """The documents of a case as the coordinator's panel lists them, each with the number of
    active redaction boxes and who released it. One query whatever their number; one audit
    event. 404 for anyone but a coordinator."""
    _require_coordinator(user)
    documents: list[Document] = list(
        documents_visible_to(user=user)
        .filter(case=case)
        .select_related("released_by")
        .annotate(
            active_boxes=Count("boxes", filter=Q(boxes__active=True), distinct=True),
            hard_pages=Count(
                "pages", filter=Q(pages__hard_to_read=True, pages__checked_by_eye_at=None),
                distinct=True,
            ),
        )
        .order_by("created_at", "id")
    )
    record(
        actor=user, action=DocumentAction.DOCUMENT_REVIEW_LIST, target=case,
        detail={"documents": len(documents)},
    )
    return documents


def document_get_for_review(
    *, user: User, public_id: UUID | str, action: StrEnum = DocumentAction.DOCUMENT_REVIEW
) -> Document:
    """One document a coordinator may review (its case is submitted), or 404 for anyone else.
    Writes an audit event for the read."""
    _require_coordinator(user)
    return document_get(user=user, public_id=public_id, action=action)


def document_page_for_review(
    *, user: User, public_id: UUID | str, number: int, action: StrEnum
) -> tuple[Document, DocumentPage]:
    """One page of a document a coordinator may review, or 404 (also for a page that does not
    exist, before anything is read). Writes an audit event for the read."""
    _require_coordinator(user)
    page = (
        DocumentPage.objects.select_related("document__case__patient")
        .filter(document__in=documents_visible_to(user=user), number=number)
        .filter(document__public_id=public_id)
        .first()
    )
    if page is None:
        raise Http404
    record(actor=user, action=action, target=page.document, detail={"page": number})
    return page.document, page


@dataclass(frozen=True)
class ReviewPage:
    page: DocumentPage
    boxes: list[RedactionBox]

    @property
    def active_boxes(self) -> list[RedactionBox]:
        return [box for box in self.boxes if box.active]


def document_review_pages(*, document: Document) -> list[ReviewPage]:
    """Every page with all its boxes (active or removed), for the review page: two queries."""
    boxes: dict[int, list[RedactionBox]] = {}
    for box in document.boxes.order_by("page", "y0", "x0", "id"):
        boxes.setdefault(box.page, []).append(box)
    return [
        ReviewPage(page=page, boxes=boxes.get(page.number, []))
        for page in document.pages.order_by("number")
    ]


def document_ordinal(*, document: Document) -> int:
    """The report's number in its case, as the case summary names it ("Report 2")."""
    ids = list(
        Document.objects.filter(case_id=document.case_id)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    return ids.index(document.id) + 1


def redaction_boxes_active(*, document: Document, page: int) -> list[RedactionBox]:
    """The boxes blacked out on one page of a document the caller may review."""
    return list(document.boxes.filter(page=page, active=True))


def redaction_box_get(*, user: User, public_id: UUID | str) -> RedactionBox:
    """A redaction box of a document the coordinator may review, or 404. Writes an audit event
    for the read."""
    _require_coordinator(user)
    try:
        box = RedactionBox.objects.select_related("document__case__patient").get(
            public_id=public_id, document__in=documents_visible_to(user=user)
        )
    except (RedactionBox.DoesNotExist, ValueError):
        raise Http404 from None
    record(
        actor=user, action=DocumentAction.REDACTION_VIEW, target=box,
        detail={"document": str(box.document.public_id)},
    )
    return box


def _uploaded_exists(case: OuterRef) -> Exists:
    return Exists(Document.objects.filter(case=case))


# The reports step of the intake (registered with `cases.intake` in DocumentsConfig.ready).
INTAKE_STEP = intake.ExternalStep(
    step=IntakeStep.DOCUMENTS,
    route="documents:case_documents",
    done_exists=_uploaded_exists,
    is_done=lambda case: Document.objects.filter(case=case).exists(),
    message=gettext_lazy("Upload at least one medical report."),
)


def documents_added_since(case: Case, since: dt.datetime) -> list[Document]:
    """The reports added to a case since `since` (registered with `cases.hooks`)."""
    return list(Document.objects.filter(case=case, created_at__gte=since))


def document_kinds() -> list[tuple[str, str]]:
    """The kinds of report a patient may be asked for (registered with `cases.hooks`)."""
    return [(str(value), str(label)) for value, label in DocumentCategory.choices]
