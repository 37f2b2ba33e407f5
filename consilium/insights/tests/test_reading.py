import io

import pytest
from PIL import Image

from consilium.insights.reading import UnreadableDocument, estimate_skew, read_document
from consilium.insights.tests.fixtures import (
    html_page,
    lab_table,
    pdf_from_html,
    phone_photo,
    render_page,
)

ROWS = [
    ("Haemoglobin", "9.2", "L", "12.0 - 15.0", "g/dL"),
    ("Platelet Count", "0.3", "L", "1.5 - 4.1", "lakhs/cumm"),
    ("Potassium", "6.8", "H", "3.5 - 5.1", "mmol/L"),
]


@pytest.fixture(scope="module")
def lab_pdf() -> bytes:
    return pdf_from_html(html_page(lab_table(ROWS, heading="Investigations")))


def test_a_pdf_with_a_text_layer_is_read_without_ocr_and_keeps_table_rows_on_one_line(lab_pdf):
    pages = read_document(lab_pdf, "application/pdf")

    assert len(pages) == 1
    assert pages[0].source == "text-layer"
    assert "Platelet Count   0.3   L   1.5 - 4.1   lakhs/cumm" in pages[0].text


def test_words_carry_boxes_in_page_coordinates_with_the_origin_at_the_top(lab_pdf):
    page = read_document(io.BytesIO(lab_pdf), "application/pdf")[0]

    heading = next(w for w in page.words if w.text == "Investigations")
    potassium = next(w for w in page.words if w.text == "Potassium")
    assert 0 < heading.box[1] < potassium.box[1] < page.height
    assert heading.box[0] < heading.box[2] <= page.width


def test_a_scanned_pdf_page_without_text_is_ocred(lab_pdf):
    buffer = io.BytesIO()
    render_page(lab_pdf, dpi=150).save(buffer, format="PDF", resolution=150)

    page = read_document(buffer.getvalue(), "application/pdf")[0]

    assert page.source == "ocr"
    assert "Potassium" in page.text and "6.8" in page.text


def test_a_tilted_phone_photo_is_straightened_before_ocr(lab_pdf):
    photo = phone_photo(render_page(lab_pdf), tilt=7)

    page = read_document(photo, "image/jpeg")[0]

    assert page.source == "ocr"
    assert abs(page.skew + 7) < 1
    assert "Platelet Count   0.3   L" in page.text


def test_a_photo_taken_sideways_is_turned_upright(lab_pdf):
    photo = phone_photo(render_page(lab_pdf), quarter_turns=1)

    page = read_document(photo, "image/jpeg")[0]

    assert page.rotation in (90, 270)
    assert "Potassium   6.8   H" in page.text


def test_skew_of_a_level_page_is_about_zero(lab_pdf):
    assert abs(estimate_skew(render_page(lab_pdf).convert("L"))) < 0.5


def test_bytes_that_are_no_document_are_refused():
    with pytest.raises(UnreadableDocument):
        read_document(b"not an image", "image/png")
    with pytest.raises(UnreadableDocument):
        read_document(b"%PDF-1.4 broken", "application/pdf")


def test_a_blank_image_gives_a_page_with_no_words():
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buffer, format="PNG")

    page = read_document(buffer.getvalue(), "image/png")[0]

    assert page.words == [] and page.text == ""


def test_an_upside_down_tilted_photo_is_turned_round(lab_pdf):
    photo = phone_photo(render_page(lab_pdf), tilt=4, quarter_turns=2)

    page = read_document(photo, "image/jpeg")[0]

    assert page.rotation == 180
    assert "Haemoglobin   9.2   L" in page.text


def test_a_transparent_png_is_read_on_white_paper():
    from consilium.insights.reading import iter_pages

    text_only = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    from PIL import ImageDraw, ImageFont

    ImageDraw.Draw(text_only).text(
        (20, 80),
        "Haemoglobin 9.2 g/dL",
        fill=(0, 0, 0, 255),
        font=ImageFont.load_default(size=32),
    )
    buffer = io.BytesIO()
    text_only.save(buffer, format="PNG")

    ((page, picture),) = list(iter_pages(buffer.getvalue(), "image/png", images=True))

    assert "Haemoglobin" in page.text
    assert picture is not None and picture.getpixel((5, 5)) == (255, 255, 255)


def test_text_inside_a_picture_of_a_text_layer_pdf_is_read_too():
    """A letterhead pasted in as a picture has no text layer; its words must still be found."""
    import base64

    from PIL import ImageDraw, ImageFont

    banner = Image.new("RGB", (900, 120), "white")
    ImageDraw.Draw(banner).text(
        (20, 35),
        "Patient: ASHA VERMA  UHID PUN2026004817",
        fill="black",
        font=ImageFont.load_default(size=34),
    )
    buffer = io.BytesIO()
    banner.save(buffer, format="PNG")
    picture = base64.b64encode(buffer.getvalue()).decode()
    pdf = pdf_from_html(
        html_page(
            f"<img src='data:image/png;base64,{picture}' style='width: 170mm'>"
            + lab_table(ROWS, heading="Investigations")
        )
    )

    page = read_document(pdf, "application/pdf")[0]

    assert page.source == "text-layer"
    assert page.extra["ocr_words"] >= 3
    assert "VERMA" in page.text and "Potassium" in page.text
    verma = next(w for w in page.words if w.text == "VERMA")
    assert 0 < verma.box[0] < verma.box[2] < page.width  # in the page's points, like the rest
