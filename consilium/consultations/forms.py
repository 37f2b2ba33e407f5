from __future__ import annotations

from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from consilium.consultations.models import ExceptionKind, Weekday


def _zones() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones()) if "/" in zone]


class HoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=_zones)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"].initial = settings.TIME_ZONE


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What changes"), choices=ExceptionKind.choices,
                             widget=forms.RadioSelect, initial=ExceptionKind.DAY_OFF)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("From (empty for the whole day)"), required=False,
                             widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Until (empty for the whole day)"), required=False,
                           widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_zones)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"].initial = settings.TIME_ZONE


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Your note on the call (the patient reads it; it becomes part of the record)"),
        max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
    )
