"""The coordinator's page for the drafted case summary: check, edit, approve, re-draft."""

from __future__ import annotations

import copy
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from consilium.accounts.models import User
from consilium.cases.actions import CaseAction
from consilium.cases.models import MedicalArea
from consilium.core.errors import DomainError
from consilium.documents.selectors import case_get_for_review
from consilium.insights.selectors import SummaryView, case_summary_for_coordinator
from consilium.insights.services import (
    FACT_SECTIONS,
    case_summary_approve,
    case_summary_draft,
    case_summary_save,
)
from consilium.insights.summary import TEXT_SECTIONS, cited_documents, row_text

SECTION_LABELS = {
    "history": gettext_lazy("History"),
    "diagnosis": gettext_lazy("Diagnosis so far, as the patient gave it"),
    "treatment_so_far": gettext_lazy("Treatment so far"),
    "treatment_planned": gettext_lazy("Treatment planned"),
    "note": gettext_lazy("Coordinator's note to the specialists"),
}
TUMOUR_LABELS = {
    "type": gettext_lazy("Cancer type"),
    "site": gettext_lazy("Site"),
    "histology": gettext_lazy("Histology"),
    "grade": gettext_lazy("Grade"),
    "tnm": gettext_lazy("TNM"),
    "stage": gettext_lazy("Stage"),
}
FLAG_LABELS = {
    "low": gettext_lazy("Low"),
    "high": gettext_lazy("High"),
    "critical_low": gettext_lazy("Critically low"),
    "critical_high": gettext_lazy("Critically high"),
    "uncertain": gettext_lazy("Not checked: read it on the page"),
    "unread": gettext_lazy("Could not be read reliably: read it on the page"),
}


def _cite(item: dict[str, Any], documents: dict[str, dict[str, Any]]) -> None:
    """Adds the link to the page a fact came from, and its label ("Report 2, page 3")."""
    source = item.get("source")
    if not source or source["document"] not in documents:
        return
    document = documents[source["document"]]
    page = source.get("page")
    url = reverse("documents:review", kwargs={"public_id": source["document"]})
    item["link"] = f"{url}#page-{page}" if page else url
    item["cite"] = (
        _("Report %(number)s, page %(page)s") % {"number": document["ordinal"], "page": page}
        if page
        else _("Report %(number)s") % {"number": document["ordinal"]}
    )


def _context(view: SummaryView, case: Any) -> dict[str, Any]:
    content = copy.deepcopy(view.content)
    for section in ("tumour", "biomarkers", "family", "labs", "urgency"):
        for item in content.get(section, []):
            _cite(item, view.documents)
    for section in FACT_SECTIONS:
        for item in content.get(section, []):
            item["drafted"] = row_text(section, item)
    for item in content.get("tumour", []):
        item["label"] = TUMOUR_LABELS.get(item["field"], item["field"])
    for item in content.get("labs", []):
        item["flag_label"] = FLAG_LABELS.get(item["flag"], item["flag"])
    unreleased = sorted(
        view.documents[d]["ordinal"]
        for d in cited_documents(content)
        if d in view.documents and not view.documents[d]["released"]
    )
    waiting = [d["ordinal"] for d in view.documents.values() if d["status"] != "processed"]
    hard_to_read = [
        {
            "cite": _("Report %(number)s, page %(page)s") % {"number": d["ordinal"], "page": page},
            "link": reverse("documents:review", kwargs={"public_id": public_id}) + f"#page-{page}",
        }
        for public_id, d in view.documents.items()
        for page in d["hard_pages"]
    ]
    return {
        "case": case,
        "summary": view.summary,
        "content": content,
        "sections": [
            (name, SECTION_LABELS[name], content["sections"].get(name, ""))
            for name in TEXT_SECTIONS
        ],
        "medical_area": MedicalArea(content["medical_area"]).label
        if content.get("medical_area") in MedicalArea.values
        else "",
        "unreleased": unreleased,
        "waiting": waiting,
        "hard_to_read": hard_to_read,
    }


@login_required
@require_GET
def summary(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = case_get_for_review(
        user=cast(User, request.user), public_id=public_id, action=CaseAction.VIEW
    )
    view = case_summary_for_coordinator(user=request.user, case=case)
    return render(request, "insights/summary.html", _context(view, case))


@login_required
@require_POST
def summary_save(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Saves the coordinator's edits; with "approve", approves the summary as saved."""
    case = case_get_for_review(
        user=cast(User, request.user), public_id=public_id, action=CaseAction.VIEW
    )
    view = case_summary_for_coordinator(user=request.user, case=case)
    sections = {name: request.POST.get(name, "") for name in TEXT_SECTIONS if name in request.POST}
    try:
        saved, masked = case_summary_save(
            summary=view.summary,
            actor=cast(User, request.user),
            sections=sections,
            questions=request.POST.getlist("question"),
            excluded=set(request.POST.getlist("leave_out")),
            corrections={
                key.removeprefix("correct-"): request.POST.get(key, "")
                for key in request.POST
                if key.startswith("correct-")
            },
        )
        if masked:
            messages.warning(
                request,
                _("%(count)s identifiers in the text were replaced by a marker such as [NAME].")
                % {"count": masked},
            )
        if request.POST.get("action") == "approve":
            case_summary_approve(summary=saved, actor=cast(User, request.user))
            messages.success(request, _("The summary is approved: the specialists will see it."))
        else:
            messages.success(request, _("Your changes are saved. The summary is not approved yet."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("insights:summary", public_id=case.public_id)


@login_required
@require_POST
def summary_redraft(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Drafts the summary again from the intake and the reports, discarding edits and approval."""
    case = case_get_for_review(
        user=cast(User, request.user), public_id=public_id, action=CaseAction.VIEW
    )
    case_summary_for_coordinator(user=request.user, case=case)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that your edits may be replaced."))
    else:
        case_summary_draft(case=case, actor=cast(User, request.user))
        messages.success(request, _("The summary was drafted again from the intake and reports."))
    return redirect("insights:summary", public_id=case.public_id)
