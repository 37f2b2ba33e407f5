"""Fixed-window counters in the cache, for throttles (sign-in, share links): how many times a
key was counted since its window opened, and how long until it may be counted again."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Counter:
    key: str
    limit: int
    window: int  # seconds


def hashed(value: str) -> str:
    """What a cache key carries for an address or an email: never the value in clear text
    (the cache may be a database table)."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def wait_seconds(counters: Iterable[Counter], now: float) -> float:
    """Seconds until every counter is under its limit again; 0 when none is at it."""
    wait = 0.0
    for counter in counters:
        state: dict[str, Any] | None = cache.get(counter.key)
        if state and state["count"] >= counter.limit:
            wait = max(wait, float(state["reset_at"] - now))
    return wait


def count(counter: Counter, now: float) -> None:
    """Counts one event; a window that has ended starts again."""
    state: dict[str, Any] | None = cache.get(counter.key)
    if not state or state["reset_at"] <= now:
        state = {"count": 0, "reset_at": now + counter.window}
    state["count"] += 1
    cache.set(counter.key, state, math.ceil(state["reset_at"] - now))
