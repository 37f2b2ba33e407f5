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
