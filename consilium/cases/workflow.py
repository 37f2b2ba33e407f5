"""The allowed status changes of a case, as a table read at a glance."""

from __future__ import annotations

from consilium.cases.models import CaseStatus as S

ALLOWED: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.TRIAGE, S.CANCELLED}),
    S.TRIAGE: frozenset({S.AWAITING_INFO, S.READY, S.ASSIGNED, S.CANCELLED}),
    # Answering an information request returns the case to where it was.
    S.AWAITING_INFO: frozenset({S.TRIAGE, S.READY, S.ASSIGNED, S.IN_REVIEW, S.CONSOLIDATION,
                                S.CANCELLED}),
    S.READY: frozenset({S.ASSIGNED, S.AWAITING_INFO, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.IN_REVIEW, S.READY, S.AWAITING_INFO, S.CANCELLED}),
    # A seat freed during the review (withdrawn) takes the case back to "with specialists".
    S.IN_REVIEW: frozenset({S.CONSOLIDATION, S.REPORTED, S.ASSIGNED, S.AWAITING_INFO,
                            S.CANCELLED}),
    S.CONSOLIDATION: frozenset({S.REPORTED, S.AWAITING_INFO, S.CANCELLED}),
    S.REPORTED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}

# --- Groups of states, each rule written once ---------------------------------------------------

# A patient adds reports to a draft, and to a case waiting on their answer to a request.
UPLOADABLE: tuple[S, ...] = (S.DRAFT, S.AWAITING_INFO)
# Where a case may be when someone asks the patient for more.
ASKABLE: tuple[S, ...] = (S.TRIAGE, S.READY, S.ASSIGNED, S.IN_REVIEW, S.CONSOLIDATION)
# Where a coordinator may offer seats: after triage and before the opinions are all in.
ASSIGNABLE: tuple[S, ...] = (S.TRIAGE, S.READY, S.ASSIGNED, S.IN_REVIEW)
# With specialists: an offered or accepted seat still takes a specialist's time (a wait for the
# patient's information included).
REVIEW_STATUSES: tuple[S, ...] = (S.ASSIGNED, S.IN_REVIEW, S.CONSOLIDATION, S.AWAITING_INFO)
