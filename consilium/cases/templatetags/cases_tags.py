from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from consilium.cases.models import Case
from consilium.cases.selectors import StepState, case_steps

register = template.Library()


@register.simple_tag
def intake_steps(case: Case) -> list[StepState]:
    """The eight steps of a request with their links and whether each is done."""
    return case_steps(case=case)


@register.filter
def age(patient: Any, on: dt.date | None = None) -> int | None:
    """The patient's age in whole years today (None without a date of birth)."""
    return patient.age_on(on or timezone.localdate()) if patient is not None else None
