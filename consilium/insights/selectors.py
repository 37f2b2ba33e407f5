"""Reads of the case summary that depend on who is asking."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases.models import Case
from consilium.documents.models import Document, DocumentCategory, DocumentPage
from consilium.insights.actions import InsightAction
from consilium.insights.models import CaseSummary, SummaryStatus
from consilium.insights.services import (
    FACT_SECTIONS,
    case_summary_get_or_draft,
    summary_content,
)
from consilium.insights.summary import row_text


@dataclass(frozen=True)
class SummaryView:
    summary: CaseSummary
    content: dict[str, Any]
    # public id -> {"ordinal", "category", "released", "pages", "status", "hard_pages"} for every
    # document of the case
    documents: dict[str, dict[str, Any]]

    @property
    def is_approved(self) -> bool:
        return self.summary.status == SummaryStatus.APPROVED


def _documents_of(case: Case) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    rows = (
        Document.objects.filter(case=case)
        .order_by("created_at", "id")
        .values_list("public_id", "category", "released_at", "page_count", "status")
    )
    hard: dict[str, list[int]] = {}
    for public_id, number in (
        DocumentPage.objects.filter(document__case=case, hard_to_read=True)
        .order_by("number")
        .values_list("document__public_id", "number")
    ):
        hard.setdefault(str(public_id), []).append(number)
    for ordinal, (public_id, category, released_at, pages, status) in enumerate(rows, start=1):
        found[str(public_id)] = {
            "ordinal": ordinal,
            "category": category,
            "released": released_at is not None,
            "pages": pages,
            "status": status,
            "hard_pages": hard.get(str(public_id), []),
        }
    return found


def case_summary_state(*, case: Case) -> CaseSummary | None:
    """Whether the case has a summary and where it stands (status, new facts), without its
    content: for lists that show the state only (no audit event, nothing of the content read)."""
    return CaseSummary.objects.filter(case=case).only("status", "new_facts", "case_id").first()


def case_summary_for_coordinator(*, user: User | AnonymousUser, case: Case) -> SummaryView:
    """The summary as a coordinator checks and edits it (drafted the first time it is asked
    for). 404 for anyone but a coordinator; one audit event."""
    if not (user.is_authenticated and user.is_coordinator):
        raise Http404
    summary = case_summary_get_or_draft(case=case)
    record(actor=user, action=InsightAction.SUMMARY_VIEW, target=summary,
           detail={"case": str(case.public_id)})
    return SummaryView(
        summary=summary, content=summary_content(summary=summary), documents=_documents_of(case)
    )


def case_summary_for_specialist(*, case: Case, user: User | None = None) -> SummaryView | None:
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
    documents = _documents_of(case)
    content = copy.deepcopy(summary_content(summary=summary))
    for section in FACT_SECTIONS:
        kept = []
        for item in content.get(section, []):
            source = item.get("source")
            if not item.get("include", True):
                continue
            if source:
                # A report whose release was taken back (its boxes changed) keeps its facts
                # from specialists until it is released again.
                document = documents.get(source["document"])
                if document is None or not document["released"]:
                    continue
                item["cite"] = _cite_for_specialist(document, source.get("page"))
            item["drafted"] = row_text(section, item)
            kept.append({k: v for k, v in item.items() if k != "include"})
        content[section] = kept
    content.pop("masked", None)
    content.pop("documents", None)
    content["hard_to_read"] = [
        _cite_for_specialist(document, page)
        for document in documents.values()
        if document["released"]
        for page in document["hard_pages"]
    ]
    if user is not None:
        record(
            actor=user, action=InsightAction.SUMMARY_SPECIALIST_VIEW, target=summary,
            detail={"case": str(case.public_id)},
        )
    return SummaryView(summary=summary, content=content, documents=documents)


def _cite_for_specialist(document: dict[str, Any], page: int | None) -> str:
    """ "Pathology or biopsy report, page 2": specialists see the released reports by kind."""
    kind = str(DocumentCategory(document["category"]).label)
    return _("%(kind)s, page %(page)s") % {"kind": kind, "page": page} if page else kind
