from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consilium.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the audit trail is append-only, so nobody adds, edits or deletes an event here."""

    list_display = ("at", "action", "actor", "target_type", "target_id", "ip", "request_id")
    list_filter = ("action", ("at", admin.DateFieldListFilter), "target_type")
    search_fields = ("target_id", "request_id", "actor__email")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    readonly_fields = (
        "at", "actor", "action", "target_type", "target_id", "ip", "request_id", "detail",
    )
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
