"""A date in a report is boxed in the specialists' rendition with its distance from the case's
day 0 written on the box, and reads the same way in the rendition's text."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from consilium.cases.models import Case
from consilium.documents.files import rendition_read_text
from consilium.documents.models import Document, RedactionBox
from consilium.documents.rendition import draw_boxes
from consilium.documents.tests.conftest import upload
from consilium.insights.tests.fixtures import html_page, pdf_from_html

pytestmark = pytest.mark.django_db

REPORT = html_page(
    "<h1>CT Thorax</h1><p>Scan date: 02/03/2026</p>"
    "<p>Findings: a 3 cm mass in the right upper lobe.</p><p>Impression: neoplasm.</p>"
)


def test_a_date_box_says_how_many_days_before_day_0_it_was(
    client: Client, draft_case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    started = datetime.datetime(2026, 3, 20, 10, 0, tzinfo=datetime.UTC)
    Case.objects.filter(pk=draft_case.pk).update(created_at=started)
    client.force_login(draft_case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, draft_case, ("ct.pdf", pdf_from_html(REPORT)), category="imaging")

    document = Document.objects.get()
    box = RedactionBox.objects.get(document=document, kind="DATE")
    assert box.label == "day −18"
    text = rendition_read_text(document=document)
    assert "[day −18]" in text and "02/03/2026" not in text


def test_the_label_is_written_in_white_on_the_black_box() -> None:
    page = Image.new("RGB", (400, 200), "white")
    box = (0.2, 0.3, 0.8, 0.6)
    plain = np.asarray(draw_boxes(page, [box]))
    labelled = np.asarray(draw_boxes(page, [box], ["day −18"]))
    inside = (slice(62, 118), slice(82, 318))
    assert plain[inside].max() < 10  # all black
    assert (labelled[inside] > 200).any() and (labelled[inside] < 10).mean() > 0.6


@pytest.mark.parametrize("label", ["day −18", "day +3", "दिन −18"])
def test_every_character_of_the_label_is_drawn_not_a_missing_glyph(label: str) -> None:
    # A font without the minus sign (or without Devanagari) draws its 'missing glyph' box for
    # it, the same picture it draws for a private-use character no font has.
    page = Image.new("RGB", (300, 60), "white")

    def drawn(text: str) -> bytes:
        return np.asarray(draw_boxes(page, [(0.0, 0.0, 1.0, 1.0)], [text])).tobytes()

    missing = drawn("\ue000")
    for char in set(label.replace(" ", "")):
        assert drawn(char) != missing, f"{char!r} (U+{ord(char):04X}) is drawn as a missing glyph"
