from __future__ import annotations

import pytest
from django.urls import reverse

from consilium.cases.models import Case
from consilium.records.services import NewShareLink, share_link_create


def make_link(case: Case, **kwargs: object) -> NewShareLink:
    return share_link_create(case=case, actor=case.patient.holder,
                             label=str(kwargs.pop("label", "Dr Mehta")), **kwargs)  # type: ignore[arg-type]


def shared_url(new: NewShareLink) -> str:
    return reverse("records:shared", kwargs={"token": new.token})


@pytest.fixture
def link(reported_case: Case) -> NewShareLink:
    return make_link(reported_case)
