"""The life of a case as one table: from each status, where it may go and what each move does.

`cases.services.case_transition` is the only code that changes a status. It checks this table
and applies the move's effects in the same transaction: the clock effects itself
(`cases.turnaround`), the others through the handlers other apps register (`cases.hooks`).
"""

from __future__ import annotations

from enum import StrEnum

from consilium.cases.models import CaseStatus as S


class Effect(StrEnum):
    START_CLOCK = "start_clock"  # the turnaround clock starts (kept if already running)
    PAUSE_CLOCK = "pause_clock"  # the case waits on the patient: the clock does not run
    RESUME_CLOCK = "resume_clock"  # the wait is over: target and limit move on by the pause
    STOP_CLOCK = "stop_clock"  # the opinion is delivered
    ADVANCE_REVIEW = "advance_review"  # the review moves on if its panel or opinions are complete


# Applied by the review app's handler; the clock effects are the cases app's own.
EXTERNAL_EFFECTS = frozenset({Effect.ADVANCE_REVIEW})

START = (Effect.START_CLOCK,)
ASK = (Effect.PAUSE_CLOCK,)  # someone asks the patient for more
# The patient answered (or the request was withdrawn): back to where the case was.
BACK = (Effect.RESUME_CLOCK, Effect.ADVANCE_REVIEW)
DELIVER = (Effect.STOP_CLOCK,)
# Cancelling (the moves to CANCELLED) is `cases.services.case_cancel`: it stops a running clock
# and refunds what was paid through the handler billing registers (`hooks.on_case_cancelled`);
# the moves themselves do nothing more.
NONE: tuple[Effect, ...] = ()

TABLE: dict[S, dict[S, tuple[Effect, ...]]] = {
    S.DRAFT: {S.TRIAGE: NONE, S.CANCELLED: NONE},
    # The first offer of a seat moves the case to the specialists and starts the clock.
    S.TRIAGE: {S.AWAITING_INFO: ASK, S.ASSIGNED: START, S.CANCELLED: NONE},
    # Answering an information request returns the case to where it was.
    S.AWAITING_INFO: {
        S.TRIAGE: BACK,
        S.ASSIGNED: BACK,
        S.IN_REVIEW: BACK,
        S.CONSOLIDATION: BACK,
        S.CANCELLED: NONE,
    },
    # Every seat accepted: the review starts.
    S.ASSIGNED: {S.IN_REVIEW: NONE, S.AWAITING_INFO: ASK, S.CANCELLED: NONE},
    # Every opinion in: a panel consolidates, a single specialist's report is issued. A seat
    # freed during the review (withdrawn, declined, lapsed) takes the case back to "with
    # specialists".
    S.IN_REVIEW: {
        S.CONSOLIDATION: NONE,
        S.REPORTED: DELIVER,
        S.ASSIGNED: NONE,
        S.AWAITING_INFO: ASK,
        S.CANCELLED: NONE,
    },
    S.CONSOLIDATION: {S.REPORTED: DELIVER, S.AWAITING_INFO: ASK, S.CANCELLED: NONE},
    S.REPORTED: {S.CLOSED: NONE},
    S.CLOSED: {},
    S.CANCELLED: {},
}

ALLOWED: dict[S, frozenset[S]] = {source: frozenset(moves) for source, moves in TABLE.items()}


def effects_of(source: S, target: S) -> tuple[Effect, ...]:
    """What the move does (the caller has checked that it is allowed)."""
    return TABLE[source][target]


# --- Groups of states, each rule written once ---------------------------------------------------

# A patient adds reports to a draft, and to a case waiting on their answer to a request.
UPLOADABLE: tuple[S, ...] = (S.DRAFT, S.AWAITING_INFO)
# Where a case may be when someone asks the patient for more.
ASKABLE: tuple[S, ...] = (S.TRIAGE, S.ASSIGNED, S.IN_REVIEW, S.CONSOLIDATION)
# Where a coordinator may offer seats: after triage and before the opinions are all in.
ASSIGNABLE: tuple[S, ...] = (S.TRIAGE, S.ASSIGNED, S.IN_REVIEW)
# With specialists: an offered or accepted seat still takes a specialist's time (a wait for the
# patient's information included).
REVIEW_STATUSES: tuple[S, ...] = (S.ASSIGNED, S.IN_REVIEW, S.CONSOLIDATION, S.AWAITING_INFO)
# The opinion has been delivered: the patient may rate the service.
DELIVERED: tuple[S, ...] = (S.REPORTED, S.CLOSED)
# A patient may cancel their own request before specialists are assigned: a draft, a case
# waiting for triage, or one waiting on their answer while still in triage
# (`cases.selectors.case_may_cancel` checks the last).
PATIENT_CANCELLABLE: tuple[S, ...] = (S.DRAFT, S.TRIAGE, S.AWAITING_INFO)
# A coordinator may cancel a submitted case at any point before the opinion is delivered.
COORDINATOR_CANCELLABLE: tuple[S, ...] = tuple(
    source for source, moves in TABLE.items() if S.CANCELLED in moves and source != S.DRAFT
)
