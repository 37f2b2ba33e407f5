"""The coordinator's side of documents: reading progress, redaction review and release.

Only coordinators (and admins, who act as coordinators) reach these pages; anyone else gets 404.
Every read writes an audit event (in the selectors).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consilium.accounts.models import User
from consilium.cases.actions import CaseAction
from consilium.core.crypto import TamperedFileError
from consilium.core.errors import DomainError
from consilium.documents.actions import DocumentAction
from consilium.documents.files import page_picture, rendition_open, rendition_verify
from consilium.documents.models import Document, DocumentStatus, RedactionBox
from consilium.documents.rendition import draw_boxes, jpeg_bytes, picture_open
from consilium.documents.selectors import (
    case_get_for_review,
    document_get_for_review,
    document_ordinal,
    document_page_for_review,
    document_review_pages,
    documents_for_coordinator,
    redaction_box_get,
    redaction_boxes_active,
)
from consilium.documents.services import (
    document_integrity_failure_record,
    document_release,
    document_rendition_refresh,
    document_retry,
    redaction_box_add,
    redaction_box_set_active,
)
from consilium.insights.selectors import case_summary_state

logger = logging.getLogger(__name__)


def panel_context(*, user: User, case: Any) -> dict[str, Any]:
    """What the coordinator's documents panel on the case page shows."""
    documents = documents_for_coordinator(user=user, case=case)
    return {
        "case": case,
        "documents": documents,
        "summary": case_summary_state(case=case),
        "reading": any(
            d.status in (DocumentStatus.UPLOADED, DocumentStatus.PROCESSING) for d in documents
        ),
    }


@login_required
@require_GET
def coordinator_panel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The panel alone, polled while reports are being read."""
    user = cast(User, request.user)
    case = case_get_for_review(user=user, public_id=public_id, action=CaseAction.VIEW)
    return render(
        request, "documents/_coordinator_panel.html", panel_context(user=user, case=case)
    )


def _review_url(document: Document, page: int | None = None) -> str:
    url = reverse("documents:review", kwargs={"public_id": document.public_id})
    return f"{url}#page-{page}" if page else url


@login_required
@require_GET
def review(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Each page as read beside its proposed rendition, with the boxes to remove or add."""
    document = document_get_for_review(user=cast(User, request.user), public_id=public_id)
    pages = document_review_pages(document=document)
    return render(
        request,
        "documents/review.html",
        {
            "document": document,
            "case": document.case,
            "pages": pages,
            "ordinal": document_ordinal(document=document),
            "hard_pages": [
                p.page.number for p in pages
                if p.page.hard_to_read and not p.page.checked_by_eye_at
            ],
        },
    )


