"""The review side's pages: the specialist's inbox, offer and de-identified case with the opinion
form; the panel's side-by-side consolidation; follow-up answers; the coordinator's assignment,
work queue and dashboard; the patient's follow-up questions, rating and choice of specialists."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consilium.accounts.models import User
from consilium.cases.forms import InformationRequestForm
from consilium.cases.models import Case, CaseStatus
from consilium.cases.selectors import case_get
from consilium.cases.services import information_request_create
from consilium.cases.workflow import ASSIGNABLE
from consilium.core.crypto import TamperedFileError
from consilium.core.errors import DomainError
from consilium.documents.files import rendition_open, rendition_verify
from consilium.insights.identity import date_anchor_for
from consilium.review import services
from consilium.review.actions import ReviewAction
from consilium.review.deidentified import deidentify_case, known_identity_for, redact_text
from consilium.review.forms import (
    AssignForm,
    ConsolidationForm,
    DeclineForm,
    FollowUpAnswerForm,
    FollowUpForm,
    OpinionForm,
    RatingForm,
    SpecialistChoiceForm,
)
from consilium.review.matching import AREA_SPECIALTIES, profiles_with_load
from consilium.review.models import ACTIVE_ASSIGNMENT, AssignmentStatus, OpinionStatus
from consilium.review.panels import panel_size_is_chosen
from consilium.review.rows import ReviewLabels, active_rows, offered_rows, work_rows
from consilium.review.selectors import (
    SECTIONS,
    assignment_get,
    assignment_proposal,
    coordinator_dashboard,
    follow_up_get_for_answer,
    identity_mode,
    opinion_display,
    panel_view,
    released_document_get,
    review_work_queue,
    seat_get,
    seat_opinion,
    section_label,
    section_text,
    specialist_case_view,
    specialist_inbox,
)


def _coordinator_only(request: HttpRequest) -> Any:
    user = cast(User, request.user)
    if not user.is_coordinator:
        raise Http404
    return user


def _error(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, error.message)


# --- Specialists ---------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    inbox = specialist_inbox(user=cast(User, request.user), pages=request.GET)
    labels, now = ReviewLabels(), timezone.now()
    return render(request, "review/inbox.html", {
        "inbox": inbox,
        "offered_rows": offered_rows(inbox.offered, labels=labels),
        "active_rows": active_rows(inbox.active, now=now, labels=labels),
        "now": now,
    })


def _case_page(
    request: HttpRequest, item: Any, problems: list[str] | None = None, status: int = 200
) -> HttpResponse:
    """The offer (accept or decline) or, once accepted, the de-identified case and the opinion."""
    user = cast(User, request.user)
    if item.status not in ACTIVE_ASSIGNMENT:
        return render(request, "review/assignment_closed.html",
                      {"assignment": item, "review": item.review})
    view = specialist_case_view(user=user, assignment=item)
    context: dict[str, Any] = {"view": view, "assignment": item, "review": item.review}
    if item.status == AssignmentStatus.OFFERED:
        context["decline_form"] = DeclineForm()
        return render(request, "review/offer.html", context)
    opinion = view.opinion
    if opinion is None:  # accepting creates the opinion; a seat without one has nothing to edit
        return render(request, "review/assignment_closed.html",
                      {"assignment": item, "review": item.review})
    context.update(
        opinion=opinion,
        # The de-identified questions: the patient may have written a name into one.
        form=OpinionForm(instance=opinion, questions=view.case.questions),
        shown=opinion_display(content=opinion, questions=view.case.questions),
        now=timezone.now(),
        information_form=InformationRequestForm(),
        can_ask=item.review.case.status in (CaseStatus.IN_REVIEW, CaseStatus.ASSIGNED,
                                            CaseStatus.CONSOLIDATION)
        and view.open_request is None,
        problems=problems or [],
    )
    return render(request, "review/case.html", context, status=status)


@login_required
@require_GET
def assignment(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = assignment_get(
        user=cast(User, request.user), public_id=public_id, action=ReviewAction.ASSIGNMENT_VIEW
    )
    return _case_page(request, item)


@login_required
@require_POST
def accept(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = assignment_get(
        user=cast(User, request.user), public_id=public_id, action=ReviewAction.ASSIGNMENT_VIEW
    )
    try:
        services.assignment_accept(assignment=item, actor=cast(User, request.user))
    except DomainError as error:
        _error(request, error)
        return redirect("review:inbox")
    messages.success(request, _("You accepted %(code)s. Your opinion saves as you type.")
                     % {"code": item.review.code})
    return redirect("review:assignment", public_id=item.public_id)


@login_required
@require_POST
def decline(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = assignment_get(
        user=cast(User, request.user), public_id=public_id, action=ReviewAction.ASSIGNMENT_VIEW
    )
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_decline(assignment=item, actor=cast(User, request.user),
                                        reason=form.cleaned_data["reason"])
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("You declined %(code)s. Thank you for telling us why.")
                             % {"code": item.review.code})
        return redirect("review:inbox")
    view = specialist_case_view(user=cast(User, request.user), assignment=item)
    return render(request, "review/offer.html",
                  {"view": view, "assignment": item, "review": item.review, "decline_form": form},
                  status=400)


@login_required
@require_POST
def opinion_save(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Saves the draft: the htmx autosave gets a one-line status, a plain post comes back to the
    page. Submitting asks for a confirmation first."""
    item = assignment_get(
        user=cast(User, request.user), public_id=public_id, action=ReviewAction.OPINION_EDIT
    )
    opinion = seat_opinion(assignment=item)
    if opinion is None:
        return redirect("review:assignment", public_id=item.public_id)
    questions = list(item.review.case.questions.only("position"))
    # The form works on a copy of its own, so `opinion` stays as saved for the service.
    form = OpinionForm(request.POST, instance=seat_opinion(assignment=item), questions=questions)
    form.is_valid()
    try:
        saved = services.opinion_save(opinion=opinion, actor=cast(User, request.user),
                                      data=form.changed_data_only())
    except DomainError as error:
        if request.headers.get("HX-Request"):
            return render(request, "review/_save_status.html", {"error": error.message})
        _error(request, error)
        return redirect("review:assignment", public_id=item.public_id)
    if request.headers.get("HX-Request"):
        return render(request, "review/_save_status.html", {"at": timezone.localtime()})
    if request.POST.get("action") == "submit":
        missing = services.opinion_missing(content=saved, positions=[q.position for q in
                                                                      questions])
        if missing:
            # Shown beside the form, where the specialist is looking, with nothing lost.
            return _case_page(request, item, problems=missing, status=400)
        return redirect("review:opinion_submit", public_id=item.public_id)
    messages.success(request, _("Your draft is saved."))
    return redirect(reverse("review:assignment", kwargs={"public_id": item.public_id})
                    + "#opinion")


