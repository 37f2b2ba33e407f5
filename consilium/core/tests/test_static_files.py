"""Every stylesheet and script a page links to is served (a page without them is unstyled on
the phone, and the autosave and upload progress do not work)."""

from __future__ import annotations

import re

import pytest
from django.test import Client


@pytest.mark.django_db
def test_every_static_file_the_base_page_links_to_is_served(client: Client) -> None:
    html = client.get("/").content.decode()
    linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)

    assert len(linked) >= 3, linked  # Pico, our stylesheet, htmx
    for url in linked:
        response = client.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
