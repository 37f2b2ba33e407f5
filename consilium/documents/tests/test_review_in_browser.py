"""A coordinator in Chromium: draws a box with the mouse and with a finger, types one with the
keyboard, removes one, releases the report after confirming and opens the drafted summary;
every page is checked with axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from consilium.cases.models import Case
from consilium.core.testing import login_with_2fa, wait_for_js
from consilium.documents.models import Document
from consilium.documents.tests import planted
from consilium.documents.tests.conftest import submit, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def accessibility_problems(page: Any) -> list[str]:
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
    return found


@pytest.fixture
def document(draft_case: Case) -> Document:
    planted.plant(draft_case.patient)
    holder = Client()
    holder.force_login(draft_case.patient.holder)
    upload(holder, draft_case, ("histo.pdf", planted.pathology_pdf()), category="pathology")
    submit(draft_case)
    document = Document.objects.get()
    assert document.status == "processed"
    return document


@pytest.fixture
def coordinator_page(chromium: Any, live_server: Any, coordinator: Any) -> Any:
    """A touch-capable laptop-sized window signed in as the coordinator."""
    client = Client()
    login_with_2fa(client, coordinator)
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, has_touch=True,
        locale="en-IN",
    )
    context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def canvas_point(page: Any, x: float, y: float) -> tuple[float, float]:
    box = page.locator("#page-1 .page-canvas").bounding_box()
    return box["x"] + x * box["width"], box["y"] + y * box["height"]


def wait_for_boxes(page: Any, document: Document, count: int) -> None:
    wait_for_js(page, 
        f"document.querySelectorAll('#page-1 .redaction-box.manual').length === {count}"
    )
    assert document.boxes.filter(origin="coordinator", active=True).count() == count


def test_a_coordinator_adds_boxes_by_mouse_finger_and_keyboard_then_releases(
    coordinator_page: Any, document: Document
) -> None:
    page = coordinator_page
    page.goto(f"/documents/{document.public_id}/review/")
    wait_for_js(page, 
        "Array.from(document.images).every(function (i) { return i.complete && i.naturalWidth; })"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=True)
    assert AXE.exists(), "axe-core is missing: run `make setup` (it runs `npm ci`)"
    problems = [f"review: {p}" for p in accessibility_problems(page)]
    proposed = document.boxes.filter(active=True).count()
    assert page.locator("#page-1 .redaction-box").count() == proposed

    # The mouse: drag across the laboratory's name at the top of the page.
    start, end = canvas_point(page, 0.06, 0.025), canvas_point(page, 0.7, 0.06)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(end[0], end[1], steps=8)
    page.mouse.up()
    wait_for_boxes(page, document, 1)
    drawn = document.boxes.get(origin="coordinator")
    assert (round(drawn.x0, 2), round(drawn.y0, 3)) == (0.06, 0.025)

    # A finger: first switch drawing on, so that touching the picture does not scroll.
    page.click("#page-1 .draw-toggle")
    cdp = page.context.new_cdp_session(page)
    points = [canvas_point(page, 0.1, 0.8), canvas_point(page, 0.3, 0.85),
              canvas_point(page, 0.5, 0.9)]
    cdp.send("Input.dispatchTouchEvent",
             {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
    for x, y in points[1:]:
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    wait_for_boxes(page, document, 2)

    # The keyboard: the typed form, reached and filled without the mouse.
    page.locator("#page-1 details summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    for value in ("20", "60", "45", "63"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_for_boxes(page, document, 3)
    typed = document.boxes.filter(origin="coordinator").order_by("-id").first()
    assert typed is not None and (typed.x0, typed.y1) == (0.2, 0.63)

    # Remove one of the boxes the system proposed.
    with page.expect_navigation():
        page.locator("#page-1 .box-list li:has-text('Found by the system') button").first.click()
    assert document.boxes.filter(origin="proposed", active=False).count() == 1
    assert page.locator("#page-1 .redaction-box").count() == proposed - 1 + 3

    page.click("text=Release to the specialists…")
    page.wait_for_selector("text=Release report 1 to the specialists?")
    problems += [f"release: {p}" for p in accessibility_problems(page)]
    page.click("button:has-text('Yes, release it')")
    page.wait_for_selector("text=was released to the specialists")
    page.screenshot(path=str(SCREENSHOTS / "case-after-release.png"), full_page=True)
    document.refresh_from_db()
    assert document.released_at is not None and document.rendition_is_current
    assert page.locator("#coordinator-documents").inner_text().count("Released") == 1
    problems += [f"case: {p}" for p in accessibility_problems(page)]

    page.click("text=Check and approve the summary")
    page.wait_for_selector("text=Drafted by the system")
    problems += [f"summary: {p}" for p in accessibility_problems(page)]
    page.screenshot(path=str(SCREENSHOTS / "summary.png"), full_page=True)
    assert problems == []
