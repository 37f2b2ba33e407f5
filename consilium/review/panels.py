"""How many specialists sit on a case's panel: the one place that says it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from consilium.cases.models import ReviewType
from consilium.core.errors import DomainError, require

MAX_PANEL = 5
BOARD_MIN = 3
FIXED_PANEL: dict[str, int] = {ReviewType.SINGLE: 1, ReviewType.DOUBLE: 2}


def panel_size_is_chosen(*, review_type: str) -> bool:
    """True when the coordinator chooses the number of seats (a board, "let the platform
    choose"); one or two specialists are fixed by the review type."""
    return review_type not in FIXED_PANEL


def panel_size_default(*, review_type: str) -> int | None:
    """The seats proposed before the coordinator chooses: fixed for one or two specialists, three
    for a board, none for "let the platform choose" (the coordinator decides)."""
    if review_type in FIXED_PANEL:
        return FIXED_PANEL[review_type]
    if review_type == ReviewType.BOARD:
        return BOARD_MIN
    return None


def panel_size_for(*, review_type: str, requested: int | None) -> int:
    """Seats on the panel: fixed for one or two specialists; a board has three or more; for
    "let the platform choose" the coordinator decides (one to five)."""
    if not panel_size_is_chosen(review_type=review_type):
        return FIXED_PANEL[review_type]
    if review_type == ReviewType.BOARD:
        size = requested or BOARD_MIN
        require(BOARD_MIN <= size <= MAX_PANEL, _("A board has three to five specialists."))
        return size
    if requested is None:
        raise DomainError(_("Choose how many specialists should review this case."))
    require(1 <= requested <= MAX_PANEL, _("Choose one to five specialists."))
    return requested