@login_required
@require_http_methods(["GET", "POST"])
def opinion_submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Confirm, then lock the opinion: it cannot be changed afterwards."""
    item = assignment_get(
        user=cast(User, request.user), public_id=public_id, action=ReviewAction.OPINION_EDIT
    )
    opinion = seat_opinion(assignment=item)
    if opinion is None:
        return redirect("review:assignment", public_id=item.public_id)
    if opinion.status == OpinionStatus.SUBMITTED:
        return redirect("review:assignment", public_id=item.public_id)
    if request.method == "POST":
        try:
            services.opinion_submit(opinion=opinion, actor=cast(User, request.user))
        except DomainError as error:
            _error(request, error)
            return redirect("review:assignment", public_id=item.public_id)
        messages.success(request, _("Your opinion on %(code)s is submitted. Thank you.")
                         % {"code": item.review.code})
        return redirect("review:inbox")
    view = specialist_case_view(user=cast(User, request.user), assignment=item)
    return render(request, "review/opinion_confirm.html", {
        "assignment": item, "review": item.review, "opinion": opinion,
        "shown": opinion_display(content=opinion, questions=view.case.questions),
    })


@login_required
@require_POST
def information_request(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A specialist asks the patient for something missing (the clock pauses)."""
    item = assignment_get(
        user=cast(User, request.user), public_id=public_id, action=ReviewAction.ASSIGNMENT_VIEW
    )
    if item.status != AssignmentStatus.ACCEPTED:
        raise Http404
    form = InformationRequestForm(request.POST)
    if form.is_valid():
        try:
            information_request_create(case=item.review.case, actor=cast(User, request.user),
                                       message=form.cleaned_data["message"],
                                       wanted=form.cleaned_data["wanted"])
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("Your request was sent to the patient. The review "
                                        "clock is paused until they answer."))
    else:
        messages.error(request, _("Write what you need from the patient and why."))
    return redirect("review:assignment", public_id=item.public_id)


