"""The opinion page, share links and the access log (the patient's), and the shared pages
(whoever holds an open link)."""

from __future__ import annotations

import logging
from typing import cast
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consilium.accounts.models import User
from consilium.accounts.views import client_ip
from consilium.core.crypto import TamperedFileError, patient_data_key, verify_plaintext
from consilium.core.errors import DomainError
from consilium.core.storage import encrypted_open_read
from consilium.documents.files import PlaintextStream, document_stream
from consilium.records import selectors
from consilium.records.erasure import erasure_plan, patient_erase
from consilium.records.export import record_export_request
from consilium.records.forms import ErasureForm, PinForm, ShareLinkForm
from consilium.records.models import ShareLink
from consilium.records.services import (
    share_link_create,
    share_link_pin_check,
    share_link_revoke,
    shared_throttle_failure,
    shared_throttle_hit,
)
from consilium.reports.files import report_read

logger = logging.getLogger(__name__)

UNLOCKED_SESSION_KEY = "records_shared_unlocked"


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    return response


# --- The patient's pages ------------------------------------------------------------------------


@login_required
@require_GET
def opinion(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    view = selectors.opinion_get(user=cast(User, request.user), public_id=public_id)
    return _private(render(request, "records/opinion.html", {
        **view.context, "view": view,
        "pdf_url": reverse("reports:download", kwargs={"public_id": view.report.public_id}),
        "shares_url": reverse("records:shares", kwargs={"public_id": view.case.public_id}),
    }))


@login_required
@require_http_methods(["GET", "POST"])
def shares(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    data = selectors.share_links_of_case(user=cast(User, request.user), public_id=public_id)
    form = ShareLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = share_link_create(
                case=data.case, actor=cast(User, request.user),
                label=form.cleaned_data["label"], days=form.cleaned_data["days"],
                with_pin=form.cleaned_data["with_pin"],
                include_documents=form.cleaned_data["include_documents"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            # Shown on this response only: the token and PIN are not kept anywhere readable.
            url = request.build_absolute_uri(reverse("records:shared",
                                                     kwargs={"token": new.token}))
            # segno escapes the URL into the SVG it writes; nothing user-typed reaches it.
            qr_svg = mark_safe(  # noqa: S308
                segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)
            )
            return _private(render(request, "records/share_created.html", {
                "case": data.case, "link": new.link, "url": url, "pin": new.pin,
                "qr_svg": qr_svg,
            }))
    return _private(render(request, "records/shares.html", {"data": data, "form": form}))


@login_required
@require_GET
def share_detail(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    link = selectors.share_link_get(user=cast(User, request.user), public_id=public_id)
    return _private(render(request, "records/share_detail.html", {
        "link": link, "uses": selectors.share_link_uses(link=link),
        "state": link.state_at(timezone.now()),
    }))


@login_required
@require_POST
def share_revoke(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    link = selectors.share_link_get(user=cast(User, request.user), public_id=public_id)
    try:
        share_link_revoke(link=link, actor=cast(User, request.user))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The link for “%(label)s” no longer works.")
                         % {"label": link.label})
    return redirect("records:shares", public_id=link.case.public_id)


@login_required
@require_GET
def access(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    log = selectors.access_log(user=cast(User, request.user), public_id=public_id,
                               page=request.GET.get("page", 1))
    return _private(render(request, "records/access_log.html", {"log": log}))


# --- The export of the whole record -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    data = selectors.exports_of_patient(user=cast(User, request.user), public_id=public_id)
    if request.method == "POST":
        try:
            record_export_request(patient=data.patient, actor=cast(User, request.user))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("We are putting your record together. This page shows "
                                        "how far it is, and we will email you when it is ready."))
        return redirect("records:export", public_id=data.patient.public_id)
    template = ("records/_exports.html" if request.headers.get("HX-Request")
                else "records/export.html")
    return _private(render(request, template, {"data": data,
                                               "days": settings.EXPORT_LINK_DAYS}))


@login_required
@require_GET
def export_detail(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    item = selectors.export_get(user=cast(User, request.user), public_id=public_id)
    return _private(render(request, "records/export_detail.html", {
        "item": item, "downloadable": item.is_downloadable_at(timezone.now()),
    }))


@login_required
@require_GET
def export_download(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    item = selectors.export_for_download(user=cast(User, request.user), public_id=public_id)
    if item is None:
        return _private(render(request, "records/export_gone.html", status=410))
    data_key = patient_data_key(patient=item.patient)
    try:
        with encrypted_open_read(key=item.storage_key, data_key=data_key) as reader:
            verify_plaintext(reader, sha256=item.sha256)
        stream = PlaintextStream(encrypted_open_read(key=item.storage_key, data_key=data_key))
    except (TamperedFileError, OSError):
        logger.error("record export %s failed its integrity check", item.public_id)
        return _private(render(request, "records/export_gone.html", {"damaged": True},
                               status=500))
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Length"] = str(item.size)
    response["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)


# --- Your data and your rights ------------------------------------------------------------------


@require_GET
def rights(request: HttpRequest) -> HttpResponseBase:
    """The notice of DPDP Rules 2025, Rule 3: for everyone, before and after signing up."""
    return render(request, "records/rights.html", {
        "officer": {
            "name": settings.GRIEVANCE_OFFICER_NAME, "email": settings.GRIEVANCE_OFFICER_EMAIL,
            "phone": settings.GRIEVANCE_OFFICER_PHONE,
            "address": settings.GRIEVANCE_OFFICER_ADDRESS,
        },
        "export_days": settings.EXPORT_LINK_DAYS,
        "backup_days": settings.BACKUP_RETENTION_DAYS,
        "keeps_reports": settings.ERASURE_KEEPS_REPORTS,
        "my_cases_url": reverse("cases:my_cases"),
    })


# --- Erasure -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    patient = selectors.patient_for_erasure(user=cast(User, request.user), public_id=public_id)
    user = cast(User, request.user)
    is_holder = patient.holder_id == user.pk
    plan = erasure_plan(patient=patient)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = patient_erase(patient=patient, actor=user,
                                 reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if done.closed_account:
                logout(request)
                messages.success(request, _("Your record has been erased and your account "
                                            "closed. We have emailed you what was kept."))
                return redirect("core:home")
            messages.success(request, _("The record has been erased. An email says what was "
                                        "kept and why."))
            return redirect("cases:my_cases" if is_holder else "cases:triage_queue")
    return _private(render(request, "records/erase.html", {
        "patient": patient, "plan": plan, "form": form, "is_holder": is_holder,
    }))


# --- What a link opens ------------------------------------------------------------------------


def _shared_response(response: HttpResponseBase) -> HttpResponseBase:
    # The token is in the address: it must not leave in a Referer header to another site, sit in
    # a shared cache or be indexed. ("no-referrer" would also make the browser send "Origin: null"
    # with the PIN form, which the CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return _private(response)


def _closed(request: HttpRequest, reason: str, status: int) -> HttpResponseBase:
    return _shared_response(render(request, "records/shared_closed.html",
                                   {"reason": reason}, status=status))


def _unlocked(request: HttpRequest, link: ShareLink) -> bool:
    return str(link.public_id) in request.session.get(UNLOCKED_SESSION_KEY, [])


def _open_link(request: HttpRequest, token: str) -> ShareLink | HttpResponseBase:
    """The open link a token names, unlocked in this browser; or the page that says why not."""
    ip = client_ip(request)
    wait = shared_throttle_hit(ip=ip)
    if wait:
        response = render(request, "records/shared_closed.html",
                          {"reason": "throttled", "minutes": max(1, (wait + 59) // 60)},
                          status=429)
        response["Retry-After"] = str(wait)
        return _shared_response(response)
    link = selectors.shared_find(token=token)
    if link is None:
        shared_throttle_failure(ip=ip)
        return _closed(request, "unknown", 404)
    state = link.state_at(timezone.now())
    if state == "active" and link.has_pin and link.pin_used_at and not _unlocked(request, link):
        state = "pin_used"
    if state != "active":
        shared_throttle_failure(ip=ip)
        selectors.shared_refused(link=link, actor=request.user, ip=ip, state=state)
        return _closed(request, state, 410)
    return link


@require_http_methods(["GET", "POST"])
def shared(request: HttpRequest, token: str) -> HttpResponseBase:
    opened = _open_link(request, token)
    if not isinstance(opened, ShareLink):
        return opened
    link, ip = opened, client_ip(request)
    if link.has_pin and not _unlocked(request, link):
        form = PinForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            if share_link_pin_check(link=link, pin=form.cleaned_data["pin"], actor=request.user,
                                    ip=ip):
                request.session[UNLOCKED_SESSION_KEY] = [
                    *request.session.get(UNLOCKED_SESSION_KEY, []), str(link.public_id)]
                request.session.cycle_key()
                return _shared_response(redirect(request.path))
            shared_throttle_failure(ip=ip)
            link.refresh_from_db()
            if link.is_locked:
                return _closed(request, "locked", 410)
            form.add_error("pin", _("That PIN is not right. Check it with the patient."))
        return _shared_response(render(request, "records/shared_pin.html",
                                       {"form": form, "link": link}))
    if request.method == "POST":
        return _shared_response(redirect(request.path))
    view = selectors.shared_read(link=link, actor=request.user, ip=ip)
    return _shared_response(render(request, "records/shared.html", {
        **view.opinion.context, "view": view.opinion, "link": link, "documents": view.documents,
        "token": token,
    }))


@require_GET
def shared_pdf(request: HttpRequest, token: str) -> HttpResponseBase:
    opened = _open_link(request, token)
    if not isinstance(opened, ShareLink):
        return opened
    if opened.has_pin and not _unlocked(request, opened):
        return _shared_response(redirect("records:shared", token=token))
    report = selectors.shared_report(link=opened, actor=request.user, ip=client_ip(request))
    try:
        data = report_read(report=report)
    except TamperedFileError:
        logger.error("report %s failed its integrity check", report.public_id)
        return _closed(request, "damaged", 500)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return _shared_response(response)


@require_GET
def shared_document(request: HttpRequest, token: str, document_id: UUID) -> HttpResponseBase:
    opened = _open_link(request, token)
    if not isinstance(opened, ShareLink):
        return opened
    if opened.has_pin and not _unlocked(request, opened):
        return _shared_response(redirect("records:shared", token=token))
    document = selectors.shared_document(link=opened, actor=request.user, ip=client_ip(request),
                                         public_id=document_id)
    try:
        stream = document_stream(document=document)
    except TamperedFileError:
        logger.error("document %s failed its integrity check", document.public_id)
        return _closed(request, "damaged", 500)
    response = StreamingHttpResponse(stream, content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.original_name
    ) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return _shared_response(response)
