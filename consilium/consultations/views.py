"""Pages for calls: the specialist's hours, asking for a call, booking, the call's own page,
moving, cancelling (each after a confirmation page) and the specialist's note."""

from __future__ import annotations

import datetime as dt
from typing import cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consilium.accounts.models import User
from consilium.consultations import selectors, services
from consilium.consultations.actions import ConsultationAction
from consilium.consultations.forms import ExceptionForm, HoursForm, NoteForm
from consilium.consultations.models import CallMode
from consilium.consultations.slots import free_slots
from consilium.core.errors import DomainError


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    return response


def _parse_slot(value: str) -> tuple[str, dt.datetime] | None:
    specialist_id, _sep, moment = value.partition("|")
    try:
        starts_at = dt.datetime.fromisoformat(moment)
    except ValueError:
        return None
    if starts_at.tzinfo is None:
        return None
    return specialist_id, starts_at


# --- The specialist's hours -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest) -> HttpResponseBase:
    page = selectors.specialist_page(user=cast(User, request.user))
    actor = cast(User, request.user)
    hours_form = HoursForm(prefix="weekly")
    exception_form = ExceptionForm(prefix="exception")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "weekly":
                hours_form = HoursForm(request.POST, prefix="weekly")
                if hours_form.is_valid():
                    services.hours_add(actor=actor, **hours_form.cleaned_data)
                    messages.success(request, _("Your hours are added."))
                    return redirect("consultations:hours")
            elif request.POST.get("action") == "exception":
                exception_form = ExceptionForm(request.POST, prefix="exception")
                if exception_form.is_valid():
                    services.exception_add(actor=actor, **exception_form.cleaned_data)
                    messages.success(request, _("The change to your hours is added."))
                    return redirect("consultations:hours")
        except DomainError as error:
            messages.error(request, _("Not saved: %(reason)s") % {"reason": error.message})
    return _private(render(request, "consultations/hours.html", {
        "page": page, "hours_form": hours_form, "exception_form": exception_form,
    }))


@login_required
@require_POST
def hours_remove(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    selectors.specialist_page(user=cast(User, request.user))
    if services.availability_remove(actor=cast(User, request.user), public_id=str(public_id)):
        messages.success(request, _("Removed. Calls already booked in these hours stay booked."))
    else:
        raise Http404
    return redirect("consultations:hours")


# --- Asking and booking ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    case, profile = selectors.case_for_specialist(
        user=cast(User, request.user), public_id=public_id, action=ConsultationAction.ASK_VIEW
    )
    code = selectors.case_code_for(profile, case)
    if request.method == "POST":
        try:
            services.consultation_ask(case=case, actor=cast(User, request.user))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The patient is asked to book a call with you."))
            return redirect("consultations:hours")
    return _private(render(request, "consultations/ask.html", {
        "case": case, "code": code, "has_hours": bool(free_slots(specialist=profile)),
    }))


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    page = selectors.booking_page(user=cast(User, request.user), public_id=public_id)
    chosen_mode = request.POST.get("mode", CallMode.VIDEO)
    if request.method == "POST":
        parsed = _parse_slot(request.POST.get("slot", ""))
        specialist = next((p for p, _label, _slots in page.options
                           if parsed and str(p.public_id) == parsed[0]), None)
        if parsed is None or specialist is None:
            messages.error(request, _("Choose a time for the call."))
        else:
            try:
                consultation = services.consultation_book(
                    case=page.case, actor=cast(User, request.user), specialist=specialist,
                    starts_at=parsed[1], mode=chosen_mode,
                )
            except DomainError as error:
                messages.error(request, error.message)
                # The list below is read again, without the time that was just taken.
                page = selectors.booking_page(user=cast(User, request.user), public_id=public_id)
            else:
                messages.success(request, _("Your call is booked. The invitation is on its way "
                                            "to your email."))
                return redirect(consultation.get_absolute_url())
    return _private(render(request, "consultations/book.html", {
        "page": page, "modes": CallMode.choices, "chosen_mode": chosen_mode,
        "change_hours": settings.CONSULTATION_CHANGE_HOURS,
    }))


# --- One call -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def detail(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    view = selectors.consultation_get(user=request.user, public_id=public_id,
                                      action=ConsultationAction.VIEW)
    return _private(render(request, "consultations/detail.html", {
        "view": view, "note_form": NoteForm() if view.may_write_note else None,
    }))


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    action = (ConsultationAction.RESCHEDULE if request.method == "POST"
              else ConsultationAction.RESCHEDULE_VIEW)
    view = selectors.consultation_get(user=request.user, public_id=public_id, action=action)
    consultation = view.consultation
    if request.method == "POST":
        parsed = _parse_slot(request.POST.get("slot", ""))
        if parsed is None or parsed[0] != str(consultation.specialist.public_id):
            messages.error(request, _("Choose the new time for the call."))
        else:
            try:
                services.consultation_reschedule(consultation=consultation,
                                                 actor=cast(User, request.user),
                                                 starts_at=parsed[1])
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The call is moved; both of you get the new "
                                            "invitation."))
                return redirect(consultation.get_absolute_url())
    slots = (free_slots(specialist=consultation.specialist, ignore=consultation)
             if view.may_change else [])
    return _private(render(request, "consultations/reschedule.html", {
        "view": view, "slots": [s for s in slots if s.starts_at != consultation.starts_at],
    }))


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    action = (ConsultationAction.CANCEL if request.method == "POST"
              else ConsultationAction.CANCEL_VIEW)
    view = selectors.consultation_get(user=request.user, public_id=public_id, action=action)
    if request.method == "POST":
        try:
            services.consultation_cancel(consultation=view.consultation,
                                         actor=cast(User, request.user))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The call is cancelled; both of you are told by email."))
            return redirect(view.consultation.get_absolute_url())
    return _private(render(request, "consultations/cancel.html", {"view": view}))


@login_required
@require_POST
def note(request: HttpRequest, public_id: UUID) -> HttpResponse | HttpResponseBase:
    view = selectors.consultation_get(user=request.user, public_id=public_id,
                                      action=ConsultationAction.NOTE, specialist_only=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_note(consultation=view.consultation,
                                       actor=cast(User, request.user),
                                       note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, _("Not saved: %(reason)s") % {"reason": error.message})
        else:
            messages.success(request, _("Your note is saved and the patient can read it."))
            return redirect(view.consultation.get_absolute_url())
    else:
        messages.error(request, _("Not saved: write the note (at most 2,000 characters)."))
    return _private(render(request, "consultations/detail.html", {
        "view": view, "note_form": form,
    }))
