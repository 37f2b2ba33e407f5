from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consilium.consent.services import MIN_NAME_LENGTH
from consilium.patients.models import Relationship


class ConsentSignForm(forms.Form):
    signer_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        min_length=MIN_NAME_LENGTH,
        help_text=_("Typing your name here counts as your signature."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    relationship = forms.ChoiceField(
        label=_("Your relationship to the patient"), choices=Relationship.choices
    )
    agree = forms.BooleanField(
        label=_("I have read the consent above and I agree to it."),
        error_messages={"required": _("Tick the box to show that you agree.")},
    )
    text_id = forms.UUIDField(widget=forms.HiddenInput)

    def clean_signer_name(self) -> str:
        name = " ".join(self.cleaned_data["signer_name"].split())
        if len(name) < MIN_NAME_LENGTH:
            raise forms.ValidationError(_("Type your full name to sign."))
        return name
