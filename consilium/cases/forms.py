"""The intake steps. Every field is optional here: a draft saves whatever is filled in, and the
submit check says what is still missing."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consilium.cases import hooks
from consilium.cases.models import HISTORY_FIELDS, Case, MedicalArea, SecondOpinionReason
from consilium.cases.red_flags import NONE_OF_THESE, RedFlag
from consilium.cases.services import MAX_QUESTIONS
from consilium.patients.models import Patient, Relationship, Sex
from consilium.patients.validators import normalize_abha, normalize_phone


class DraftForm(forms.Form):
    """A form built from model fields, every one optional, so a half-filled step still saves."""

    model: type[models.Model]
    model_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        generated = fields_for_model(self.model, fields=self.model_fields)
        declared = dict(self.fields)
        self.fields = {}
        for name in self.model_fields:
            self.fields[name] = declared.pop(name) if name in declared else generated[name]
        self.fields.update(declared)
        for field in self.fields.values():
            field.required = False


class PatientStepForm(DraftForm):
    model = Patient
    model_fields = (
        "full_name",
        "date_of_birth",
        "sex",
        "phone",
        "email",
        "address",
        "city",
        "state",
        "country",
        "abha_number",
    )

    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    phone = forms.CharField(
        label=_("Mobile number"), max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    abha_number = forms.CharField(
        label=_("ABHA number (optional)"),
        max_length=32,
        help_text=_("Your Ayushman Bharat Health Account number: 14 digits, dashes optional."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    requester_relationship = forms.ChoiceField(
        label=_("Who is filling in this request?"),
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        help_text=_("If you are asking for someone else, choose what you are to them."),
    )

    def clean_abha_number(self) -> str:
        return normalize_abha(self.cleaned_data.get("abha_number", ""))

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean_date_of_birth(self) -> dt.date | None:
        born: dt.date | None = self.cleaned_data.get("date_of_birth")
        if born is not None and not dt.date(1900, 1, 1) <= born <= timezone.localdate():
            raise ValidationError(_("Enter a date of birth in the past, after 1900."))
        return born


class ConditionForm(DraftForm):
    model = Case
    model_fields = (
        "medical_area",
        "diagnosis_so_far",
        "reasons",
        "symptoms",
        "symptom_timeline",
    )

    medical_area = forms.ChoiceField(
        label=_("Which area is your question about?"),
        choices=MedicalArea.choices,
        widget=forms.RadioSelect,
    )
    diagnosis_so_far = forms.CharField(
        label=_("What have the doctors said so far?"),
        help_text=_("The diagnosis in the doctors' words, if you have it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    reasons = forms.MultipleChoiceField(
        label=_("Why do you want a second opinion?"),
        help_text=_("Choose all that apply."),
        choices=SecondOpinionReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    symptoms = forms.CharField(
        label=_("What symptoms does the patient have?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    symptom_timeline = forms.CharField(
        label=_("When did it start, and how has it changed?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    red_flag_answers = forms.MultipleChoiceField(
        label=_("Right now, does the patient have any of these?"),
        choices=[*RedFlag.choices, (NONE_OF_THESE, _("None of these"))],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_red_flag_answers(self) -> list[str]:
        answers: list[str] = self.cleaned_data.get("red_flag_answers") or []
        # A ticked emergency outweighs "none of these" ticked by mistake.
        if NONE_OF_THESE in answers and len(answers) > 1:
            answers = [a for a in answers if a != NONE_OF_THESE]
        return answers


class HistoryForm(DraftForm):
    model = Case
    model_fields = HISTORY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update({"rows": 2})
        self.fields["allergies"].help_text = _("Write “none known” if there are none.")
        self.fields["current_medicines"].help_text = _("Name, strength and how often.")


class QuestionsForm(forms.Form):
    """Up to ten questions; the first three boxes are shown, the rest on request."""

    VISIBLE = 3

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_QUESTIONS + 1):
            self.fields[f"q{i}"] = forms.CharField(
                label=_("Question %(number)d") % {"number": i},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @classmethod
    def initial_from(cls, texts: list[str]) -> dict[str, str]:
        return {f"q{i}": text for i, text in enumerate(texts, start=1)}

    def texts(self) -> list[str]:
        return [self.cleaned_data.get(f"q{i}", "") for i in range(1, MAX_QUESTIONS + 1)]

    def visible_fields_first(self) -> tuple[list[forms.BoundField], list[forms.BoundField]]:
        """The boxes to show at once (every filled one, at least three) and the spare ones."""
        bound = [self[f"q{i}"] for i in range(1, MAX_QUESTIONS + 1)]
        filled = [i for i, b in enumerate(bound) if (b.value() or "").strip()]
        shown = max(self.VISIBLE, (filled[-1] + 2) if filled else 0)
        return bound[:shown], bound[shown:]


class InformationRequestForm(forms.Form):
    """What a coordinator or specialist asks the patient for."""

    message = forms.CharField(
        label=_("What do you need from the patient, and why?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("The patient reads this in an email and on their case page: write plainly."),
    )
    wanted = forms.MultipleChoiceField(
        label=_("Reports to upload"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["wanted"]).choices = hooks.document_kinds()


class InformationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        help_text=_("Upload the reports on the reports page first; then write anything the "
                    "doctors should know and send."),
    )


class CancelForm(forms.Form):
    """Confirms a cancellation; a coordinator must say why (the patient reads it)."""

    reason = forms.CharField(
        label=_("Why is the request cancelled?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
    )

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = reason_required
        field.help_text = (
            _("The patient reads this in the email that tells them the case is cancelled.")
            if reason_required
            else _("Optional. It helps us improve the service.")
        )
