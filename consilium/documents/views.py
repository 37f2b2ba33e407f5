from __future__ import annotations

import logging
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consilium.accounts.models import User
from consilium.cases.models import Case, CaseStatus
from consilium.cases.selectors import case_get, case_get_uploadable
from consilium.cases.workflow import UPLOADABLE
from consilium.core.crypto import TamperedFileError, patient_data_key
from consilium.core.errors import DomainError
from consilium.core.storage import StorageFullError
from consilium.documents.actions import DocumentAction
from consilium.documents.checklist import checklist_for
from consilium.documents.files import document_stream
from consilium.documents.forms import UploadForm
from consilium.documents.models import Document, DocumentStatus
from consilium.documents.selectors import (
    case_upload_room,
    document_get,
    document_get_deletable,
    documents_of_case,
)
from consilium.documents.services import (
    document_create,
    document_delete,
    document_integrity_failure_record,
    document_upload_refused,
    limit_message,
    megabytes,
    storage_full_message,
)
from consilium.documents.upload import EXTENSIONS, EncryptingUploadHandler

logger = logging.getLogger(__name__)


def _optional_url(name: str, public_id: UUID) -> str:
    """The next step's address, or "" while that part of the intake is not built yet."""
    try:
        return reverse(name, kwargs={"public_id": public_id})
    except NoReverseMatch:
        return ""


def _page_context(
    request: HttpRequest, case: Case, documents: list[Document], form: UploadForm | None = None
) -> dict[str, Any]:
    holder = case.patient.holder_id == request.user.pk
    editable = case.status == CaseStatus.DRAFT and holder
    used = sum(document.uploaded_size for document in documents)
    limit = settings.CASE_UPLOAD_LIMIT_BYTES
    return {
        "case": case,
        "documents": documents,
        "editable": editable,
        # While we wait on the patient for information they add reports; removing stays a draft's.
        "can_upload": holder and case.status in UPLOADABLE,
        "form": form or UploadForm(),
        "used_mb": megabytes(used),
        "limit_mb": megabytes(limit),
        "left_mb": megabytes(max(0, limit - used)),
        "room_bytes": max(0, limit - used),
        "used_percent": min(100, round(100 * used / limit)) if limit else 100,
        "checklist": checklist_for(case=case, documents=documents),
        "processing": any(
            document.status in (DocumentStatus.UPLOADED, DocumentStatus.PROCESSING)
            for document in documents
        ),
        "consent_url": _optional_url("consent:sign", case.public_id),
    }


