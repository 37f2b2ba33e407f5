"""Downloading a signed report and sending it to the treating doctor."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from consilium.accounts.models import User
from consilium.core.crypto import TamperedFileError
from consilium.core.errors import DomainError
from consilium.reports.actions import ReportAction
from consilium.reports.files import report_read
from consilium.reports.forms import SendToDoctorForm
from consilium.reports.selectors import report_get
from consilium.reports.services import report_send_to_doctor


@login_required
@require_GET
def download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report = report_get(user=request.user, public_id=public_id, action=ReportAction.REPORT_DOWNLOAD)
    try:
        data = report_read(report=report)
    except TamperedFileError:
        return render(request, "reports/damaged.html", {"report": report}, status=500)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report = report_get(user=request.user, public_id=public_id,
                        action=ReportAction.REPORT_SHARE_FORM, holder_only=True)
    form = SendToDoctorForm(request.POST or None,
                            initial={"doctor_name": report.case.treating_doctor})
    if request.method == "POST" and form.is_valid():
        try:
            report_send_to_doctor(report=report, actor=cast(User, request.user),
                                  email=form.cleaned_data["email"],
                                  doctor_name=form.cleaned_data["doctor_name"],
                                  note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The report is on its way to %(email)s.")
                             % {"email": form.cleaned_data["email"]})
            return redirect(report.case.get_absolute_url())
    return render(request, "reports/send.html", {"report": report, "form": form})
