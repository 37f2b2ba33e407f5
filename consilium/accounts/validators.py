"""The password rule of the services we model: at least 8 characters, at least one number, and an
uppercase and a lowercase letter or a special character."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:  # Django loads validators from settings; the model is only needed for mypy
    from consilium.accounts.models import User


class ConsiliumPasswordValidator:
    def validate(self, password: str, user: User | None = None) -> None:
        errors = []
        if not any(ch.isdigit() for ch in password):
            errors.append(ValidationError(_("Add at least one number."), code="no_digit"))
        has_upper = any(ch.isupper() for ch in password)
        has_lower = any(ch.islower() for ch in password)
        has_special = any(not ch.isalnum() and not ch.isspace() for ch in password)
        if not ((has_upper and has_lower) or has_special):
            errors.append(
                ValidationError(
                    _("Use both an uppercase and a lowercase letter, or add a special character "
                      "such as ! @ # or %."),
                    code="no_mix",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "At least 8 characters, with at least one number, and either both uppercase and "
            "lowercase letters or a special character."
        )
