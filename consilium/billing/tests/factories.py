"""Small builders shared by the consent and billing tests."""

from __future__ import annotations

import itertools
from typing import Any

from django.urls import NoReverseMatch, reverse

from consilium.cases.models import Case, ReviewType
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


def make_priced_case(patient: Patient, review_type: str = ReviewType.SINGLE) -> Case:
    return make_case(patient, review_type=review_type)


def intake_urls_exist() -> bool:
    import uuid

    try:
        reverse("cases:intake", args=[uuid.uuid4(), "patient"])
        reverse("cases:submit", args=[uuid.uuid4()])
        reverse("documents:case_documents", args=[uuid.uuid4()])
    except NoReverseMatch:
        return False
    return True
