from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consilium.records.services import SHARE_DAYS_DEFAULT, SHARE_DAYS_MAX


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        label=_("Who is the link for?"), max_length=100,
        help_text=_("For example your doctor's name. Only you see it, in the list of uses."),
    )
    days = forms.IntegerField(
        label=_("How many days should the link work?"), min_value=1, max_value=SHARE_DAYS_MAX,
        initial=SHARE_DAYS_DEFAULT,
        help_text=_("From 1 to %(max)d days.") % {"max": SHARE_DAYS_MAX},
    )
    with_pin = forms.BooleanField(
        label=_("Protect it with a one-time PIN (6 digits) that you tell the doctor yourself"),
        required=False,
    )
    include_documents = forms.BooleanField(
        label=_("Also share the reports you uploaded (they show the patient's name)"),
        required=False,
    )


class PinForm(forms.Form):
    pin = forms.RegexField(
        label=_("PIN (6 digits)"), regex=r"^\s*\d{6}\s*$", max_length=8,
        error_messages={"invalid": _("The PIN has 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone"), required=True,
        error_messages={"required": _("Tick the box to say you understand.")},
    )
    reason = forms.CharField(
        label=_("The patient's written request"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who asked, how and when (for example: email of 3 March from the account "
                    "holder). Do not write the patient's name; it is removed anyway."),
    )
