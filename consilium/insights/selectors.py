"""Reads of the case summary that depend on who is asking."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from consilium.audit.services import record
from consilium.cases.models import Case
from consilium.documents.models import Document
from consilium.insights.models import CaseSummary, SummaryStatus
from consilium.insights.services import case_summary_get_or_draft, summary_content

FACT_SECTIONS = ("tumour", "biomarkers", "missing", "labs", "urgency")


@dataclass(frozen=True)
class SummaryView:
    summary: CaseSummary
    content: dict[str, Any]
    # public id -> {"label", "ordinal", "released", "pages"} for every document of the case
    documents: dict[str, dict[str, Any]]

    @property
    def is_approved(self) -> bool:
        return self.summary.status == SummaryStatus.APPROVED


def _documents_of(case: Case) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    rows = Document.objects.filter(case=case).order_by("created_at", "id").values_list(
        "public_id", "category", "released_at", "page_count", "status"
    )
    for ordinal, (public_id, category, released_at, pages, status) in enumerate(rows, start=1):
        found[str(public_id)] = {
            "ordinal": ordinal, "category": category, "released": released_at is not None,
            "pages": pages, "status": status,
        }
    return found


def case_summary_for_coordinator(*, user: Any, case: Case) -> SummaryView:
    """The summary as a coordinator checks and edits it (drafted the first time it is asked
    for). 404 for anyone but a coordinator; one audit event."""
    if not (getattr(user, "is_authenticated", False) and user.is_coordinator):
        raise Http404
    summary = case_summary_get_or_draft(case=case)
    record(actor=user, action="summary.view", target=summary, detail={"case": str(case.public_id)})
    return SummaryView(
        summary=summary, content=summary_content(summary=summary), documents=_documents_of(case)
    )


def case_summary_for_specialist(*, case: Case, user: Any = None) -> SummaryView | None:
    """The approved summary with the facts a coordinator left out removed, or None while no
    summary is approved. The caller (the review side) has already decided the user may see the
    case de-identified; give `user` and the read is audited here. Facts carry the document's
    public id and page: link them to the released rendition, never to the original."""
    summary = (
        CaseSummary.objects.select_related("case__patient")
        .filter(case=case, status=SummaryStatus.APPROVED)
        .first()
    )
    if summary is None:
        return None
    content = copy.deepcopy(summary_content(summary=summary))
    for section in FACT_SECTIONS:
        content[section] = [
            {k: v for k, v in item.items() if k != "include"}
            for item in content.get(section, [])
            if item.get("include", True)
        ]
    content.pop("masked", None)
    if user is not None:
        record(
            actor=user, action="summary.specialist_view", target=summary,
            detail={"case": str(case.public_id)},
        )
    return SummaryView(summary=summary, content=content, documents=_documents_of(case))
