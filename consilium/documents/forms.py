from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consilium.documents.models import DocumentCategory


class UploadForm(forms.Form):
    """The category of the files sent with it. The files themselves never pass through a form
    field: the streaming upload handler stores them as they arrive."""

    category = forms.ChoiceField(
        label=_("What kind of report is it?"),
        choices=[("", _("Choose one")), *DocumentCategory.choices],
    )
