"""The audit actions of the accounts app: every event it writes is one of these."""

from __future__ import annotations

from enum import StrEnum


class AccountAction(StrEnum):
    ACCOUNT_EMAIL_VERIFIED = "account.email_verified"
    ACCOUNT_LOGIN = "account.login"
    ACCOUNT_LOGIN_FAILED = "account.login_failed"
    ACCOUNT_LOGOUT = "account.logout"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 (an event's name)
    ACCOUNT_PASSWORD_RESET = "account.password_reset"  # noqa: S105 (an event's name)
    ACCOUNT_PROFILE_UPDATED = "account.profile_updated"
    ACCOUNT_REGISTERED = "account.registered"
    ACCOUNT_REGISTRATION_FOR_EXISTING = "account.registration_for_existing"
    ACCOUNT_TWO_FACTOR_DISABLED = "account.two_factor_disabled"
    ACCOUNT_TWO_FACTOR_ENABLED = "account.two_factor_enabled"
    ACCOUNT_TWO_FACTOR_FAILED = "account.two_factor_failed"
    ACCOUNT_TWO_FACTOR_PASSED = "account.two_factor_passed"
    ACCOUNT_VERIFICATION_RESENT = "account.verification_resent"
    SPECIALIST_VERIFIED = "specialist.verified"
