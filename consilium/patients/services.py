"""Every write to a patient."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from consilium.audit.services import record
from consilium.patients.actions import PatientAction
from consilium.patients.models import Patient, Relationship

EDITABLE_FIELDS = (
    "relationship",
    "full_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "city",
    "state",
    "country",
    "abha_number",
)


@transaction.atomic
def patient_create(
    *, holder: Any, relationship: str, full_name: str = "", **details: Any
) -> Patient:
    """Adds a patient to an account; the details may be filled in later during the intake."""
    unknown = set(details) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown patient fields: {sorted(unknown)}")
    if relationship == Relationship.SELF and not full_name:
        full_name = getattr(holder, "full_name", "") or ""
        details.setdefault("email", getattr(holder, "email", "") or "")
        details.setdefault("phone", getattr(holder, "phone", "") or "")
    patient = Patient.objects.create(
        holder=holder, relationship=relationship, full_name=full_name, **details
    )
    record(actor=holder, action=PatientAction.PATIENT_CREATE, target=patient)
    return patient


# actor/user stay Any: below accounts in the layers; the stubs type user FKs as User only.
@transaction.atomic
def patient_update(*, patient: Patient, actor: Any, data: dict[str, Any]) -> Patient:
    """Saves the given details (only known fields; partial updates are fine for drafts)."""
    changed = [
        name for name in EDITABLE_FIELDS if name in data and getattr(patient, name) != data[name]
    ]
    for name in changed:
        setattr(patient, name, data[name])
    if changed:
        patient.save(update_fields=[*changed, "updated_at"])
        record(actor=actor, action=PatientAction.PATIENT_UPDATE, target=patient,
               detail={"fields": changed})
    return patient