def _picture_response(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


@login_required
@require_GET
def page_original(request: HttpRequest, public_id: UUID, number: int) -> HttpResponseBase:
    """One page as reading saw it (identifiers visible): the coordinator's side only."""
    document, page = document_page_for_review(
        user=cast(User, request.user), public_id=public_id, number=number,
        action=DocumentAction.DOCUMENT_PAGE_ORIGINAL,
    )
    try:
        return _picture_response(page_picture(document=document, page=page))
    except TamperedFileError:
        return _damaged(request, document)


@login_required
@require_GET
def page_rendition(request: HttpRequest, public_id: UUID, number: int) -> HttpResponseBase:
    """One page with the active boxes blacked out, drawn now exactly as the rendition draws it."""
    document, page = document_page_for_review(
        user=cast(User, request.user), public_id=public_id, number=number,
        action=DocumentAction.DOCUMENT_PAGE_RENDITION,
    )
    boxes = redaction_boxes_active(document=document, page=number)
    try:
        picture = picture_open(page_picture(document=document, page=page))
    except TamperedFileError:
        return _damaged(request, document)
    return _picture_response(jpeg_bytes(
        draw_boxes(picture, [b.box for b in boxes], [b.label for b in boxes])
    ))


def _damaged(request: HttpRequest, document: Document) -> HttpResponse:
    document_integrity_failure_record(document=document, actor=cast(User, request.user))
    return render(request, "documents/damaged.html", {"document": document}, status=500)


@login_required
@require_GET
def rendition_download(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    """The rendition PDF as a specialist will get it (redrawn first if boxes changed)."""
    document = document_get_for_review(
        user=cast(User, request.user), public_id=public_id,
        action=DocumentAction.DOCUMENT_RENDITION_VIEW,
    )
    document = document_rendition_refresh(document=document)
    if not document.rendition_storage_key:
        messages.error(request, _("This report has not been read yet."))
        return redirect(document.case.get_absolute_url())
    try:
        rendition_verify(document=document)
        with rendition_open(document=document) as reader:
            data = reader.read()
    except TamperedFileError:
        return _damaged(request, document)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"rendition-{document.public_id}.pdf"
    ) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


def _share(value: str) -> float:
    """A coordinate posted as a share (0..1) or, from the keyboard form, a percentage."""
    return float(value.replace(",", ".").strip().rstrip("%"))


@login_required
@require_POST
def box_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Adds a box drawn on a page (shares of the picture) or typed in percent."""
    document = document_get_for_review(user=cast(User, request.user), public_id=public_id)
    try:
        page = int(request.POST.get("page", ""))
        unit = 100.0 if request.POST.get("unit") == "percent" else 1.0
        box = tuple(_share(request.POST.get(name, "")) / unit for name in ("x0", "y0", "x1", "y1"))
    except ValueError:
        messages.error(request, _("Give the box's edges as numbers."))
        return redirect(_review_url(document))
    try:
        redaction_box_add(document=document, actor=request.user, page=page, box=box)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The box was added on page %(page)s.") % {"page": page})
    return redirect(_review_url(document, page))


def _box_toggle(request: HttpRequest, public_id: UUID, *, active: bool) -> HttpResponse:
    box: RedactionBox = redaction_box_get(user=cast(User, request.user), public_id=public_id)
    try:
        redaction_box_set_active(box=box, actor=cast(User, request.user), active=active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        message = (
            _("The box was put back on page %(page)s.") if active
            else _("The box was removed from page %(page)s.")
        )
        messages.success(request, message % {"page": box.page})
    return redirect(_review_url(box.document, box.page))


@login_required
@require_POST
def box_remove(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _box_toggle(request, public_id, active=False)


@login_required
@require_POST
def box_restore(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _box_toggle(request, public_id, active=True)


@login_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Asks first, then releases the rendition the coordinator checked to the specialists."""
    document = document_get_for_review(
        user=cast(User, request.user), public_id=public_id,
        action=(DocumentAction.DOCUMENT_RELEASE_VIEW if request.method == "GET"
                else DocumentAction.DOCUMENT_REVIEW),
    )
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        checked = []
        for value in request.POST.getlist("checked_by_eye"):
            with contextlib.suppress(ValueError):
                checked.append(int(value))
        try:
            document_release(
                document=document, actor=cast(User, request.user), version=version,
                checked_by_eye=checked,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(f"{reverse('documents:release', args=[document.public_id])}"
                            f"?version={version}")
        messages.success(
            request, _("Report %(number)s was released to the specialists.")
            % {"number": document_ordinal(document=document)},
        )
        return redirect(document.case.get_absolute_url())
    if document.status != DocumentStatus.PROCESSED:
        messages.error(request, _("This report has not been read yet, so it cannot be released."))
        return redirect(document.case.get_absolute_url())
    pages = document_review_pages(document=document)
    try:
        # The count of box changes the review page showed: releasing what the coordinator saw.
        version = int(request.GET.get("version", document.redaction_version))
    except ValueError:
        version = document.redaction_version
    return render(
        request,
        "documents/release_confirm.html",
        {
            "document": document,
            "pages": pages,
            "box_count": sum(len(p.active_boxes) for p in pages),
            "hard_pages": [p.page for p in pages if p.page.hard_to_read],
            "ordinal": document_ordinal(document=document),
            "version": version,
            "changed": version != document.redaction_version,
        },
    )


@login_required
@require_POST
def retry(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Reads a report that failed (or stalled) once more."""
    document = document_get_for_review(user=cast(User, request.user), public_id=public_id)
    try:
        document_retry(document=document, actor=cast(User, request.user))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report will be read again."))
    return redirect(document.case.get_absolute_url())
