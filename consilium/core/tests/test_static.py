"""The stylesheets and scripts every page links to are found and served."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.django_db  # the home page shows the prices, from the database
def test_every_stylesheet_and_script_of_the_base_page_is_found(client: Client) -> None:
    page = client.get("/").content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', page)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert finders.find(asset), asset