@login_required
@require_GET
def rendition(request: HttpRequest, public_id: UUID, document_id: UUID) -> HttpResponseBase:
    """The de-identified rendition of a released document (never the original)."""

    item = assignment_get(
        user=cast(User, request.user), public_id=public_id, action=ReviewAction.ASSIGNMENT_VIEW
    )
    document = released_document_get(
        user=cast(User, request.user), assignment=item, public_id=document_id
    )
    try:
        rendition_verify(document=document)
    except TamperedFileError:
        return render(request, "documents/damaged.html", {"document": document}, status=500)
    response = FileResponse(
        rendition_open(document=document),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"{item.review.code}-{document.get_category_display()}-"
        f"{str(document.public_id)[:8]}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Panels --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    view = panel_view(user=cast(User, request.user), review_public_id=public_id)
    questions = view.case.questions
    sections = [name for name, _note in SECTIONS]
    if request.method == "POST":
        form = ConsolidationForm(request.POST, instance=view.consolidation, questions=questions,
                                 sections=sections, proposal=view.proposal)
        form.is_valid()
        data = {k: v for k, v in form.cleaned_data.items() if k in request.POST}
        try:
            saved = services.consolidation_save(consolidation=view.consolidation,
                                                actor=cast(User, request.user), data=data)
            if request.POST.get("action") == "submit":
                services.consolidation_submit(consolidation=saved, actor=cast(User, request.user))
                messages.success(request, _("The panel's opinion is submitted. The signed report "
                                            "is being prepared and will be sent to the patient."))
                return redirect("review:panel", public_id=view.review.public_id)
        except DomainError as error:
            if request.headers.get("HX-Request"):
                return render(request, "review/_save_status.html", {"error": error.message})
            _error(request, error)
            return redirect("review:panel", public_id=view.review.public_id)
        if request.headers.get("HX-Request"):
            return render(request, "review/_save_status.html", {"at": timezone.localtime()})
        messages.success(request, _("Your draft is saved."))
        return redirect("review:panel", public_id=view.review.public_id)
    form = ConsolidationForm(instance=view.consolidation, questions=questions, sections=sections,
                             proposal=view.proposal)
    members = [
        _("Specialist %(n)d — %(specialty)s%(you)s") % {
            "n": a.position, "specialty": a.specialist.get_specialty_display(),
            "you": _(" (you)") if a.specialist.user_id == request.user.pk else "",
        }
        for a, _opinion in view.opinions
    ]
    rows = []
    for name, note in SECTIONS:
        cells = [section_text(opinion, name, note) for _assignment, opinion in view.opinions]
        rows.append({
            "cells": list(zip(members, cells, strict=True)),
            "name": name,
            "label": section_label(name),
            "proposal": view.proposal.get(name, ""),
            "field": form[name],
            "note_field": form[note] if note else None,
            "agree_field": form[f"agree_{name}"],
        })
    answers = [
        {
            "question": q,
            "cells": list(zip(members, [o.answers.get(str(q.position), "")
                                        for _a, o in view.opinions], strict=True)),
            "field": form[f"answer_{q.position}"],
        }
        for q in questions
    ]
    return render(request, "review/panel.html",
                  {"view": view, "form": form, "rows": rows, "answers": answers,
                   "members": members})


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = follow_up_get_for_answer(user=cast(User, request.user), public_id=public_id)
    review = item.review
    form = FollowUpAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_answer(follow_up=item, actor=cast(User, request.user),
                                      answer=form.cleaned_data["answer"])
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("Your answer is saved; the signed addendum is being "
                                        "prepared for the patient."))
            if request.user.is_authenticated and request.user.is_specialist:
                return redirect("review:inbox")
            return redirect(review.case.get_absolute_url())

    question = redact_text(item.question, known=known_identity_for(case=review.case),
                           anchor=date_anchor_for(case=review.case))
    context_case = deidentify_case(case=review.case, code=review.code, today=timezone.localdate())
    return render(request, "review/follow_up.html",
                  {"follow_up": item, "review": review, "question": question, "form": form,
                   "context_case": context_case})


# --- Coordinators -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The ranked proposals with a reason each; the coordinator accepts or changes them."""
    user = _coordinator_only(request)
    case = case_get(user=user, public_id=public_id, action=ReviewAction.REVIEW_ASSIGN_VIEW)
    if case.status not in ASSIGNABLE:
        messages.info(request, _("Specialists can be assigned only between triage and the "
                                 "opinion: this case is “%(status)s”.")
                      % {"status": case.get_status_display()})
        return redirect(case.get_absolute_url())
    proposal = assignment_proposal(case=case)
    candidates, size = proposal.candidates, proposal.panel_size
    form = AssignForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        chosen_ids = form.cleaned_data["specialists"]
        profiles = {c.profile.pk: c.profile for c in candidates}
        lead_id = form.cleaned_data.get("lead")
        try:
            services.assignment_offer(
                case=case,
                actor=user,
                specialists=[profiles[i] for i in chosen_ids if i in profiles],
                lead=profiles.get(lead_id) if lead_id else None,
                panel_size=form.cleaned_data.get("panel_size") or size,
            )
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("The case was offered. Each specialist has %(hours)d hours to accept.")
                % {"hours": settings.OFFER_RESPONSE_HOURS},
            )
            return redirect(case.get_absolute_url())
    return render(request, "review/assign.html", {
        "case": case, "review": proposal.review, "candidates": candidates, "form": form,
        "proposal_ids": proposal.proposed, "open_seats": proposal.open_seats,
        "panel_size": size, "active": proposal.active,
        "needs_size": size is None or panel_size_is_chosen(review_type=case.review_type),
    })


