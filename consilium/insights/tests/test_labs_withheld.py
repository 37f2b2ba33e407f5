"""A lab value OCR may have misread is withheld: the test and its page are listed for the
coordinator to read there, never the number (issue 7: "it never guesses quietly")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from consilium.documents.models import Document
from consilium.documents.tests.conftest import make_case, submit, upload
from consilium.insights.labs import UNSURE_BELOW, extract_labs
from consilium.insights.models import DocumentFact
from consilium.insights.reading import Page, Word, words_to_text
from consilium.insights.summary import Fact, Intake, SourceDocument, row_text, summary_draft
from consilium.insights.tests.conftest import drafted, summary_url

SURE, UNSURE = 96.0, UNSURE_BELOW - 20.0


def ocr_page(rows: list[list[tuple[str, float]]], source: str = "ocr") -> Page:
    """A page from OCR words laid out in rows: (text, confidence) per word, left to right."""
    words: list[Word] = []
    for row, cells in enumerate(rows):
        x = 20.0
        for text, confidence in cells:
            words.append(
                Word(text, (x, 100.0 + 20 * row, x + 7.0 * len(text), 110.0 + 20 * row), confidence)
            )
            x += 7.0 * len(text) + 30.0  # cells apart
    return Page(
        number=2,
        text=words_to_text(words),
        words=words,
        source=source,  # type: ignore[arg-type]
        width=800.0,
        height=1100.0,
    )


def test_a_value_read_with_low_confidence_is_withheld_and_a_sure_one_is_not() -> None:
    page = ocr_page(
        [
            [("Haemoglobin", SURE), ("9.8", UNSURE), ("g/dL", SURE), ("13.0-17.0", SURE)],
            [
                ("Platelet", SURE),
                ("Count", SURE),
                ("2.4", SURE),
                ("lakhs/cumm", SURE),
                ("1.5-4.1", SURE),
            ],
        ]
    )
    labs = {lab.name: lab for lab in extract_labs([page])}

    assert labs["Haemoglobin"].withheld and labs["Haemoglobin"].page == 2
    assert not labs["Platelet count"].withheld
    assert "read_confidence" not in labs["Haemoglobin"].as_dict()  # not stored


def test_digits_of_two_scripts_in_one_value_are_withheld_however_sure_ocr_was() -> None:
    page = ocr_page(
        [[("Magnesium", SURE), ("1.9\u096c", SURE), ("mg/dL", SURE), ("1.6-2.6", SURE)]]
    )
    (magnesium,) = extract_labs([page])
    assert magnesium.name == "Magnesium" and magnesium.withheld


def test_a_value_on_the_row_below_its_name_is_placed_on_its_own_word() -> None:
    page = ocr_page(
        [
            [("Serum", SURE), ("Creatinine", SURE)],
            [("1.2", UNSURE), ("mg/dL", SURE), ("0.6-1.3", SURE)],
        ]
    )
    (creatinine,) = extract_labs([page])
    assert creatinine.value == 1.2 and creatinine.withheld


def test_a_text_layer_is_never_withheld() -> None:
    page = ocr_page([[("Haemoglobin", UNSURE), ("9.8", UNSURE), ("g/dL", SURE)]], source="text")
    (haemoglobin,) = extract_labs([page])
    assert not haemoglobin.withheld


def test_a_range_that_fits_no_scale_of_its_analyte_leaves_the_value_unchecked() -> None:
    # A haemoglobin row printing 40 - 60: not g/dL, not g/L, not off by a power of ten (another
    # test's row under a misread name, or a misread range).
    (text,) = extract_labs("Haemoglobin   11.8   40 - 60\n")
    assert text.uncertain and not text.withheld and "does not fit" in text.note
    # Read by OCR, the name or the numbers may be misread: the value is not stated at all.
    page = ocr_page([[("Haemoglobin", SURE), ("11.8", SURE), ("40-60", SURE)]])
    (read,) = extract_labs([page])
    assert read.withheld
    # A laboratory's own range, within about twice the usual one, is used as printed.
    (usual,) = extract_labs("Haemoglobin   11.8   g/dL   11.5 - 16.5\n")
    assert not usual.uncertain and usual.reference_range == "11.5 - 16.5"


def _draft(*facts: Fact) -> dict[str, Any]:
    intake = Intake(
        date_of_birth=None,
        sex="",
        medical_area="general",
        diagnosis_so_far="",
        symptoms="",
        symptom_timeline="",
        past_history="",
        allergies="",
        current_medicines="",
        treatment_so_far="",
        treatment_planned="",
        questions=(),
        red_flag_labels=(),
    )
    document = SourceDocument(
        public_id="doc-1", ordinal=1, category="Lab report", text="", facts=facts
    )
    return summary_draft(
        intake=intake, documents=[document], known=None, today=dt.date(2026, 12, 1)
    )


def test_the_summary_lists_a_withheld_value_without_its_number_and_never_as_normal() -> None:
    content = _draft(
        Fact(
            kind="lab",
            name="Haemoglobin",
            page=2,
            value="9.8",
            number=9.8,
            unit="g/dL",
            flag="none",
            printed="9.8 g/dL",
            withheld=True,
        ),
        Fact(
            kind="lab",
            name="Potassium",
            page=2,
            value="7.9",
            number=7.9,
            unit="mmol/L",
            flag="critical_high",
            printed="7.9",
            withheld=True,
        ),
    )

    rows = {lab["name"]: lab for lab in content["labs"]}
    assert {row["flag"] for row in rows.values()} == {"unread"}
    assert content["normal_labs"] == 0
    for row in rows.values():
        assert row["source"] == {"document": "doc-1", "page": 2}
        assert "9.8" not in str(row) and "7.9" not in str(row)
        assert "9.8" not in row_text("labs", row) and "misread" in row_text("labs", row)
    # A value that read as critical still raises the alarm, without the number.
    (alarm,) = [u for u in content["urgency"] if u["kind"] == "lab"]
    assert "Potassium may be critically high" in alarm["text"] and "7.9" not in alarm["text"]


def _photo_of_a_lab_report() -> bytes:
    """A lab table as a picture, so it is read by OCR; one value printed with a Devanagari 6,
    as a page typed in two scripts can be."""
    import io

    import pypdfium2 as pdfium

    from consilium.insights.tests.fixtures import html_page, lab_table, pdf_from_html

    rows = [
        ("Haemoglobin", "13.6", "", "13.0 - 17.0", "g/dL"),
        ("Serum Magnesium", "1.9\u096c", "", "1.6 - 2.6", "mg/dL"),
        ("Serum Potassium", "5.9", "H", "3.5 - 5.1", "mmol/L"),
    ]
    pdf = pdfium.PdfDocument(pdf_from_html(html_page(lab_table(rows, heading="Biochemistry"))))
    try:
        picture = pdf[0].render(scale=200 / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_withheld_value_reaches_the_coordinator_as_a_page_to_read(
    patient: Any, coordinator_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case(patient, diagnosis_so_far="Tiredness")
    holder = Client()
    holder.force_login(patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(holder, case, ("bloods.png", _photo_of_a_lab_report()), category="lab")
    submit(case)

    facts = {f.name: f for f in DocumentFact.objects.filter(document__case=case, kind="lab")}
    assert facts["Magnesium"].withheld
    assert not facts["Potassium"].withheld and not facts["Haemoglobin"].withheld

    content = drafted(coordinator_client, case)
    rows = {lab["name"]: lab for lab in content["labs"]}
    assert rows["Magnesium"]["flag"] == "unread" and rows["Potassium"]["flag"] == "high"
    page = coordinator_client.get(summary_url(case)).content.decode()
    assert "Could not be read reliably: read it on the page" in page
    assert "1.96" not in page and "1.9\u096c" not in page
    document = Document.objects.get(case=case)
    assert f"/documents/{document.public_id}/review/#page-1" in page
