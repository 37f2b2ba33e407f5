"""Page geometry that survives a phone: the sheet is found on the table, warped flat, turned
upright by which way it reads as words, and the picture kept for the specialist goes through the
same transform as the OCR'd one. Every page says how sure its reading is."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from consilium.insights.reading import Page, iter_pages, read_document, tessdata_path
from consilium.insights.tests.fixtures import (
    html_page,
    lab_table,
    pdf_from_html,
    photo_on_table,
    render_page,
)

ROWS = [
    ("Haemoglobin", "9.2", "L", "12.0 - 15.0", "g/dL"),
    ("Total Leucocyte Count", "11.8", "H", "4.0 - 10.0", "10^3/uL"),
    ("Platelet Count", "0.3", "L", "1.5 - 4.1", "lakhs/cumm"),
    ("Serum Creatinine", "1.9", "H", "0.6 - 1.2", "mg/dL"),
    ("Potassium", "6.8", "H", "3.5 - 5.1", "mmol/L"),
    ("Sodium", "131", "L", "135 - 145", "mmol/L"),
]
NOTE = (
    "<h2>Clinical notes</h2><p>The sample was received in good condition and processed on the "
    "same day. Results should be interpreted together with the clinical history and other "
    "investigations. Please repeat the test if the values do not match the clinical picture, "
    "and contact the laboratory with any question about this report.</p>"
)


@pytest.fixture(scope="module")
def sheet() -> Image.Image:
    pdf = pdf_from_html(html_page(lab_table(ROWS, heading="Haematology and chemistry") + NOTE))
    return render_page(pdf, dpi=150)


def turned(photo: bytes, quarter_turns: int) -> bytes:
    """The photo as a phone held sideways or upside down stores it (no EXIF turn)."""
    image = Image.open(io.BytesIO(photo))
    if quarter_turns:
        image = image.rotate(90 * quarter_turns, expand=True)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def read_photo(photo: bytes) -> tuple[Page, Image.Image]:
    page, seen = next(iter_pages(photo, "image/jpeg", images=True))
    assert seen is not None
    return page, seen


@pytest.mark.parametrize("quarter_turns", [0, 1, 2, 3])
def test_a_photo_on_a_table_is_found_and_read_upright_however_it_was_turned(
    sheet: Image.Image, quarter_turns: int
) -> None:
    photo = turned(photo_on_table(sheet, tilt=3.0, seed=quarter_turns + 1), quarter_turns)

    page, seen = read_photo(photo)

    assert page.extra["page_found"]
    assert page.rotation == (360 - 90 * quarter_turns) % 360
    assert "Potassium   6.8" in page.text
    assert "Haemoglobin   9.2" in page.text
    assert "interpreted together with the clinical history" in page.text
    # The table around the sheet is cropped away: the page is portrait, nearly all paper.
    assert seen.height > seen.width
    assert np.asarray(seen.convert("L")).mean() > 180
    assert page.confidence is not None and page.confidence >= 0.7
    assert not page.hard_to_read


def test_a_page_tilted_five_degrees_and_keystoned_is_levelled(sheet: Image.Image) -> None:
    photo = photo_on_table(sheet, tilt=5.0, seed=11)

    page, _seen = read_photo(photo)

    assert page.extra["page_found"]
    assert page.rotation == 0
    assert abs(page.skew - 5.0) < 1.5  # the fixture turns the sheet clockwise on screen
    assert {"Haemoglobin", "Platelet", "Potassium", "Sodium", "9.2", "0.3", "6.8", "131"} <= {
        w.text for w in page.words
    }
    assert "Sodium   131" in page.text
    assert "received in good condition and processed on the same day" in page.text


def test_a_scan_without_a_table_around_it_keeps_the_whole_picture(sheet: Image.Image) -> None:
    buffer = io.BytesIO()
    sheet.convert("L").save(buffer, format="PNG")

    page, seen = next(iter_pages(buffer.getvalue(), "image/png", images=True))

    assert not page.extra["page_found"]
    assert seen is not None and seen.size == sheet.size
    assert page.rotation == 0 and abs(page.skew) < 0.3
    assert "Potassium   6.8   H" in page.text
    assert not page.hard_to_read


def test_a_box_on_the_seen_picture_covers_its_word(sheet: Image.Image) -> None:
    """OCR of the colour picture the specialist gets, cut at a word's box, reads that word: the
    colour copy went through exactly the transform the OCR'd greyscale did."""
    import tesserocr

    photo = turned(photo_on_table(sheet, tilt=-4.0, seed=5), 1)
    page, seen = read_photo(photo)
    assert page.rotation == 270

    wanted = {"Haemoglobin", "Creatinine", "Potassium", "laboratory", "condition"}
    checked = 0
    with tesserocr.PyTessBaseAPI(
        path=tessdata_path(), lang="eng", psm=tesserocr.PSM.SINGLE_WORD
    ) as api:
        for word in page.words:
            text = word.text.strip(".,")
            if text not in wanted:
                continue
            x0, y0, x1, y1 = word.box
            pad = 3
            crop = seen.crop((int(x0) - pad, int(y0) - pad, int(x1) + pad, int(y1) + pad))
            api.SetImage(crop.convert("L"))
            assert api.GetUTF8Text().strip().strip(".,") == text
            # ... and a box one line lower does not.
            height = y1 - y0
            below = seen.crop(
                (int(x0) - pad, int(y0 + 2 * height), int(x1) + pad, int(y1 + 2 * height))
            )
            api.SetImage(below.convert("L"))
            assert api.GetUTF8Text().strip().strip(".,") != text
            checked += 1
    assert checked >= 4


def test_noise_and_a_blank_sheet_are_hard_to_read() -> None:
    rng = np.random.default_rng(3)
    noise = rng.normal(110, 45, (1400, 1000)).clip(0, 255).astype(np.uint8)
    blank = np.full((1400, 1000), 246, np.uint8)
    for picture in (noise, blank):
        buffer = io.BytesIO()
        Image.fromarray(picture).convert("RGB").save(buffer, format="JPEG", quality=80)

        page = read_document(buffer.getvalue(), "image/jpeg")[0]

        assert page.hard_to_read
        assert page.confidence is not None and page.confidence < 0.6


def test_a_text_layer_page_is_read_with_full_confidence() -> None:
    pdf = pdf_from_html(html_page(lab_table(ROWS, heading="Haematology")))

    page = read_document(pdf, "application/pdf")[0]

    assert page.source == "text-layer"
    assert page.confidence == 1.0
    assert not page.hard_to_read


def test_a_short_table_above_a_blank_and_a_footer_is_turned_by_its_words() -> None:
    """The band tried for orientation sits in the ink, not in the blank between a short table
    and the footer at the bottom of the sheet."""
    footer = "<div style='position: fixed; bottom: 0'>Page 2 of 2 - end of report</div>"
    pdf = pdf_from_html(html_page(lab_table(ROWS[:4], heading="Haematology") + footer))
    photo = turned(photo_on_table(render_page(pdf, dpi=150), tilt=-2.0, seed=9), 2)

    page, _seen = read_photo(photo)

    assert page.rotation == 180
    assert "Haemoglobin   9.2" in page.text
