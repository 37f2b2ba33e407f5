"""What other apps do when something happens to a case, registered explicitly.

The cases app owns the lifecycle (`workflow.TABLE`) and the clock (`turnaround`); apps that must
react register a typed handler here from their `AppConfig.ready()`:

- review: `Effect.ADVANCE_REVIEW` (an answered information request lets the review move on), the
  reminder before the clock's target, what a specialist asking for information sees, and the
  end of the specialists' seats when a case is cancelled;
- billing: the refund when the clock passes its limit, and the refund when a case is cancelled;
- documents: the reports added to a case since a moment, and the kinds of report one may ask for;
- billing, consent and review: their part of the case page (`on_case_page`).

Handlers run in the caller's transaction (a failing handler undoes the status change or the
clock step with it). This is not Django signals: nothing is found by import side effects,
`missing()` names what is not registered, and a test checks that it is empty. So `cases` never
imports review, reports or billing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from consilium.accounts.models import User
from consilium.cases.models import Case, CaseStatus
from consilium.cases.workflow import EXTERNAL_EFFECTS, Effect


@dataclass(frozen=True)
class Moved:
    """A status change being applied: what an effect handler is given."""

    case: Case
    from_status: CaseStatus
    to_status: CaseStatus
    actor: User | None
    now: dt.datetime


EffectHandler = Callable[[Moved], None]
# Before the clock's target: (case, target_at).
ReminderHandler = Callable[[Case, dt.datetime], None]
# At the clock's limit: refunds what was paid; True when a payment was refunded. A DomainError
# (the provider refused) undoes the step and the next sweep tries again.
BreachRefundHandler = Callable[[Case], bool]
# A case is being cancelled by `actor`: refunds what was paid; True when a refund was started.
CancelRefundHandler = Callable[[Case, User], bool]
# A case is being cancelled by `actor`: ends the work other apps hold on it (specialists' seats).
CancelReleaseHandler = Callable[[Case, User], None]
# (case, since): the reports added to the case since that moment, oldest first.
DocumentsSince = Callable[[Case, dt.datetime], list[Any]]
# The kinds of report a patient may be asked for, as (value, label) choices.
DocumentKinds = Callable[[], list[tuple[str, str]]]
# (user, case, is_holder): what an app adds to the case page's template context.
CasePagePart = Callable[[User, Case, bool], dict[str, Any]]
# (user, case): whether this specialist holds an accepted seat on the case.
SpecialistOnCase = Callable[[User, Case], bool]
# (user, case): where this specialist opens the case and the code it is known by to them.
SpecialistLink = Callable[[User, Case], tuple[str, str]]


@dataclass
class Registry:
    effects: dict[Effect, list[EffectHandler]] = field(default_factory=dict)
    reminders: list[ReminderHandler] = field(default_factory=list)
    breach_refunds: list[BreachRefundHandler] = field(default_factory=list)
    cancel_refunds: list[CancelRefundHandler] = field(default_factory=list)
    cancel_releases: list[CancelReleaseHandler] = field(default_factory=list)
    specialist_on_case: list[SpecialistOnCase] = field(default_factory=list)
    specialist_link: list[SpecialistLink] = field(default_factory=list)
    documents_since: list[DocumentsSince] = field(default_factory=list)
    document_kinds: list[DocumentKinds] = field(default_factory=list)
    case_page: list[CasePagePart] = field(default_factory=list)


registry = Registry()


def _add(handlers: list[Any], handler: Any) -> None:
    if handler not in handlers:
        handlers.append(handler)


def on_effect(effect: Effect, handler: EffectHandler) -> None:
    """Registers what `effect` does; only effects the cases app does not apply itself."""
    if effect not in EXTERNAL_EFFECTS:
        raise ValueError(f"{effect} is applied by the cases app itself")
    _add(registry.effects.setdefault(effect, []), handler)


def on_clock_reminder(handler: ReminderHandler) -> None:
    _add(registry.reminders, handler)


def on_clock_breach(handler: BreachRefundHandler) -> None:
    _add(registry.breach_refunds, handler)


def on_case_cancelled(handler: CancelRefundHandler) -> None:
    _add(registry.cancel_refunds, handler)


def on_case_cancelled_release(handler: CancelReleaseHandler) -> None:
    _add(registry.cancel_releases, handler)


def on_specialist_lookup(*, on_case: SpecialistOnCase, link: SpecialistLink) -> None:
    _add(registry.specialist_on_case, on_case)
    _add(registry.specialist_link, link)


def on_documents_lookup(*, since: DocumentsSince, kinds: DocumentKinds) -> None:
    _add(registry.documents_since, since)
    _add(registry.document_kinds, kinds)


def on_case_page(part: CasePagePart) -> None:
    _add(registry.case_page, part)


def missing() -> list[str]:
    """What no app has registered (empty once every app's ready() has run)."""
    gaps = [f"effect {e}" for e in sorted(EXTERNAL_EFFECTS) if not registry.effects.get(e)]
    names = ("reminders", "breach_refunds", "cancel_refunds", "cancel_releases",
             "specialist_on_case",
             "specialist_link", "documents_since", "document_kinds", "case_page")
    for name in names:
        if not getattr(registry, name):
            gaps.append(name)
    return gaps


# --- Running them (called by cases only) ---------------------------------------------------------


def run_effect(effect: Effect, moved: Moved) -> None:
    for handler in registry.effects.get(effect, []):
        handler(moved)


def remind(case: Case, target_at: dt.datetime) -> None:
    for handler in registry.reminders:
        handler(case, target_at)


def refund_at_breach(case: Case) -> bool:
    """True when some payment was refunded (every handler runs)."""
    return any([handler(case) for handler in registry.breach_refunds])


def refund_at_cancel(case: Case, actor: User) -> bool:
    """True when some payment is being refunded (every handler runs)."""
    return any([handler(case, actor) for handler in registry.cancel_refunds])


def release_at_cancel(case: Case, actor: User) -> None:
    for handler in registry.cancel_releases:
        handler(case, actor)


def specialist_is_on_case(user: User, case: Case) -> bool:
    return any(check(user, case) for check in registry.specialist_on_case)


def specialist_link(user: User, case: Case) -> tuple[str, str] | None:
    for link in registry.specialist_link:
        return link(user, case)
    return None


def documents_added_since(case: Case, since: dt.datetime) -> list[Any]:
    return [doc for lookup in registry.documents_since for doc in lookup(case, since)]


def document_kinds() -> list[tuple[str, str]]:
    return [kind for kinds in registry.document_kinds for kind in kinds()]


def case_page_context(user: User, case: Case, is_holder: bool) -> dict[str, Any]:
    """What the other apps add to the case page, in the order their apps are installed."""
    context: dict[str, Any] = {}
    for part in registry.case_page:
        context.update(part(user, case, is_holder))
    return context
