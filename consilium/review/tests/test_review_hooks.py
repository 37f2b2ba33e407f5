"""The review asks for reports through what the reports app registered, never importing it."""

from __future__ import annotations

import ast
from pathlib import Path

from consilium.review import hooks

REVIEW = Path(__file__).resolve().parents[1]


def test_the_reports_app_registered_what_the_review_asks_of_it() -> None:
    assert hooks.missing() == []


def test_the_review_app_does_not_import_reports() -> None:
    offenders = set()
    for path in REVIEW.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "consilium.reports"
            ):
                offenders.add(path.name)
    assert offenders == set()