def _seat_change(
    request: HttpRequest, public_id: UUID, change: Any, done: str = ""
) -> HttpResponse:
    user = _coordinator_only(request)
    seat = seat_get(user=user, public_id=public_id, action=ReviewAction.ASSIGNMENT_VIEW_STAFF)
    try:
        change(assignment=seat, actor=user)
    except DomainError as error:
        _error(request, error)
    else:
        if done:
            messages.success(request, done)
    return redirect(seat.review.case.get_absolute_url())


@login_required
@require_POST
def withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _seat_change(request, public_id, services.assignment_withdraw,
                        _("The seat is open again: choose another specialist."))


@login_required
@require_POST
def make_lead(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _seat_change(request, public_id, services.assignment_make_lead)


@login_required
@require_POST
def close(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _coordinator_only(request)
    case = case_get(user=user, public_id=public_id)
    try:
        services.review_close(case=case, actor=user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("The case is closed."))
    return redirect(case.get_absolute_url())


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "review/dashboard.html",
                  {"dashboard": coordinator_dashboard(user=cast(User, request.user))})


@login_required
@require_GET
def work_queue(request: HttpRequest) -> HttpResponse:
    cases = review_work_queue(user=cast(User, request.user), page=request.GET.get("page"))
    rows = work_rows(cases, now=timezone.now(), labels=ReviewLabels())
    return render(request, "review/work_queue.html", {"cases": cases, "rows": rows})


# --- Patients ------------------------------------------------------------------------------------


def _holder_case(request: HttpRequest, public_id: UUID, action: StrEnum) -> Case:
    # holder_only: a coordinator refused here must not be audited as having read the case.
    return case_get(
        user=cast(User, request.user), public_id=public_id, action=action, holder_only=True
    )


@login_required
@require_POST
def ask(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = _holder_case(request, public_id, ReviewAction.FOLLOW_UP_ASK)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_ask(case=case, actor=cast(User, request.user),
                                   question=form.cleaned_data["question"])
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("Your question was sent to the specialists. We will email "
                                        "you when the answer is added to your report."))
    else:
        messages.error(request, _("Write your question."))
    return redirect(reverse("cases:detail", kwargs={"public_id": case.public_id}) + "#follow-up")


@login_required
@require_POST
def rate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = _holder_case(request, public_id, ReviewAction.REVIEW_RATE)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_give(case=case, actor=cast(User, request.user),
                                 score=form.cleaned_data["score"],
                                 comment=form.cleaned_data["comment"])
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("Thank you for rating the service."))
    else:
        messages.error(request, _("Choose from 1 to 5."))
    return redirect(reverse("cases:detail", kwargs={"public_id": case.public_id}) + "#rating")


@login_required
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """In the `patient` doctor-choice mode, the patient picks specialists from verified profiles
    (named only in the open identity mode); the coordinator confirms."""
    if settings.DOCTOR_CHOICE != "patient":
        raise Http404
    case = _holder_case(request, public_id, ReviewAction.CASE_SPECIALIST_CHOICE_VIEW)
    if case.status != CaseStatus.DRAFT:
        raise Http404
    wanted = AREA_SPECIALTIES.get(case.medical_area or "other", ())
    profiles = [p for p in profiles_with_load() if p.accepting_cases]
    profiles.sort(key=lambda p: (p.specialty not in wanted, wanted.index(p.specialty)
                                 if p.specialty in wanted else 99, -p.years_experience))
    mode = identity_mode()
    labels = {
        p.pk: (f"{p.user.full_name} — " if mode == "open" else "")
        + f"{p.get_specialty_display()}"
        + (f" ({p.sub_specialties})" if p.sub_specialties else "")
        + " · " + _("%(years)d years") % {"years": p.years_experience}
        + " · " + p.languages
        for p in profiles
    }
    initial = list(case.specialist_choices.values_list("specialist", flat=True))
    form = SpecialistChoiceForm(request.POST or None, profiles=profiles, labels=labels,
                                initial={"specialists": initial})
    if request.method == "POST" and form.is_valid():
        chosen = {p.pk: p for p in profiles}
        try:
            services.specialist_choices_set(
                case=case, actor=cast(User, request.user),
                specialists=[chosen[i] for i in form.cleaned_data["specialists"] if i in chosen],
            )
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("Your choice is saved. A coordinator confirms it after "
                                        "you send the request."))
            return redirect(case.get_absolute_url())
    return render(request, "review/choose.html", {"case": case, "form": form, "mode": mode})
