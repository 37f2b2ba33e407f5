"""The lifecycle table says what each move does, the apps that react are registered, their
handlers run inside the move's transaction, and cases depends on none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from consilium.accounts.models import User
from consilium.cases import hooks
from consilium.cases.models import Case, CaseStatus, CaseTransition, Turnaround
from consilium.cases.services import information_request_answer, information_request_create
from consilium.cases.workflow import ALLOWED, TABLE, Effect
from consilium.core.errors import DomainError
from consilium.review.tests.fixtures import accept_all, offer

S = CaseStatus
CASES = Path(__file__).resolve().parents[1]


def test_every_effect_and_clock_event_has_the_handler_its_app_registered() -> None:
    assert hooks.missing() == []


def test_the_table_tells_the_clock_and_the_review() -> None:
    for source, moves in TABLE.items():
        assert set(moves) == ALLOWED[source]
        for target, effects in moves.items():
            if target == S.AWAITING_INFO:
                assert effects == (Effect.PAUSE_CLOCK,), source
            elif source == S.AWAITING_INFO and target != S.CANCELLED:
                assert effects == (Effect.RESUME_CLOCK, Effect.ADVANCE_REVIEW), target
            elif target == S.REPORTED:
                assert effects == (Effect.STOP_CLOCK,), source
            elif target == S.ASSIGNED and source == S.TRIAGE:
                assert effects == (Effect.START_CLOCK,), source
            else:
                assert effects == (), (source, target)


def test_the_first_offer_starts_the_clock_and_a_request_pauses_it(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    assert not Turnaround.objects.filter(case=submitted_case).exists()
    accept_all(offer(submitted_case, coordinator, [specialist]))
    clock = Turnaround.objects.get(case=submitted_case)
    assert clock.paused_at is None
    information_request_create(case=submitted_case, actor=coordinator, message="The scan?")
    clock.refresh_from_db()
    assert clock.paused_at is not None


def test_a_failing_handler_undoes_the_move_it_reacts_to(
    submitted_case: Case, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = information_request_create(
        case=submitted_case, actor=coordinator, message="Anything else?"
    )
    moves_before = CaseTransition.objects.filter(case=submitted_case).count()

    def refuse(moved: hooks.Moved) -> None:
        assert moved.from_status == S.AWAITING_INFO and moved.to_status == S.TRIAGE
        raise DomainError("refused")

    monkeypatch.setitem(hooks.registry.effects, Effect.ADVANCE_REVIEW, [refuse])
    with pytest.raises(DomainError, match="refused"):
        information_request_answer(
            request=request, actor=submitted_case.patient.holder, answer="Nothing more."
        )
    submitted_case.refresh_from_db()
    request.refresh_from_db()
    assert submitted_case.status == S.AWAITING_INFO
    assert request.status == "open"
    assert CaseTransition.objects.filter(case=submitted_case).count() == moves_before


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


# Nothing waits any more: the case page takes the other apps' parts through `hooks.on_case_page`.
NOT_YET: set[str] = set()


@pytest.mark.parametrize("app", ["review", "reports", "billing"])
def test_cases_imports_neither_review_reports_nor_billing(app: str) -> None:
    offenders = {
        path.name
        for path in CASES.glob("*.py")
        if path.name not in NOT_YET
        and any(m == f"consilium.{app}" or m.startswith(f"consilium.{app}.")
                for m in _imported_modules(path))
    }
    assert offenders == set()
