"""Every write of the insights app: the facts read from a document and the case summary."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases.models import Case
from consilium.cases.red_flags import RedFlag
from consilium.core.crypto import patient_data_key
from consilium.core.errors import require
from consilium.core.storage import encrypted_read_bytes, encrypted_write_bytes, get_storage
from consilium.documents.files import document_read_text
from consilium.documents.models import Document, DocumentStatus
from consilium.insights.actions import InsightAction
from consilium.insights.extract import Facts
from consilium.insights.identity import date_anchor_for, known_identity_for
from consilium.insights.models import CaseSummary, DocumentFact, FactKind, SummaryStatus
from consilium.insights.summary import (
    TEXT_SECTIONS,
    Fact,
    Intake,
    SourceDocument,
    cited_documents,
    deidentify_text,
    summary_draft,
)

# --- Facts --------------------------------------------------------------------------------------


def _fact_rows(document: Document, facts: Facts, contents: Iterable[str]) -> list[DocumentFact]:
    rows: list[DocumentFact] = []

    def add(**values: Any) -> None:
        rows.append(DocumentFact(document=document, position=len(rows), **values))

    oncology = facts.oncology
    for name, value in (
        ("type", oncology.cancer_type),
        ("site", oncology.site),
        ("histology", oncology.histology),
        ("grade", oncology.grade),
        ("tnm", oncology.tnm),
        ("stage", oncology.stage),
    ):
        if value:
            add(kind=FactKind.TUMOUR, name=name, value=value[:120], page=oncology.pages.get(name))
    for marker in oncology.biomarkers:
        add(
            kind=FactKind.BIOMARKER,
            name=marker.name,
            value=marker.status,
            detail=marker.value[:80],
            method=marker.method[:16],
            page=marker.page,
            assertion=marker.assertion,
            vaf=marker.vaf[:16],
            origin=marker.origin[:16],
        )
    for lab in facts.labs:
        add(
            kind=FactKind.LAB,
            name=lab.name,
            code=lab.loinc,
            value=f"{lab.value:g}",
            number=lab.value,
            unit=lab.unit[:32],
            reference_range=lab.reference_range[:64],
            reference_source=lab.reference_source,
            flag=lab.flag,
            comparator=lab.comparator,
            page=lab.page,
            printed=lab.printed[:64],
            printed_range=lab.printed_range[:64],
            uncertain=lab.uncertain,
            note=lab.note[:160],
            withheld=lab.withheld,
        )
    for reason in facts.urgent:
        if reason.kind == "finding":
            add(kind=FactKind.URGENT, name=reason.code[:80], page=reason.page)
    for code in sorted(contents):
        add(kind=FactKind.CONTENTS, name=code)
    return rows


def document_facts_replace(
    *, document: Document, facts: Facts, contents: Iterable[str] = ()
) -> int:
    """Replaces the facts stored for a document by those just read, with the kinds of report it
    holds (insights.contents codes); returns how many. Called by the documents pipeline inside
    its transaction."""
    DocumentFact.objects.filter(document=document).delete()
    rows = DocumentFact.objects.bulk_create(_fact_rows(document, facts, contents))
    return len(rows)


# --- The case summary ----------------------------------------------------------------------------

# The sections of drafted rows a coordinator may leave out or correct.
FACT_SECTIONS = ("tumour", "biomarkers", "family", "missing", "asked", "labs", "urgency")


def _content_write(*, case: Case, content: dict[str, Any]) -> tuple[str, str]:
    data = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    key, _size, sha256 = encrypted_write_bytes(
        data=data, data_key=patient_data_key(patient=case.patient)
    )
    return key, sha256


def summary_content(*, summary: CaseSummary) -> dict[str, Any]:
    """The decrypted content, checked against its recorded hash. The caller has already decided
    the reader may see it and writes its own audit event."""
    data = encrypted_read_bytes(
        key=summary.content_storage_key,
        data_key=patient_data_key(patient=summary.case.patient),
        sha256=summary.content_sha256,
    )
    content: dict[str, Any] = json.loads(data)
    return content


def _intake_of(case: Case) -> Intake:
    return Intake(
        date_of_birth=case.patient.date_of_birth,
        sex=case.patient.sex,
        medical_area=case.medical_area,
        diagnosis_so_far=case.diagnosis_so_far,
        symptoms=case.symptoms,
        symptom_timeline=case.symptom_timeline,
        past_history=case.past_history,
        allergies=case.allergies,
        current_medicines=case.current_medicines,
        treatment_so_far=case.treatment_so_far,
        treatment_planned=case.treatment_planned,
        questions=[q.text for q in case.questions.all()],
        red_flag_labels=[str(RedFlag(code).label) for code in case.red_flags if code in RedFlag],
    )


def _source_documents(case: Case) -> list[SourceDocument]:
    documents = list(
        Document.objects.filter(case=case)
        .select_related("case__patient")
        .prefetch_related("facts")
        .order_by("created_at", "id")
    )
    sources = []
    for ordinal, document in enumerate(documents, start=1):
        if document.status != DocumentStatus.PROCESSED:
            continue
        facts = [
            Fact(
                kind=f.kind,
                name=f.name,
                page=f.page,
                value=f.value,
                number=f.number,
                code=f.code,
                unit=f.unit,
                reference_range=f.reference_range,
                reference_source=f.reference_source,
                flag=f.flag,
                comparator=f.comparator,
                detail=f.detail,
                method=f.method,
                assertion=f.assertion,
                vaf=f.vaf,
                origin=f.origin,
                printed=f.printed,
                printed_range=f.printed_range,
                uncertain=f.uncertain,
                note=f.note,
                withheld=f.withheld,
            )
            for f in document.facts.all()
        ]
        sources.append(
            SourceDocument(
                public_id=str(document.public_id),
                ordinal=ordinal,
                category=str(document.get_category_display()),
                text=document_read_text(document=document),
                facts=facts,
            )
        )
    return sources


def _draft_content(case: Case) -> dict[str, Any]:
    return summary_draft(
        intake=_intake_of(case),
        documents=_source_documents(case),
        known=known_identity_for(case=case),
        today=timezone.localdate(),
        anchor=date_anchor_for(case=case),
        sex_label=str(case.patient.get_sex_display()) if case.patient.sex else "",
    )


def _replace_content(summary: CaseSummary, content: dict[str, Any]) -> list[str]:
    """Writes new content; returns the old file's key, to delete once committed."""
    old = summary.content_storage_key
    summary.content_storage_key, summary.content_sha256 = _content_write(
        case=summary.case, content=content
    )
    return [old] if old else []


