from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from consilium.accounts.models import User
from consilium.consent.models import ConsentSignature, ConsentText
from consilium.consent.selectors import consent_text_is_signed
from consilium.consent.services import consent_text_publish


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin[ConsentText]):
    """New versions are written here and published with the action. A version someone has signed
    is read-only: its words are the evidence of what they agreed to."""

    list_display = ["title", "version", "language", "is_active", "published_at"]
    list_filter = ["language", "is_active"]
    actions = ["publish"]
    fields = ["version", "language", "title", "body", "is_active", "published_at"]
    readonly_fields = ["is_active", "published_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and consent_text_is_signed(text=obj):
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and consent_text_is_signed(text=obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new version starts as a copy of the newest one, numbered after it."""
        language = request.GET.get("language", "en")
        latest = ConsentText.objects.filter(language=language).order_by("-version").first()
        top = ConsentText.objects.filter(language=language).aggregate(top=Max("version"))["top"]
        initial: dict[str, Any] = {"language": language, "version": (top or 0) + 1}
        if latest is not None:
            initial.update(title=latest.title, body=latest.body)
        return initial

    @admin.action(description=_("Publish the selected version (replaces the active one)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ConsentText]) -> None:
        texts = list(queryset)
        if len({text.language for text in texts}) != len(texts):
            self.message_user(
                request, _("Publish one version per language at a time."), messages.ERROR
            )
            return
        for text in texts:
            consent_text_publish(text=text, actor=cast(User, request.user))
        self.message_user(request, _("Published."), messages.SUCCESS)


@admin.register(ConsentSignature)
class ConsentSignatureAdmin(admin.ModelAdmin[ConsentSignature]):
    """Signatures are evidence: the admin may look, never change."""

    list_display = ["public_id", "consent_text", "relationship", "signed_at", "withdrawn_at"]
    list_select_related = ["consent_text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
