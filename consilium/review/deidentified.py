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
from consilium.insights.deid import KnownIdentity, detect, redact


def known_identity_for(*, case: Case) -> KnownIdentity:
    """The patient's registered identity, the account holder's (a relative acting for them
    identifies the family), and the treating doctor and hospital named in the intake."""
    patient = case.patient
    holder = patient.holder
    names = tuple(
        n for n in (patient.full_name, holder.full_name, case.treating_doctor) if n.strip()
    )
    address = tuple(
        p for p in (patient.address, patient.city, case.treating_hospital) if p.strip()
    )
    return KnownIdentity(
        names=names,
        date_of_birth=patient.date_of_birth,
        phones=tuple(p for p in (patient.phone, holder.phone) if p),
        emails=tuple(e for e in (patient.email, holder.email) if e),
        address_parts=address,
        identifiers=tuple(i for i in (patient.abha_number,) if i),
    )


def redact_text(text: str, *, known: KnownIdentity) -> str:
    if not text.strip():
        return ""
    return redact(text, detect(text, known=known))


def age_band(*, born: dt.date | None, on: dt.date) -> str:
    """"50–59 years", "under 1 year", "90 years or more", or "age not given"."""
    if born is None:
        return _("age not given")
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if years < 1:
        return _("under 1 year")
    if years >= 90:
        return _("90 years or more")
    if years < 10:
        return _("1–9 years")
    low = years // 10 * 10
    return _("%(low)d–%(high)d years") % {"low": low, "high": low + 9}


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
    from consilium.cases.red_flags import RedFlag

    known = known_identity_for(case=case)
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
        age_band=age_band(born=case.patient.date_of_birth, on=today),
        sex=case.patient.get_sex_display() or _("not given"),
        medical_area=case.get_medical_area_display() or _("not given"),
        sections=[(label, redact_text(text, known=known)) for label, text in fields],
        questions=[
            DeidentifiedQuestion(position=q.position, text=redact_text(q.text, known=known))
            for q in case.questions.all()
        ],
        red_flags=[str(RedFlag(code).label) for code in case.red_flags],
        is_urgent=case.is_urgent,
    )
