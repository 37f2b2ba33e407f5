from __future__ import annotations

from django.http import HttpRequest

from consilium.accounts.middleware import needs_two_factor


def second_step(request: HttpRequest) -> dict[str, object]:
    """`awaiting_second_step`: signed in with the password, not yet with the code, so the menu
    shows nothing the person cannot open yet (the staff menu above all)."""
    return {"awaiting_second_step": needs_two_factor(request)}
