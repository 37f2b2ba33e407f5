from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consilium.accounts.models import User
from consilium.notifications.services import outbox_enqueue
from consilium.patients.models import Relationship

PHONE_RE = re.compile(r"^\+?[0-9]{10,15}$")


def _clean_phone(value: str) -> str:
    phone = re.sub(r"[\s\-().]", "", value)
    if not PHONE_RE.match(phone):
        raise ValidationError(
            _("Enter a mobile number with 10 to 15 digits, for example +91 98765 43210.")
        )
    return phone


class RequestFor:
    MYSELF = "myself"
    SOMEONE_ELSE = "someone_else"
    CHOICES = [
        (MYSELF, gettext_lazy("Myself")),
        (SOMEONE_ELSE, gettext_lazy("Someone else (a family member or a person I care for)")),
    ]


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label=gettext_lazy("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        help_text=gettext_lazy("We send a confirmation link and, later, your report here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"),
        strip=False,
        help_text=gettext_lazy(
            "At least 8 characters, with a number, and both capital and small letters or a "
            "special character such as ! @ # or %."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    request_for = forms.ChoiceField(
        label=gettext_lazy("Who is the second opinion for?"),
        choices=RequestFor.CHOICES,
        widget=forms.RadioSelect,
    )
    relationship = forms.ChoiceField(
        label=gettext_lazy("If it is for someone else: what are you to the patient?"),
        choices=[("", "—")] + [c for c in Relationship.choices if c[0] != Relationship.SELF],
        required=False,
    )

    def clean_email(self) -> str:
        # Whether the address has an account is never said here: the owner is told by email.
        email: str = self.cleaned_data["email"].strip().lower()
        return email

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("request_for") == RequestFor.SOMEONE_ELSE and not data.get("relationship"):
            self.add_error("relationship", _("Choose what you are to the patient."))
        password1, password2 = data.get("password1"), data.get("password2")
        if password1:
            # The similarity check compares with these attributes of a user not yet saved.
            candidate = User(
                email=data.get("email", ""),
                username=data.get("email", ""),
                full_name=data.get("full_name", ""),
                first_name=data.get("full_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as exc:
                for message in exc.messages:
                    self.add_error("password1", message)
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2", _("The two passwords are not the same. Please type both again.")
            )
        return data

    @property
    def relationship_to_patient(self) -> str:
        if self.cleaned_data["request_for"] == RequestFor.MYSELF:
            return str(Relationship.SELF)
        return str(self.cleaned_data["relationship"])


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Your full name"), max_length=200)
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Language for pages and emails"), choices=settings.LANGUAGES
    )

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email leaves through our outbox like every other email."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        url = settings.SITE_URL + reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        with translation.override(getattr(user, "preferred_language", "") or "en"):
            subject = _("Reset your %(site)s password") % {"site": settings.SITE_NAME}
            body = _(
                "Hello %(name)s,\n\n"
                "Someone asked to reset the password of your account on %(site)s, the service "
                "for written second medical opinions. If it was you, choose a new password here:"
                "\n\n%(url)s\n\n"
                "The link works once and expires in a few days. If you did not ask for this, "
                "ignore this email: your password stays the same and nobody can use this link "
                "without access to your inbox.\n\n"
                "— The %(site)s team\n%(site_url)s\n"
            ) % {
                "name": user.full_name or user.email,
                "site": settings.SITE_NAME,
                "url": url,
                "site_url": settings.SITE_URL,
            }
        outbox_enqueue(
            to=to_email,
            subject=subject,
            body_text=body,
            dedupe_key=f"accounts.password_reset:{user.public_id}:{context['token']}",
            recipient=user,
        )
