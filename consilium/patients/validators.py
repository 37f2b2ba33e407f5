"""Checks on what a patient or family member types about the patient."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ABHA_SEPARATORS = re.compile(r"[\s-]")


def normalize_abha(value: str) -> str:
    """An ABHA number as 14 digits shown the official way, 12-3456-7890-1234; "" stays ""."""
    value = (value or "").strip()
    if not value:
        return ""
    digits = _ABHA_SEPARATORS.sub("", value)
    if not (len(digits) == 14 and digits.isdigit()):
        raise ValidationError(
            _("An ABHA number has 14 digits, for example 12-3456-7890-1234."), code="abha"
        )
    return f"{digits[:2]}-{digits[2:6]}-{digits[6:10]}-{digits[10:]}"


_PHONE = re.compile(r"^\+?[\d\s()-]{7,20}$")


def normalize_phone(value: str) -> str:
    value = (value or "").strip()
    if value and (not _PHONE.match(value) or not 7 <= sum(c.isdigit() for c in value) <= 15):
        raise ValidationError(
            _("Enter a mobile number with digits only, for example +91 98765 43210."),
            code="phone",
        )
    return value
