"""In Chromium, on a 360 px phone: a coordinator pages through the triage queue with its page
links, and the page fits the screen and passes axe-core (no serious or critical violation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consilium.cases.models import Case
from consilium.cases.services import case_submit
from consilium.cases.tests.conftest import make_complete_draft
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}


def accessibility_problems(page: Any, name: str) -> list[str]:
    """Serious or critical axe-core violations on the page as it is now."""
    # Evaluated, not added as a <script>: the page's CSP refuses inline scripts.
    page.evaluate(AXE.read_text())
    found: list[str] = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id}: ${v.help} — ` +
                          v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return [f"{name}: {problem}" for problem in found]


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ))


def test_a_coordinator_pages_through_the_triage_queue_on_a_phone(
    chromium: Any, live_server: Any, patient: Patient, coordinator: Any, settings: Any
) -> None:
    assert AXE.exists(), "axe-core is missing: run `make setup` (it runs `npm ci`)"
    settings.LIST_PAGE_SIZE = 2
    cases = []
    for n in range(5):
        case = make_complete_draft(patient)
        case_submit(case=case, actor=patient.holder)
        Case.objects.filter(pk=case.pk).update(
            submitted_at=timezone.now() - dt.timedelta(hours=50 - n))
        cases.append(case)
    signed_in = Client()
    login_with_2fa(signed_in, coordinator)
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE, locale="en-IN")
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME,
                          "value": signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)

    problems: list[str] = []
    page.goto(reverse("cases:triage_queue"))
    assert page.get_by_text("Page 1 of 3").is_visible()
    assert fits_the_screen(page)
    problems += accessibility_problems(page, "page 1")
    pager = page.get_by_role("navigation", name="Pages of the cases waiting for triage")
    for number in (2, 3):
        pager.get_by_role("link", name="Next page").click()
        page.wait_for_url(f"**?page={number}")
        assert page.get_by_text(f"Page {number} of 3").is_visible()
        assert fits_the_screen(page)
        problems += accessibility_problems(page, f"page {number}")
    assert page.get_by_role("link", name=cases[4].reference).is_visible()
    assert pager.get_by_role("link", name="Next page").count() == 0
    pager.get_by_role("link", name="Previous page").click()
    page.wait_for_url("**?page=2")
    assert page.get_by_role("link", name=cases[2].reference).is_visible()
    assert problems == []
    context.close()
