"""The report as HTML and PDF (WeasyPrint with Noto fonts, so Hindi renders).

The report is the patient's: it names the patient, and is never shown to a specialist. It prints
each reviewer's verified qualifications and registration number in both identity modes (India's
Telemedicine Practice Guidelines 2020 require the registration number to be shown) and their names
only in the open mode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consilium.cases.models import Case
from consilium.documents.selectors import documents_released
from consilium.review.models import (
    AgreementLevel,
    AssignmentStatus,
    FollowUp,
    OpinionContent,
    OpinionStatus,
    Review,
)
from consilium.review.selectors import (
    SECTIONS,
    identity_mode,
    section_label,
    section_text,
    specialist_label,
)


@dataclass
class Reviewer:
    label: str
    qualifications: str
    registration: str
    verified_on: str
    is_lead: bool


@dataclass
class Section:
    title: str
    text: str
    agreement: str = ""


def _sections(content: OpinionContent, agreement: dict[str, str]) -> list[Section]:
    labels = {"agree": _("panel agrees"), "partly": _("panel partly agrees"),
              "differ": _("panel differs")}
    sections = []
    for name, note in SECTIONS:
        text = section_text(content, name, note)
        if not text:
            continue
        sections.append(Section(title=section_label(name), text=text,
                                agreement=labels.get(agreement.get(name, ""), "")))
    return sections


def report_context(*, case: Case, version: int, follow_ups: list[FollowUp],
                   issued_at: dt.datetime) -> dict[str, Any]:
    """Everything the report prints, from the submitted consolidation (panels) or the single
    submitted opinion."""

    review = Review.objects.select_related("case__patient").get(case=case)
    mode = identity_mode()
    accepted = list(
        review.assignments.filter(status=AssignmentStatus.ACCEPTED)
        .select_related("specialist__user", "opinion")
        .order_by("position")
    )
    if review.is_panel:
        content: OpinionContent = review.consolidation
        agreement = review.consolidation.section_agreement
        level = AgreementLevel(review.consolidation.agreement).label \
            if review.consolidation.agreement else ""
        agreement_note = review.consolidation.agreement_note
    else:
        content = next(a.opinion for a in accepted if a.opinion.status == OpinionStatus.SUBMITTED)
        agreement, level, agreement_note = {}, "", ""
    patient = case.patient
    questions = [
        (q.text, content.answers.get(str(q.position), "")) for q in case.questions.all()
    ]
    reviewers = [
        Reviewer(
            label=specialist_label(assignment=a, mode=mode),
            qualifications=a.specialist.qualifications,
            registration=f"{a.specialist.registration_number}, {a.specialist.registration_council}",
            verified_on=timezone.localtime(a.specialist.verified_at).strftime("%d %b %Y")
            if a.specialist.verified_at else "",
            is_lead=a.is_lead and review.is_panel,
        )
        for a in accepted
    ]
    return {
        "case": case,
        "patient": patient,
        "age": patient.age_on(timezone.localdate(issued_at)),
        "version": version,
        "issued_at": timezone.localtime(issued_at),
        "organisation": settings.REPORT_ORGANISATION,
        "site_url": settings.SITE_URL,
        "review": review,
        "questions": questions,
        "sections": _sections(content, agreement),
        "agreement_level": level,
        "agreement_note": agreement_note,
        "reviewers": reviewers,
        "documents": documents_released(case=case),
        "follow_ups": follow_ups,
        "identity_mode": mode,
    }


def report_pdf_render(*, context: dict[str, Any], language: str = "en") -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string("reports/report.html", context)
    # WeasyPrint has no type hints; with no target, write_pdf returns the PDF's bytes.
    return cast(bytes, HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())
