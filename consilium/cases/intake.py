"""The intake steps other apps own, registered explicitly.

The cases app owns the form steps (patient, condition, history, questions) and the submit step.
The reports, the consent and the payment belong to documents, consent and billing: each registers
its step from its `AppConfig.ready()` with where the patient fills it in, how to tell it is done
(as an EXISTS subquery for lists, and as a check for one case) and what to tell the patient when
it is not. So `cases` never reads those apps' models; `missing()` names an unregistered step and
a test checks that it is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.functional import Promise

from consilium.cases.models import Case, IntakeStep

# The steps the other apps own, in the order the patient meets them.
EXTERNAL_STEPS: tuple[IntakeStep, ...] = (
    IntakeStep.DOCUMENTS,
    IntakeStep.CONSENT,
    IntakeStep.PAYMENT,
)


@dataclass(frozen=True)
class ExternalStep:
    step: IntakeStep
    # The URL name of the step's page; it takes the case's `public_id`.
    route: str
    # Done, as an EXISTS over the app's rows for `case` (an OuterRef to the case's pk).
    done_exists: Callable[[OuterRef], Exists]
    # Done, for one case (one query).
    is_done: Callable[[Case], bool]
    # What the patient is told while it is not done.
    message: str | Promise

    @property
    def annotation(self) -> str:
        return f"step_{self.step}_done"


_steps: dict[IntakeStep, ExternalStep] = {}


def register(step: ExternalStep) -> None:
    """Registers the step an app owns (its AppConfig.ready())."""
    if step.step not in EXTERNAL_STEPS:
        raise ValueError(f"{step.step} is a step the cases app owns")
    _steps[step.step] = step


def external_steps() -> list[ExternalStep]:
    """The registered steps, in intake order."""
    return [_steps[s] for s in EXTERNAL_STEPS if s in _steps]


def external_step(step: str) -> ExternalStep | None:
    return _steps.get(IntakeStep(step)) if step in IntakeStep.values else None


def missing() -> list[str]:
    return [str(s) for s in EXTERNAL_STEPS if s not in _steps]
