"""The reports, consent and payment steps are registered by the apps that own them; the cases
app's intake reads them through the registry, never those apps' models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from consilium.cases import intake
from consilium.cases.models import IntakeStep
from consilium.cases.selectors import case_steps, case_submit_problems
from consilium.cases.services import case_create
from consilium.patients.models import Patient

SELECTORS = Path(__file__).resolve().parents[1] / "selectors.py"


def test_every_step_another_app_owns_is_registered() -> None:
    assert intake.missing() == []
    assert [s.step for s in intake.external_steps()] == [
        IntakeStep.DOCUMENTS, IntakeStep.CONSENT, IntakeStep.PAYMENT,
    ]


@pytest.mark.parametrize("app", ["billing", "consent", "documents"])
def test_the_intake_selectors_do_not_import_the_apps_that_own_steps(app: str) -> None:
    imported = set()
    for node in ast.walk(ast.parse(SELECTORS.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not any(m.startswith(f"consilium.{app}") for m in imported)


def test_a_cases_app_step_cannot_be_registered_by_another_app() -> None:
    step = intake.external_steps()[0]
    with pytest.raises(ValueError):
        intake.register(
            intake.ExternalStep(
                step=IntakeStep.QUESTIONS, route=step.route, done_exists=step.done_exists,
                is_done=step.is_done, message=step.message,
            )
        )


@pytest.mark.django_db
def test_a_new_draft_is_told_each_registered_step_in_order(patient: Patient) -> None:
    case = case_create(patient=patient, actor=patient.holder)
    messages = [p.message for p in case_submit_problems(case=case, user=patient.holder)]
    assert messages.index("Upload at least one medical report.") < messages.index(
        "Sign the consent form."
    ) < messages.index("Choose a review type and pay for it.")
    steps = {s.key: s for s in case_steps(case=case)}
    assert steps[IntakeStep.DOCUMENTS].url and not steps[IntakeStep.DOCUMENTS].done
    assert steps[IntakeStep.PAYMENT].url and not steps[IntakeStep.PAYMENT].done
