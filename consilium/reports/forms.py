from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SendToDoctorForm(forms.Form):
    email = forms.EmailField(label=_("Your doctor's email address"))
    doctor_name = forms.CharField(label=_("Your doctor's name (optional)"), required=False,
                                  max_length=200)
    note = forms.CharField(label=_("A note for your doctor (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    confirm = forms.BooleanField(
        label=_("I want this report, which names the patient, sent to this address."),
    )
