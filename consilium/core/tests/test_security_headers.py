"""Every page carries a strict Content-Security-Policy and a Permissions-Policy; signed-in pages
are never stored by the browser or a proxy; no template runs inline script."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse

TEMPLATES = sorted(Path(settings.BASE_DIR, "consilium").rglob("templates/**/*.html"))


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_every_page_has_a_csp_that_runs_no_inline_script(client: Client, patient: Any) -> None:
    for response in (client.get("/"), client.get(reverse("accounts:login"))):
        policy = directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-eval'" not in policy["script-src"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_a_signed_in_page_is_not_stored_by_browsers_or_proxies(
    client: Client, patient: Any
) -> None:
    client.force_login(patient.holder)
    for url in (reverse("cases:my_cases"), reverse("accounts:settings")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    assert TEMPLATES
    found = []
    for path in TEMPLATES:
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)", text):
            found.append(f"{path.name}: inline <script> at {match.start()}")
        for match in re.finditer(r"\son[a-z]+=[\"']", text):
            found.append(f"{path.name}: inline handler {match.group().strip()}")
    assert found == []
