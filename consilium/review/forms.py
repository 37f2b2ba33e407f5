from __future__ import annotations

from typing import Any, TypeVar, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from consilium.review.models import (
    AgreementLevel,
    Assessment,
    Consolidation,
    Opinion,
    TrialAdvice,
    Urgency,
)
from consilium.review.panels import MAX_PANEL
from consilium.review.selectors import section_label

TEXTAREA = {"rows": 4}
# The order a specialist writes in: each choice sits next to its explanation.
FORM_ORDER = (
    "assessment", "assessment_explanation", "stage_or_severity", "recommended_treatment",
    "alternatives", "further_investigations", "clinical_trial", "clinical_trial_note",
    "lifestyle_advice", "urgency", "patient_summary",
)
REQUIRED_TO_SUBMIT = frozenset(
    {"assessment", "assessment_explanation", "recommended_treatment", "urgency", "patient_summary"}
)
CHOICE_FIELDS = {"assessment": Assessment, "clinical_trial": TrialAdvice, "urgency": Urgency}
AGREEMENT_CHOICES = [
    ("agree", _("Agree")),
    ("partly", _("Partly agree")),
    ("differ", _("Differ")),
]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you declining?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: outside my sub-specialty, too busy this week, I know the "
                    "patient or their doctor."),
    )


# What a specialist writes: their own opinion, or the lead's consolidated one.
_Written = TypeVar("_Written", Opinion, Consolidation)


class _OpinionFields(forms.ModelForm[_Written]):
    """The opinion's sections plus one answer field per patient question."""

    def __init__(self, *args: Any, questions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for field in self.fields.values():
            field.required = False
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(TEXTAREA)
        for name, choices in CHOICE_FIELDS.items():
            self.fields[name].widget = forms.RadioSelect(choices=choices.choices)
        for name in REQUIRED_TO_SUBMIT:
            self.fields[name].label = _("%(label)s (needed to submit)") % {
                "label": str(self.fields[name].label).capitalize()}
        for name in set(FORM_ORDER) - REQUIRED_TO_SUBMIT:
            self.fields[name].label = str(self.fields[name].label).capitalize()
        answers = self.instance.answers or {}
        for question in questions:
            self.fields[f"answer_{question.position}"] = forms.CharField(
                label=_("Answer to question %(n)d (needed to submit)") % {"n": question.position},
                required=False,
                initial=answers.get(str(question.position), ""),
                widget=forms.Textarea(attrs=TEXTAREA),
            )

    def answer_fields(self) -> list[tuple[Any, Any]]:
        return [(q, self[f"answer_{q.position}"]) for q in self.questions]

    def section_fields(self) -> list[Any]:
        return [self[name] for name in FORM_ORDER if name in self.fields]

    def changed_data_only(self) -> dict[str, Any]:
        """The fields the request carried, so an autosave of one field leaves the others."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.data}


class OpinionForm(_OpinionFields[Opinion]):
    class Meta:
        model = Opinion
        fields = list(FORM_ORDER)


class ConsolidationForm(_OpinionFields[Consolidation]):
    class Meta:
        model = Consolidation
        fields = [*FORM_ORDER, "agreement", "agreement_note"]

    def __init__(self, *args: Any, sections: list[str], proposal: dict[str, str],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].widget = forms.RadioSelect(choices=AgreementLevel.choices)
        recorded = self.instance.section_agreement or {}

        for name in sections:
            # Not pre-ticked from the proposal: the lead confirms each section themselves.
            self.fields[f"agree_{name}"] = forms.ChoiceField(
                label=_("Does the panel agree on “%(section)s”?")
                % {"section": section_label(name)},
                choices=AGREEMENT_CHOICES,
                required=False,
                initial=recorded.get(name, ""),
                widget=forms.RadioSelect,
            )


class AssignForm(forms.Form):
    """The coordinator picks specialists for the open seats from the ranked proposals."""

    specialists = forms.TypedMultipleChoiceField(
        label=_("Specialists"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    lead = forms.TypedChoiceField(label=_("Panel lead"), coerce=int, required=False,
                                  empty_value=None,
                                  help_text=_("Writes the panel's consolidated opinion."))
    panel_size = forms.TypedChoiceField(
        label=_("How many specialists"), coerce=int, required=False, empty_value=None,
        choices=[(n, str(n)) for n in range(1, MAX_PANEL + 1)],
    )

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c.profile.pk, c.profile.user.full_name) for c in candidates if c.eligible]
        cast(forms.ChoiceField, self.fields["specialists"]).choices = choices
        cast(forms.ChoiceField, self.fields["lead"]).choices = [
            ("", _("Keep the current lead")), *choices
        ]


class FollowUpForm(forms.Form):
    question = forms.CharField(
        label=_("Your question about the opinion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class FollowUpAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How helpful was this service?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class SpecialistChoiceForm(forms.Form):
    specialists = forms.TypedMultipleChoiceField(
        label=_("Specialists"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, profiles: list[Any], labels: dict[int, str],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["specialists"]).choices = [
            (p.pk, labels[p.pk]) for p in profiles
        ]
