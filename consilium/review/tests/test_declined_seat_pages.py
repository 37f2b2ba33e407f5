"""A seat that was declined (so never had an opinion) sends its opinion links to the closed page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from consilium.accounts.models import User
from consilium.cases.models import Case
from consilium.core.testing import login_with_2fa
from consilium.review.services import assignment_decline
from consilium.review.tests.fixtures import offer


def test_a_declined_seats_opinion_pages_lead_to_the_closed_assignment_not_an_error(
    client: Client, submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    assignment_decline(assignment=seat, actor=specialist, reason="Outside my field")
    login_with_2fa(client, specialist)
    page = reverse("review:assignment", kwargs={"public_id": seat.public_id})
    for method, name in (("get", "opinion_submit"), ("post", "opinion_submit"),
                         ("post", "opinion_save")):
        url = reverse(f"review:{name}", kwargs={"public_id": seat.public_id})
        response = getattr(client, method)(url, {"action": "submit"})
        assert response.status_code == 302, (method, name, response.status_code)
        assert response["Location"] == page
    assert client.get(page).status_code == 200
