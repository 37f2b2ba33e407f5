"""What the review side does when the cases app tells it something happened (registered with
`cases.hooks` in ReviewConfig.ready; each runs inside the caller's transaction)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from consilium.accounts.models import User
from consilium.cases.hooks import Moved
from consilium.cases.models import Case
from consilium.review.forms import FollowUpForm, RatingForm
from consilium.review.models import Review
from consilium.review.selectors import (
    coordinator_review_panel,
    patient_review_panel,
    review_url_for_specialist,
    specialist_is_on_case,
)
from consilium.review.services import (
    review_advance,
    review_end_at_cancel,
    review_remind_specialists,
)


def advance_review(moved: Moved) -> None:
    """The patient answered (or a request was withdrawn): the review goes on if it can."""
    review_advance(case=moved.case, actor=moved.actor)


def remind_specialists(case: Case, target_at: dt.datetime) -> None:
    review_remind_specialists(case=case, target_at=target_at)


def specialist_on_case(user: User, case: Case) -> bool:
    return specialist_is_on_case(user=user, case=case)


def specialist_link(user: User, case: Case) -> tuple[str, str]:
    """The specialist's own page for the case and its pseudonymous review code."""
    return review_url_for_specialist(user=user, case=case), Review.objects.get(case=case).code


def case_page_part(user: User, case: Case, is_holder: bool) -> dict[str, Any]:
    """The review side of the case page: its own selectors decide what each person sees."""
    if user.is_coordinator:
        return {"review_panel": coordinator_review_panel(user=user, case=case)}
    if is_holder:
        return {
            "patient_panel": patient_review_panel(user=user, case=case),
            "follow_up_form": FollowUpForm(),
            "rating_form": RatingForm(),
        }
    return {}


def end_seats_at_cancel(case: Case, actor: User) -> None:
    review_end_at_cancel(case=case, actor=actor)
