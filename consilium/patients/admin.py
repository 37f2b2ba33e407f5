from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consilium.patients.models import Patient


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin[Patient]):
    """Read-mostly: patients change their own details through the intake, which audits it."""

    # No names or health data in the list: the list is what shoulder-surfers see.
    list_display = ("public_id", "holder_email", "relationship", "created_at")
    list_select_related = ("holder",)
    list_filter = ("relationship",)
    search_fields = ("public_id", "holder__email")
    exclude = ("wrapped_data_key",)
    readonly_fields = (
        "public_id", "holder", "relationship", "full_name", "date_of_birth", "sex", "phone",
        "email", "address", "city", "state", "country", "abha_number", "created_at", "updated_at",
    )

    @admin.display(description="account", ordering="holder__email")
    def holder_email(self, obj: Patient) -> str:
        return obj.holder.email

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Erasure goes through its own service, which also destroys the data key.
        return False
