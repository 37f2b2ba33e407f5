from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consilium.billing.upi import UTR_PATTERN
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


class UtrForm(forms.Form):
    utr = forms.CharField(
        label=_("UPI transaction reference (UTR)"),
        max_length=40,
        help_text=_("12 digits. Your UPI app shows it in the payment's details, often as "
                    "“UPI Ref No.” or “UTR”."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter the 12-digit UPI transaction reference (UTR).")},
    )

    def clean_utr(self) -> str:
        utr = "".join(str(self.cleaned_data["utr"]).split())
        if not utr.isdigit():
            raise forms.ValidationError(
                _("The UPI transaction reference (UTR) has digits only, 12 of them, for example "
                  "412345678901. Copy it from the payment's details in your UPI app.")
            )
        if not UTR_PATTERN.fullmatch(utr):
            raise forms.ValidationError(
                _("The UPI transaction reference (UTR) is 12 digits; you entered %(count)d.")
                % {"count": len(utr)}
            )
        return utr


class ConfirmUtrForm(forms.Form):
    found = forms.BooleanField(
        label=_("I have found this payment, for this amount and reference, in the bank "
                "statement"),
        error_messages={"required": _("Tick the box once you have found the payment.")},
    )


class RejectUtrForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the reference was not accepted (the payer reads this)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write why, so the payer knows what to do.")},
    )
