from __future__ import annotations

from typing import Any

import pytest

from consilium.billing.tests.factories import intake_urls_exist


@pytest.fixture(autouse=True)
def _intake_routes(settings: Any) -> None:
    if not intake_urls_exist():
        settings.ROOT_URLCONF = "consilium.billing.tests.stub_urls"
