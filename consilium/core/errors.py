"""Errors a user can cause: raised by services, shown by views as a message, changing nothing."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the service was not met; the message is safe to show the user."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


def require(condition: object, message: str | Promise) -> None:
    if not condition:
        raise DomainError(message)