@login_required
@require_GET
def case_documents(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The reports of a case: upload and remove while it is a draft, read-only afterwards."""
    case = case_get(
        user=cast(User, request.user), public_id=public_id, action=DocumentAction.DOCUMENT_LIST
    )
    context = _page_context(request, case, documents_of_case(case=case))
    if request.headers.get("HX-Request"):
        return render(request, "documents/_document_list.html", context)
    return render(request, "documents/case_documents.html", context)


@csrf_exempt
@login_required
@require_POST
def document_upload(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Receives files straight into encrypted storage. The upload handler has to be installed
    before anything reads the body, so the CSRF check runs afterwards, in the inner view (the
    pattern Django's documentation gives for changing upload handlers)."""
    case = case_get_uploadable(
        user=cast(User, request.user), public_id=public_id, action=DocumentAction.DOCUMENT_UPLOAD
    )
    handler = EncryptingUploadHandler(
        request, data_key=patient_data_key(patient=case.patient), room=case_upload_room(case=case)
    )
    request.upload_handlers = [handler]
    try:
        return _document_upload_checked(request, case=case, handler=handler)
    except StorageFullError:
        # The disk filled while the body was being stored (the CSRF check reads the body, so
        # this can come from there too): the partial file is gone, and so is every file of the
        # request, since the form's fields were lost with the body.
        return _storage_full(request, case=case)
    finally:
        # Files of a request that failed the CSRF check or the form never become documents.
        handler.discard()


def _storage_full(request: HttpRequest, *, case: Case) -> HttpResponse:
    logger.error("the file store is full: an upload to case %s was refused", case.public_id)
    document_upload_refused(case=case, actor=cast(User, request.user), reason="storage_full")
    if _wants_json(request):
        return JsonResponse(
            {"saved": [], "errors": [storage_full_message()],
             "left_mb": megabytes(case_upload_room(case=case))},
            status=507,
        )
    messages.error(request, storage_full_message())
    return redirect("documents:case_documents", public_id=case.public_id)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@csrf_protect
def _document_upload_checked(
    request: HttpRequest, *, case: Case, handler: EncryptingUploadHandler
) -> HttpResponse:
    actor = cast(User, request.user)  # behind login_required in document_upload
    form = UploadForm(request.POST)
    request.FILES  # noqa: B018 (the body is parsed, and every file stored, by this point)
    saved: list[str] = []
    errors: list[str] = []
    for refused in handler.refused:
        errors.append(refused.reason)
        document_upload_refused(case=case, actor=actor, reason="type")
    form_valid = form.is_valid()
    if form_valid:
        for received in handler.received:
            try:
                document_create(
                    case=case, actor=actor, category=form.cleaned_data["category"],
                    received=received,
                )
            except DomainError as error:
                errors.append(f"“{received.original_name}”: {error.message}")
                document_upload_refused(case=case, actor=actor, reason="content")
            except StorageFullError:
                # The cleaned copy (a photo without its metadata, a disarmed PDF) did not fit;
                # document_create kept nothing of this file.
                logger.error("the file store is full: a file for case %s was not kept",
                             case.public_id)
                errors.append(storage_full_message(name=received.original_name))
                document_upload_refused(case=case, actor=actor, reason="storage_full")
            else:
                saved.append(received.original_name)
    if handler.over_limit:
        errors.append(limit_message(name=handler.over_limit, room=case_upload_room(case=case)))
        document_upload_refused(case=case, actor=actor, reason="limit")
    if not (saved or errors or handler.received):
        errors.append(_("Please choose at least one file."))

    if _wants_json(request):
        room = case_upload_room(case=case)
        return JsonResponse(
            {
                "saved": saved,
                "errors": errors if form_valid else [*errors, *form.errors.get("category", [])],
                "left_mb": megabytes(room),
            },
            status=200 if saved else 400,
        )
    if not form_valid:
        for message in errors:
            messages.error(request, message)
        messages.error(request, _("The files were not saved. Choose the kind of report and send "
                                  "them again."))
        context = _page_context(request, case, documents_of_case(case=case), form)
        return render(request, "documents/case_documents.html", context, status=400)
    for name in saved:
        messages.success(request, _("“%(name)s” was saved.") % {"name": name})
    for message in errors:
        messages.error(request, message)
    return redirect("documents:case_documents", public_id=case.public_id)


def _download_name(document: Document) -> str:
    stem, dot, extension = document.original_name.rpartition(".")
    expected = EXTENSIONS.get(document.content_type, "")
    if dot and f".{extension.lower()}" in {expected, ".jpeg" if expected == ".jpg" else expected}:
        return document.original_name
    return f"{stem if dot else document.original_name}{expected}"


@login_required
@require_GET
def document_download(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    """The decrypted file, streamed a chunk at a time, only to someone allowed to see it."""
    document = document_get(
        user=cast(User, request.user), public_id=public_id, action=DocumentAction.DOCUMENT_DOWNLOAD
    )
    try:
        stream = document_stream(document=document)
    except TamperedFileError:
        document_integrity_failure_record(document=document, actor=cast(User, request.user))
        return render(request, "documents/damaged.html", {"document": document}, status=500)
    response = StreamingHttpResponse(stream, content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_download_name(document)
    ) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_delete_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Asks first; removes the report and its file only while the request is a draft."""
    document = document_get_deletable(user=cast(User, request.user), public_id=public_id)
    if request.method == "POST":
        try:
            document_delete(document=document, actor=cast(User, request.user))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("“%(name)s” was removed.") % {"name": document.original_name}
            )
        return redirect("documents:case_documents", public_id=document.case.public_id)
    return render(request, "documents/document_confirm_delete.html", {"document": document})
