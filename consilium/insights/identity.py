"""The registered identity of a case's patient, as the de-identification needs it.

Built from the Patient, its account holder (a proxy is a relative: their name and contacts are
identifiers of the patient too) and the intake (the treating doctor is not the patient but is a
person; the treating hospital is a place that points at the patient).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils import timezone

from consilium.insights.deid import KnownIdentity

# Degrees and titles that follow or precede a doctor's name in the intake ("Dr. R. Menon, MD").
_NOT_A_NAME = re.compile(
    r"(?i)\b(?:dr|drs|doctor|prof|mr|mrs|ms|smt|shri|sri|mbbs|md|dm|mch|dnb|frcs|mrcp|mrcs|"
    r"dch|dgo|phd|bds|mds|frcp|facs|fics|consultant|oncologist|surgeon|physician)\b\.?"
)
_PIN = re.compile(r"(?<!\d)[1-9]\d{2}\s?\d{3}(?!\d)")


def _doctor_name(text: str) -> str:
    """The name part of "Dr. R. Menon, MD (Oncology), City Hospital": "R. Menon"."""
    first = re.split(r"[,;(\n]", text, maxsplit=1)[0]
    return " ".join(_NOT_A_NAME.sub(" ", first).split())


def _address_parts(*values: str) -> tuple[str, ...]:
    parts: list[str] = []
    for value in values:
        value = " ".join((value or "").split())
        if not value:
            continue
        parts.append(value)
        # Each line of an address on its own: reports print it broken differently.
        pieces = [p.strip() for p in re.split(r"[,\n;]", value) if p.strip()]
        if len(pieces) > 1:
            parts.extend(p for p in pieces if len(p) >= 3)
        parts.extend(m.group() for m in _PIN.finditer(value))
    return tuple(dict.fromkeys(parts))


def known_identity_for(*, case: Any) -> KnownIdentity:
    """Names (patient, account holder, treating doctor), date of birth, phones, emails, address
    parts (address, city, treating hospital) and registered numbers (ABHA) of a case."""
    patient = case.patient
    holder = patient.holder
    names = [patient.full_name, holder.full_name]
    doctor = _doctor_name(case.treating_doctor or "")
    if doctor:
        names.append(doctor)
    return KnownIdentity(
        names=tuple(dict.fromkeys(n.strip() for n in names if n and n.strip())),
        date_of_birth=patient.date_of_birth,
        phones=tuple(dict.fromkeys(p for p in (patient.phone, holder.phone) if p)),
        emails=tuple(dict.fromkeys(e for e in (patient.email, holder.email) if e)),
        address_parts=_address_parts(patient.address, patient.city, case.treating_hospital),
        identifiers=tuple(i for i in (patient.abha_number,) if i),
    )


def date_anchor_for(*, case: Any) -> datetime.date:
    """Day 0 of the case's timeline: the day the request was started (see deid.timeline)."""
    return timezone.localdate(case.created_at)
