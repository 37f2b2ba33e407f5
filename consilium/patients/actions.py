"""The audit actions of the patients app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class PatientAction(StrEnum):
    PATIENT_CREATE = "patient.create"
    PATIENT_UPDATE = "patient.update"
