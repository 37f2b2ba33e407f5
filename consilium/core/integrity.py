"""Checking that every stored file still opens: a registry each app that stores files fills from
its AppConfig.ready() (documents: originals, renditions, page pictures, text; reports: the signed
PDFs and their signatures), run by `manage.py verify_files` and after `manage.py restore`.

A check reads every file of its kind through the app's own reading functions, which decrypt and
authenticate; it reports problems by public id and kind only, never by file name or content,
since both may carry health data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class IntegrityResult:
    kind: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


Check = Callable[[], IntegrityResult]

CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Adds (or replaces) the check of one kind of stored file."""
    CHECKS[name] = check


def integrity_check_all() -> list[IntegrityResult]:
    return [check() for _name, check in sorted(CHECKS.items())]