def _delete_on_commit(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        transaction.on_commit(lambda key=key: storage.delete(key))  # type: ignore[misc]


@transaction.atomic
def case_summary_draft(*, case: Case, actor: User | None = None) -> CaseSummary:
    """Drafts the summary anew from the intake and every document read so far, replacing any
    edits and approval (the system's draft, shown as such until a coordinator approves it)."""
    Case.objects.select_for_update().get(pk=case.pk)
    content = _draft_content(case)
    summary = CaseSummary.objects.select_for_update().filter(case=case).first()
    now = timezone.now()
    if summary is None:
        key, sha256 = _content_write(case=case, content=content)
        summary = CaseSummary.objects.create(
            case=case,
            status=SummaryStatus.DRAFTED,
            content_storage_key=key,
            content_sha256=sha256,
            drafted_at=now,
        )
        old: list[str] = []
    else:
        old = _replace_content(summary, content)
        summary.status = SummaryStatus.DRAFTED
        summary.drafted_at = now
        summary.approved_at = summary.approved_by = None
        summary.edited_at = summary.edited_by = None
        summary.new_facts = False
        summary.save()
    record(
        actor=actor, action=InsightAction.SUMMARY_DRAFT, target=summary,
        detail={"case": str(case.public_id), "documents": len(content["documents"])},
    )
    _delete_on_commit(old)
    return summary


def case_summary_get_or_draft(*, case: Case) -> CaseSummary:
    """The case's summary, drafted by the system the first time anyone asks for it."""
    summary = CaseSummary.objects.select_related("case__patient").filter(case=case).first()
    return summary or case_summary_draft(case=case)


def case_summary_documents_changed(*, case: Case) -> None:
    """A document of the case was read: a system draft is drafted again; a summary a coordinator
    edited or approved is kept and marked as having new facts to look at."""
    summary = CaseSummary.objects.filter(case=case).first()
    if summary is None:
        return
    if summary.status == SummaryStatus.DRAFTED:
        case_summary_draft(case=case)
    elif not summary.new_facts:
        CaseSummary.objects.filter(pk=summary.pk).update(new_facts=True)
        record(actor=None, action=InsightAction.SUMMARY_NEW_FACTS, target=summary)


def _require_coordinator(actor: User) -> None:
    require(
        actor.is_coordinator,
        _("Only a coordinator can change the case summary."),
    )


@transaction.atomic
def case_summary_save(
    *,
    summary: CaseSummary,
    actor: User,
    sections: dict[str, str],
    questions: list[str],
    excluded: set[str],
    corrections: dict[str, str] | None = None,
) -> tuple[CaseSummary, int]:
    """Saves a coordinator's edits (text sections, questions, facts left out and drafted rows
    corrected, both by "section-index" keys) as not approved yet. A correction is kept beside
    the row as drafted, never over it, so both can be shown; an empty one removes it.
    Identifiers typed into any text are masked here too; returns the summary and how many were
    masked."""
    _require_coordinator(actor)
    locked = (
        CaseSummary.objects.select_for_update().select_related("case__patient").get(pk=summary.pk)
    )
    content = summary_content(summary=locked)
    known = known_identity_for(case=locked.case)
    anchor = date_anchor_for(case=locked.case)
    masked = 0
    for name in TEXT_SECTIONS:
        if name in sections:
            content["sections"][name], count = deidentify_text(
                sections[name].strip(), known, anchor
            )
            masked += count
    cleaned = []
    for question in questions:
        if question.strip():
            text, count = deidentify_text(question.strip(), known, anchor)
            masked += count
            cleaned.append(text)
    content["questions"] = cleaned
    corrected = 0
    for section in FACT_SECTIONS:
        for index, item in enumerate(content.get(section, [])):
            key = f"{section}-{index}"
            item["include"] = key not in excluded
            if corrections is None or key not in corrections:
                continue
            typed = " ".join(corrections[key].split())[:300]
            if not typed:
                item.pop("correction", None)
                continue
            text, count = deidentify_text(typed, known, anchor)
            masked += count
            if item.get("correction", {}).get("text") != text:
                item["correction"] = {"text": text, "at": timezone.now().isoformat()}
                corrected += 1
    old = _replace_content(locked, content)
    locked.status = SummaryStatus.EDITED
    locked.edited_at = timezone.now()
    locked.edited_by = actor
    locked.approved_at = locked.approved_by = None
    locked.save()
    record(
        actor=actor, action=InsightAction.SUMMARY_EDIT, target=locked,
        detail={
            "case": str(locked.case.public_id),
            "excluded": len(excluded),
            "masked": masked,
            "corrected": corrected,
        },
    )
    _delete_on_commit(old)
    return locked, masked


@transaction.atomic
def case_summary_approve(*, summary: CaseSummary, actor: User) -> CaseSummary:
    """Approves the summary for the specialists: who and when are recorded. Every document an
    included fact comes from must have been released first, so nothing from an unchecked
    document reaches a specialist."""
    _require_coordinator(actor)
    locked = (
        CaseSummary.objects.select_for_update().select_related("case__patient").get(pk=summary.pk)
    )
    cited = cited_documents(summary_content(summary=locked))
    unreleased = list(
        Document.objects.filter(
            case=locked.case, public_id__in=cited, released_at__isnull=True
        ).order_by("created_at", "id")
    )
    if unreleased:
        ordinals = {
            str(d.public_id): n
            for n, d in enumerate(
                Document.objects.filter(case=locked.case).order_by("created_at", "id"), 1
            )
        }
        numbers = ", ".join(str(ordinals[str(d.public_id)]) for d in unreleased)
        require(
            False,
            _(
                "Release the reports this summary cites first (report %(numbers)s), or leave "
                "their facts out."
            )
            % {"numbers": numbers},
        )
    locked.status = SummaryStatus.APPROVED
    locked.approved_at = timezone.now()
    locked.approved_by = actor
    locked.new_facts = False
    locked.save()
    record(
        actor=actor, action=InsightAction.SUMMARY_APPROVE, target=locked,
        detail={"case": str(locked.case.public_id)},
    )
    return locked
