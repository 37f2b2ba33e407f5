"""The public types of de-identification: the identity a patient registered, and what was found.

They live apart from the detectors so that a detector needing them (the registered identity's
spellings, the timeline) and the merge that calls every detector import each other in one
direction only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class KnownIdentity:
    """The patient's identity as registered; every field is optional."""

    names: tuple[str, ...] = ()
    date_of_birth: datetime.date | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    address_parts: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    text: str
