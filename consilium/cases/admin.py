from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consilium.cases.models import Case, CaseQuestion, CaseTransition


class CaseTransitionInline(admin.TabularInline[CaseTransition, Case]):
    model = CaseTransition
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseQuestionInline(admin.TabularInline[CaseQuestion, Case]):
    model = CaseQuestion
    extra = 0
    can_delete = False
    fields = ("position", "text")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    """Read-only: a case changes only through its services (status through `case_transition`)."""

    list_display = ("reference", "status", "created_at", "submitted_at")
    list_filter = ("status",)
    search_fields = ("reference", "public_id")
    date_hierarchy = "created_at"
    inlines = (CaseQuestionInline, CaseTransitionInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Case._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing is allowed through has_view_permission; nothing is saved from here.
        return False
