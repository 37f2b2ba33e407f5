"""What a specialist may know about a case in the blind identity mode: a pseudonymous code, an
age band and sex, and the patient's own words with every identifier masked.

The patient types their story in free text, and some write their own name, phone number or their
doctor's name into it. Everything shown to a specialist passes through the same detector that
redacts the reports, told the patient's registered identity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from consilium.cases.models import Case
from consilium.cases.red_flags import RedFlag
from consilium.insights.deid import KnownIdentity, detect
from consilium.insights.deid.timeline import redact_with_timeline
from consilium.insights.identity import date_anchor_for, known_identity_for
from consilium.insights.summary import age_band

__all__ = ["known_identity_for", "redact_text", "deidentify_case"]


def redact_text(text: str, *, known: KnownIdentity, anchor: dt.date | None = None) -> str:
    """Identifiers masked; with the case's anchor, dates told as days from it."""
    if not text.strip():
        return ""
    return redact_with_timeline(text, detect(text, known=known), anchor=anchor)


@dataclass
class DeidentifiedQuestion:
    position: int
    text: str


@dataclass
class DeidentifiedCase:
    code: str
    age_band: str
    sex: str
    medical_area: str
    sections: list[tuple[str, str]]
    questions: list[DeidentifiedQuestion]
    red_flags: list[str] = field(default_factory=list)
    is_urgent: bool = False


def deidentify_case(*, case: Case, code: str, today: dt.date) -> DeidentifiedCase:
    """The intake as a specialist sees it; the treating doctor and hospital are withheld."""

    known = known_identity_for(case=case)
    anchor = date_anchor_for(case=case)
    fields = [
        (_("Diagnosis so far"), case.diagnosis_so_far),
        (_("Symptoms"), case.symptoms),
        (_("How it started and changed"), case.symptom_timeline),
        (_("Allergies"), case.allergies),
        (_("Current medicines"), case.current_medicines),
        (_("Past illnesses and operations"), case.past_history),
        (_("Treatment so far"), case.treatment_so_far),
        (_("Treatment planned"), case.treatment_planned),
    ]
    return DeidentifiedCase(
        code=code,
        age_band=age_band(case.patient.date_of_birth, today) or _("age not given"),
        sex=case.patient.get_sex_display() or _("not given"),
        medical_area=case.get_medical_area_display() or _("not given"),
        sections=[
            (label, redact_text(text, known=known, anchor=anchor)) for label, text in fields
        ],
        questions=[
            DeidentifiedQuestion(
                position=q.position, text=redact_text(q.text, known=known, anchor=anchor)
            )
            for q in case.questions.all()
        ],
        red_flags=[str(RedFlag(code).label) for code in case.red_flags],
        is_urgent=case.is_urgent,
    )
