from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consilium.accounts.models import User
from consilium.cases.models import CaseStatus
from consilium.cases.selectors import case_get_editable
from consilium.consent.actions import ConsentAction
from consilium.consent.forms import ConsentSignForm
from consilium.consent.pdf import consent_pdf_render
from consilium.consent.selectors import (
    consent_signature_active,
    consent_signature_get,
    consent_text_current,
    consent_text_get,
)
from consilium.consent.services import consent_sign, consent_withdraw
from consilium.core.errors import DomainError
from consilium.patients.models import Relationship


@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The holder reads the active consent text and signs it by typing their name."""
    case = case_get_editable(
        user=cast(User, request.user), public_id=public_id, action=ConsentAction.CONSENT_FORM
    )
    signature = consent_signature_active(case=case)
    text = (
        signature.consent_text
        if signature
        else consent_text_current(language=get_language() or "en")
    )
    form = None
    if signature is None and text is not None:
        relationship = case.requester_relationship
        if relationship == Relationship.SELF:
            relationship = case.patient.relationship
        initial = {
            "signer_name": getattr(request.user, "full_name", ""),
            "relationship": relationship,
            "text_id": text.public_id,
        }
        form = ConsentSignForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            shown = consent_text_get(public_id=form.cleaned_data["text_id"])
            try:
                if shown is None:
                    raise DomainError(_("The consent form was updated. Please read it again."))
                consent_sign(
                    case=case,
                    signer=request.user,
                    signer_name=form.cleaned_data["signer_name"],
                    relationship=form.cleaned_data["relationship"],
                    ip=request.META.get("REMOTE_ADDR"),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    consent_text=shown,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you. Your consent is signed."))
                return redirect("consent:sign", public_id=case.public_id)
    paragraphs = [p.strip() for p in text.body.split("\n\n") if p.strip()] if text else []
    return render(
        request,
        "consent/sign.html",
        {
            "case": case,
            "text": text,
            "paragraphs": paragraphs,
            "signature": signature,
            "form": form,
        },
    )


@login_required
def download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The signed consent as a PDF, for the holder and coordinators."""
    signature = consent_signature_get(
        user=cast(User, request.user), public_id=public_id, action=ConsentAction.CONSENT_DOWNLOAD
    )
    response = HttpResponse(consent_pdf_render(signature=signature), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="consent-{signature.case.reference}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Asks the holder to confirm, then withdraws the consent."""
    signature = consent_signature_get(
        user=cast(User, request.user), public_id=public_id,
        action=ConsentAction.CONSENT_WITHDRAW_FORM, holder_only=True
    )
    if request.method == "POST" and signature.withdrawn_at is None:
        try:
            consent_withdraw(signature=signature, actor=cast(User, request.user))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your consent has been withdrawn."))
        if signature.case.status == CaseStatus.DRAFT:
            return redirect("consent:sign", public_id=signature.case.public_id)
        return redirect(signature.case.get_absolute_url())
    return render(
        request, "consent/withdraw.html", {"signature": signature, "case": signature.case}
    )
