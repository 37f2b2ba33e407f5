from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consilium.cases.models import ReviewType


class ReviewTypeForm(forms.Form):
    review_type = forms.ChoiceField(
        label=_("Kind of review"),
        choices=ReviewType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one kind of review.")},
    )


class OfflinePaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received (₹)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
    )
    reference = forms.CharField(
        label=_("Bank or UPI reference"),
        max_length=100,
        help_text=_("The UTR or UPI transaction id shown in the bank statement."),
    )


class RefundTransferForm(forms.Form):
    reference = forms.CharField(
        label=_("Bank or UPI reference of the refund"),
        max_length=100,
    )
