"""The patient's lifetime record, the guided intake, submit, the case page and the triage queue."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from consilium.accounts.models import User
from consilium.cases import hooks, services
from consilium.cases.actions import CaseAction
from consilium.cases.forms import (
    CancelForm,
    ConditionForm,
    HistoryForm,
    InformationAnswerForm,
    InformationRequestForm,
    PatientStepForm,
    QuestionsForm,
)
from consilium.cases.models import (
    Case,
    CaseStatus,
    InformationRequestStatus,
    IntakeStep,
    SecondOpinionReason,
)
from consilium.cases.red_flags import RedFlag
from consilium.cases.rows import Labels, queue_rows, record_rows
from consilium.cases.selectors import (
    FORM_STEPS,
    STEP_ORDER,
    case_get,
    case_get_editable,
    case_history,
    case_may_cancel,
    case_next_step,
    case_steps,
    case_submit_problems,
    information_request_of,
    lifetime_record,
    step_url,
    triage_queue,
)
from consilium.cases.workflow import ASKABLE
from consilium.core.errors import DomainError
from consilium.patients.models import Relationship
from consilium.patients.selectors import patients_of
from consilium.patients.services import patient_update

NEW_PATIENT = "new"


def _patient_account_only(request: HttpRequest) -> None:
    # Staff accounts never hold patients; for them these pages do not exist.
    if request.user.is_authenticated and request.user.is_staff_role:
        raise Http404


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if user.is_staff_role:
        return redirect(user.home_url())
    record = lifetime_record(user=user, page=request.GET.get("page"))
    # Only a draft shows where it continues; working that out for every case costs 8 URLs each.
    labels = Labels()
    rows = [
        (patient, record_rows(
            [(case, case_next_step(case=case) if case.status == CaseStatus.DRAFT else None)
             for case in cases], labels=labels))
        for patient, cases in record.sections
    ]
    return render(request, "cases/my_cases.html", {"rows": rows, "page": record.page})


def _registration_relationship(request: HttpRequest) -> str:
    """What the person said at registration ("who is the request for"), if anything."""
    chosen = getattr(request.user, "relationship_to_patient", "")
    return str(chosen) if chosen in Relationship.values else ""


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    _patient_account_only(request)
    user = cast(User, request.user)
    patients = list(patients_of(user=user))
    has_self = any(p.relationship == Relationship.SELF for p in patients)
    chosen = request.POST.get("patient", "")
    relationship = request.POST.get("relationship", "")
    if request.method == "GET" and not patients:
        # The first request usually is for the person named at registration.
        relationship = _registration_relationship(request) or Relationship.SELF
    elif request.method == "GET" and not has_self:
        relationship = Relationship.SELF
    errors: dict[str, str] = {}
    if request.method == "POST":
        patient = next((p for p in patients if str(p.public_id) == chosen), None)
        if patient is None and chosen != NEW_PATIENT:
            errors["patient"] = _("Choose who the request is for.")
        elif patient is None and relationship not in Relationship.values:
            errors["relationship"] = _("Tell us who the patient is to you.")
        if not errors:
            try:
                case = services.case_start(actor=user, patient=patient, relationship=relationship)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                return redirect("cases:intake", public_id=case.public_id, step=IntakeStep.PATIENT)
    return render(
        request,
        "cases/start.html",
        {
            "patients": patients,
            "chosen": chosen or (str(patients[0].public_id) if len(patients) == 1 else ""),
            "relationship": relationship,
            "relationships": Relationship.choices,
            "errors": errors,
            "NEW_PATIENT": NEW_PATIENT,
        },
        status=400 if errors else 200,
    )


STEP_FORMS: dict[str, type[Any]] = {
    IntakeStep.PATIENT: PatientStepForm,
    IntakeStep.CONDITION: ConditionForm,
    IntakeStep.HISTORY: HistoryForm,
    IntakeStep.QUESTIONS: QuestionsForm,
}


def _initial(case: Case, step: str) -> dict[str, Any]:
    form_class = STEP_FORMS[step]
    if step == IntakeStep.QUESTIONS:
        return QuestionsForm.initial_from([q.text for q in case.questions.all()])
    source: Any = case.patient if step == IntakeStep.PATIENT else case
    initial = {name: getattr(source, name) for name in form_class.model_fields}
    if step == IntakeStep.PATIENT:
        initial["requester_relationship"] = case.requester_relationship
    if step == IntakeStep.CONDITION:
        initial["red_flag_answers"] = case.red_flag_answers
    return initial


def _posted(form: Any, posted: Any) -> dict[str, Any]:
    """The valid answers the request actually carried. A field missing from the request (a
    partial autosave, an older page) keeps its saved value; unticked checkboxes are never sent,
    so a checkbox list counts as answered whenever the form is posted."""
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if name in posted or isinstance(form.fields[name].widget, forms.CheckboxSelectMultiple)
    }


def _save_step(case: Case, step: str, form: Any, actor: User, posted: Any) -> None:
    """Saves every field that is valid; an invalid one keeps its previous value (and the page
    shows what was typed, with the error)."""
    data = _posted(form, posted)
    if step == IntakeStep.PATIENT:
        relationship = data.pop("requester_relationship", "")
        if relationship:
            services.case_save_requester(
                case=case, actor=actor, data={"requester_relationship": relationship}
            )
            data["relationship"] = relationship
        patient_update(patient=case.patient, actor=actor, data=data)
    elif step == IntakeStep.CONDITION:
        services.case_save_condition(case=case, actor=actor, data=data)
    elif step == IntakeStep.HISTORY:
        services.case_save_history(case=case, actor=actor, data=data)
    elif form.is_valid():
        # Questions are replaced as a whole, so they are saved only when all are valid.
        services.case_set_questions(case=case, actor=actor, texts=form.texts())


def _neighbour(step: str, offset: int) -> str | None:
    index = STEP_ORDER.index(step) + offset
    return STEP_ORDER[index] if 0 <= index < len(STEP_ORDER) else None


def _autosave(request: HttpRequest, case: Case, step: str, form: Any, valid: bool) -> HttpResponse:
    """htmx saves the step in the background as the patient types (the buttons still work
    without JavaScript); an emergency found meanwhile shows its advice right away."""
    try:
        _save_step(case, step, form, cast(User, request.user), request.POST)
    except DomainError as error:
        return HttpResponse(error.message)
    return render(
        request,
        "cases/_autosave_status.html",
        {
            "valid": valid,
            "at": timezone.localtime(),
            "red_flag_labels": [RedFlag(code).label for code in case.red_flags],
        },
    )


def _destination(case: Case, step: str, action: str) -> str:
    if action == "later":
        return reverse("cases:my_cases")
    target = _neighbour(step, -1 if action == "back" else 1)
    url = step_url(case=case, step=target) if target else None
    return url or reverse("cases:submit", kwargs={"public_id": case.public_id})


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, public_id: str, step: str) -> HttpResponse:
    if step not in FORM_STEPS:
        raise Http404
    user = cast(User, request.user)
    case = case_get_editable(user=user, public_id=public_id, action=CaseAction.INTAKE_VIEW)
    form_class = STEP_FORMS[step]
    if request.method == "POST":
        form = form_class(request.POST)
        valid = form.is_valid()
        action = request.POST.get("action", "continue")
        if action == "autosave":
            return _autosave(request, case, step, form, valid)
        try:
            _save_step(case, step, form, user, request.POST)
            next_step = _neighbour(step, 1) if action == "continue" else step
            services.case_mark_step(case=case, actor=user, step=next_step or step)
        except DomainError as error:
            messages.error(request, error.message)
            valid = False
        if not valid:
            messages.warning(
                request, _("We saved your answers except the ones marked below. Please check them.")
            )
        else:
            destination = _destination(case, step, action)
            if step == IntakeStep.CONDITION and case.red_flags:
                # The emergency advice comes first, whichever button was pressed.
                return redirect(
                    reverse("cases:emergency", kwargs={"public_id": case.public_id})
                    + "?"
                    + urlencode({"next": destination})
                )
            if action == "later":
                messages.success(
                    request,
                    _("Saved. You can continue any time from “My cases”, on this or any device."),
                )
            return redirect(destination)
    else:
        form = form_class(initial=_initial(case, step))
    context: dict[str, Any] = {
        "case": case,
        "form": form,
        "step": step,
        "step_label": IntakeStep(step).label,
        "step_number": STEP_ORDER.index(step) + 1,
        "step_total": len(STEP_ORDER),
        "previous_step": _neighbour(step, -1),
        "red_flag_labels": [RedFlag(code).label for code in case.red_flags],
    }
    if step == IntakeStep.QUESTIONS:
        context["shown_questions"], context["spare_questions"] = form.visible_fields_first()
    return render(request, f"cases/intake_{step}.html", context, status=200)


def _safe_next(request: HttpRequest) -> str | None:
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@login_required
def emergency(request: HttpRequest, public_id: str) -> HttpResponse:
    case = case_get_editable(
        user=cast(User, request.user), public_id=public_id, action=CaseAction.RED_FLAGS_VIEW
    )
    return render(
        request,
        "cases/emergency.html",
        {
            "case": case,
            "red_flag_labels": [RedFlag(code).label for code in case.red_flags],
            "next_url": _safe_next(request)
            or step_url(case=case, step=IntakeStep.HISTORY),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, public_id: str) -> HttpResponse:
    user = cast(User, request.user)
    case = case_get(user=user, public_id=public_id, action=CaseAction.SUBMIT_VIEW, holder_only=True)
    if case.status != CaseStatus.DRAFT:
        # A second click or a second tab: the first submit already did everything.
        if request.method == "POST":
            messages.info(request, _("This request was already sent. Here is where it stands."))
        return redirect(case.get_absolute_url())
    if request.method == "POST":
        try:
            services.case_submit(case=case, actor=user)
        except services.CaseIncomplete as incomplete:
            # One message: the page lists each missing item with a link to fix it (six red
            # boxes above that list only frightened people).
            messages.error(
                request,
                ngettext(
                    "Your request is not sent yet: one thing is still missing. It is listed "
                    "below, with a link to fix it.",
                    "Your request is not sent yet: %(count)d things are still missing. They are "
                    "listed below, each with a link to fix it.",
                    len(incomplete.problems),
                )
                % {"count": len(incomplete.problems)},
            )
            return redirect("cases:submit", public_id=case.public_id)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("cases:submit", public_id=case.public_id)
        messages.success(
            request,
            _("Your request %(reference)s has been sent. We have emailed you what happens next.")
            % {"reference": case.reference},
        )
        return redirect(case.get_absolute_url())
    return render(
        request,
        "cases/submit.html",
        {
            "case": case,
            "patient": case.patient,
            "questions": list(case.questions.all()),
            "problems": case_submit_problems(case=case, user=user),
            "steps": {s.key: s for s in case_steps(case=case)},
            "red_flag_labels": [RedFlag(code).label for code in case.red_flags],
            "reason_labels": _reason_labels(case),
        },
    )


def _reason_labels(case: Case) -> list[str]:
    return [str(SecondOpinionReason(r).label) for r in case.reasons if r in SecondOpinionReason]


@login_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = cast(User, request.user)
    case = case_get(user=user, public_id=public_id)
    is_holder = case.patient.holder_id == user.pk
    context: dict[str, Any] = {
        "case": case,
        "patient": case.patient,
        "is_holder": is_holder,
        "history": list(case_history(case=case)),
        "red_flag_labels": [RedFlag(code).label for code in case.red_flags],
        "age": case.patient.age_on(timezone.localdate()),
        "reason_labels": _reason_labels(case),
        "now": timezone.now(),
        "may_cancel": case_may_cancel(case=case, user=user),
    }
    if case.status == CaseStatus.DRAFT and is_holder:
        context["next_step"] = case_next_step(case=case)
        context["may_choose_specialists"] = settings.DOCTOR_CHOICE == "patient"
    if user.is_coordinator:
        context["questions"] = list(case.questions.all())
    # The consent, payment and review parts of the page: each app's own selectors decide what
    # each person sees (registered with `cases.hooks.on_case_page`).
    context.update(hooks.case_page_context(user, case, is_holder))
    return render(request, "cases/detail.html", context)


@login_required
def triage(request: HttpRequest) -> HttpResponse:
    queue = triage_queue(user=cast(User, request.user), triage_page=request.GET.get("page"),
                         awaiting_page=request.GET.get("waiting"))
    today, now, labels = timezone.localdate(), timezone.now(), Labels()
    return render(
        request,
        "cases/triage_queue.html",
        {
            "queue": queue,
            "triage_rows": queue_rows(queue.triage, today=today, now=now, labels=labels),
            "awaiting_rows": queue_rows(queue.awaiting_info, today=today, now=now, labels=labels),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    """Asks for confirmation, then cancels: the holder before assignment, a coordinator with a
    reason. Nothing is cancelled by a GET."""
    user = cast(User, request.user)
    case = case_get(user=user, public_id=public_id, action=CaseAction.CANCEL_VIEW)
    if not case_may_cancel(case=case, user=user):
        messages.info(request, _("This request can no longer be cancelled here. If you need "
                                 "help, write to your case coordinator."))
        return redirect(case.get_absolute_url())
    by_coordinator = bool(user.is_coordinator)
    # Bound on every POST: confirming with the optional reason left empty posts no field.
    form = CancelForm(request.POST if request.method == "POST" else None,
                      reason_required=by_coordinator)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.case_cancel(case=case, actor=user,
                                          reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if by_coordinator:
                done = _("The case is cancelled and the patient has been emailed.")
            elif result.refund_started:
                done = _("Your request is cancelled. We are refunding what you paid in full; it "
                         "can take 5 to 7 working days. We have emailed you the details.")
            else:
                done = _("Your request is cancelled. Nothing was paid, so there is nothing to "
                         "refund.")
            if by_coordinator and result.refund_started:
                done = _("The case is cancelled, the payment is being refunded and the patient "
                         "has been emailed.")
            messages.success(request, done)
            return redirect(case.get_absolute_url())
    return render(request, "cases/cancel.html", {
        "case": case,
        "form": form,
        "by_coordinator": by_coordinator,
        "is_submitted": case.status != CaseStatus.DRAFT,
    })


# --- Information requests ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def information_request_new(request: HttpRequest, public_id: str) -> HttpResponse:
    """A coordinator asks the patient for something missing."""
    user = cast(User, request.user)
    if not user.is_coordinator:
        raise Http404
    case = case_get(user=user, public_id=public_id, action=CaseAction.INFORMATION_REQUEST_FORM)
    if case.status not in ASKABLE:
        messages.info(request, _("Information can be requested only while a case is being "
                                 "triaged or reviewed."))
        return redirect(case.get_absolute_url())
    form = InformationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_request_create(
                case=case, actor=user, message=form.cleaned_data["message"],
                wanted=form.cleaned_data["wanted"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The patient has been emailed. The case waits for their "
                                        "answer and its review clock is paused."))
            return redirect(case.get_absolute_url())
    return render(request, "cases/information_request_new.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def information_request_answer(
    request: HttpRequest, public_id: str, request_id: str
) -> HttpResponse:
    """The patient reads what is asked, adds reports and answers."""
    user = cast(User, request.user)
    case = case_get(user=user, public_id=public_id, action=CaseAction.INFORMATION_REQUEST_VIEW,
                    holder_only=True)
    item = information_request_of(case=case, public_id=request_id)
    form = InformationAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_request_answer(
                request=item, actor=user, answer=form.cleaned_data["answer"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you. Your answer was sent and the review goes on."))
            return redirect(case.get_absolute_url())
    new_documents = hooks.documents_added_since(case, item.created_at)
    kinds = dict(hooks.document_kinds())
    return render(request, "cases/information_request_answer.html", {
        "case": case,
        "item": item,
        "form": form,
        "is_open": item.status == InformationRequestStatus.OPEN,
        "wanted_labels": [kinds[w] for w in item.wanted if w in kinds],
        "new_documents": new_documents,
        "asked_by_specialist": item.requested_by.is_specialist,
    })


@login_required
@require_POST
def information_request_withdraw(
    request: HttpRequest, public_id: str, request_id: str
) -> HttpResponse:
    user = cast(User, request.user)
    if not user.is_coordinator:
        raise Http404
    case = case_get(user=user, public_id=public_id, action=CaseAction.INFORMATION_REQUEST_VIEW)
    item = information_request_of(case=case, public_id=request_id)
    try:
        services.information_request_withdraw(request=item, actor=user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request is withdrawn and the case is back where it was."))
    return redirect(case.get_absolute_url())
