"""The audit actions of the consent app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class ConsentAction(StrEnum):
    CONSENT_DOWNLOAD = "consent.download"
    CONSENT_FORM = "consent.form"
    CONSENT_PUBLISH = "consent.publish"
    CONSENT_SIGN = "consent.sign"
    CONSENT_VIEW = "consent.view"
    CONSENT_WITHDRAW = "consent.withdraw"
    CONSENT_WITHDRAW_FORM = "consent.withdraw_form"
