from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consilium.accounts.models import SpecialistProfile, User
from consilium.accounts.services import specialist_profile_verify


def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin's own sign-in form would bypass our throttle and two-step sign-in, so it is
    never shown: visitors sign in through accounts:login, and a signed-in account the admin
    refused (not staff) gets 404 rather than a password form."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, login_url=reverse("accounts:login"))
    if request.user.is_active and request.user.is_staff:
        return redirect(next_url)
    raise Http404


admin.site.login = _admin_login  # type: ignore[method-assign]


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role")

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class UserChangeForm(auth_forms.UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "role", "email_verified", "is_active", "date_joined")
    list_filter = ("role", "email_verified", "is_active")
    search_fields = ("email", "full_name", "phone")
    ordering = ("email",)
    readonly_fields = ("public_id", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        (_("Person"), {"fields": ("full_name", "phone", "preferred_language",
                                  "relationship_to_patient")}),
        (_("Role and status"), {"fields": ("role", "email_verified", "is_active", "is_staff",
                                          "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {
            "classes": ("wide",),
            "fields": ("email", "full_name", "role", "usable_password", "password1", "password2"),
        }),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The username is an internal copy of the email; keeping it in step stops a later
        # registration with the old address from colliding on it.
        obj.username = obj.email
        super().save_model(request, obj, form, change)


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verified")
    parameter_name = "verified"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Verified")), ("no", _("Not verified"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(verified_at__isnull=True)
        return queryset


@admin.register(SpecialistProfile)
class SpecialistProfileAdmin(admin.ModelAdmin[SpecialistProfile]):
    list_display = ("user", "specialty", "registration_number", "is_verified",
                    "accepting_cases", "capacity")
    list_filter = ("specialty", VerifiedFilter, "accepting_cases")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__full_name", "registration_number", "hospital")
    raw_id_fields = ("user",)
    readonly_fields = ("public_id", "verified_at", "verified_by", "created_at", "updated_at")
    actions = ("mark_verified",)

    @admin.display(boolean=True, description=_("verified"))
    def is_verified(self, obj: SpecialistProfile) -> bool:
        return obj.is_verified

    @admin.action(description=_("Mark selected specialists as verified"))
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[SpecialistProfile]) -> None:
        actor = cast(User, request.user)
        count = 0
        for profile in queryset.filter(verified_at__isnull=True):
            specialist_profile_verify(profile=profile, actor=actor)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d specialist marked as verified.",
                     "%(n)d specialists marked as verified.", count) % {"n": count},
            messages.SUCCESS,
        )
