"""Small builders shared by the consent and billing tests."""

from __future__ import annotations

import itertools
from typing import Any

from consilium.cases.models import Case
from consilium.patients.models import Patient

_numbers = itertools.count(1)


def make_case(patient: Patient, **fields: Any) -> Case:
    fields.setdefault("review_type", "")
    return Case.objects.create(
        reference=f"CN-TEST-{next(_numbers):05d}",
        patient=patient,
        created_by=patient.holder,
        **fields,
    )
