"""A patient whose identifiers are planted in realistic reports, and ways to look for them.

The reports are generated here (WeasyPrint PDFs with a text layer, and phone-photo-like JPEGs of
them); every person and number is invented. `identifiers_in` searches any text for each
identifier in the forms OCR gives back (digits with or without separators, any case).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from consilium.insights.deid.identifiers import verhoeff_valid
from consilium.insights.tests.fixtures import html_page, pdf_from_html, phone_photo, render_page
from consilium.patients.models import Patient


def _aadhaar(first_eleven: str) -> str:
    check = next(d for d in "0123456789" if verhoeff_valid(first_eleven + d))
    digits = first_eleven + check
    return f"{digits[:4]} {digits[4:8]} {digits[8:]}"


NAME = "Asha Verma"  # the `patient` persona
DOB = dt.date(1970, 5, 17)
PHONE = "+91 98765 43210"
ABHA = "91-4821-7735-2046"
AADHAAR = _aadhaar("38472615093")
ADDRESS = "14 Lotus Residency, Baner Road"
CITY = "Pune"
PIN = "411045"
UHID = "PUN2026004817"

# What must never be readable in a rendition, each with the patterns OCR text may show it as.
IDENTIFIERS: dict[str, list[str]] = {
    "name": [r"\basha\b", r"\bverma\b"],
    "phone": [r"9876543210", r"98765"],
    "abha": [r"91482177352046", r"77352046"],
    "aadhaar": [AADHAAR.replace(" ", ""), AADHAAR.replace(" ", "")[4:]],
    "dob": [r"17051970", r"\b1970\b"],
    "address": [r"\blotus\b", r"\bbaner\b", PIN],
    "uhid": [UHID.lower(), r"2026004817"],
}


def plant(patient: Patient) -> Patient:
    """Registers the planted address and ABHA number on the `patient` persona."""
    patient.address = ADDRESS
    patient.city = CITY
    patient.abha_number = ABHA
    patient.phone = PHONE.replace(" ", "")
    patient.save()
    return patient


def header_html() -> str:
    return (
        "<table class='hdr'>"
        f"<tr><td>Patient Name: Mrs. {NAME.upper()}</td><td>UHID: {UHID}</td></tr>"
        f"<tr><td>DOB: {DOB:%d/%m/%Y}</td><td>Mobile: {PHONE}</td></tr>"
        f"<tr><td>ABHA No: {ABHA}</td><td>Aadhaar: {AADHAAR}</td></tr>"
        f"<tr><td colspan='2'>Address: {ADDRESS}, {CITY} - {PIN}</td></tr>"
        "</table>"
    )


def pathology_pdf() -> bytes:
    """A text-layer breast pathology report headed by every planted identifier."""
    return pdf_from_html(
        html_page(
            "<h1>Sunrise Histopathology Laboratory</h1>"
            + header_html()
            + "<p>Specimen: Left breast, modified radical mastectomy.</p>"
            "<p><b>Diagnosis:</b> Invasive ductal carcinoma, Nottingham Grade II (score 6/9).</p>"
            "<p>Tumour size 3.2 cm. Lymph nodes: 2/14 positive. pTNM: pT2 N1</p>"
            "<h2>Immunohistochemistry</h2><table>"
            "<tr><td>Oestrogen Receptor (ER)</td><td>Positive (90%, Allred 8)</td></tr>"
            "<tr><td>Progesterone Receptor (PR)</td><td>Negative (0%)</td></tr>"
            "<tr><td>HER2/neu (4B5)</td><td>Equivocal (2+)</td></tr>"
            "<tr><td>Ki-67 index</td><td>30%</td></tr></table>"
            f"<p>Report for {NAME}. Please correlate clinically.</p>"
        )
    )


LAB_ROWS = [
    ("Haemoglobin", "9.2", "L", "12.0 - 15.0", "g/dL"),
    ("Platelet Count", "2.1", "", "1.5 - 4.1", "lakhs/cumm"),
    ("Potassium", "6.8", "H", "3.5 - 5.1", "mmol/L"),
]


def lab_html(*, with_identifiers: bool = True) -> str:
    cells = "".join(
        f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td><td>{e}</td></tr>"
        for a, b, c, d, e in LAB_ROWS
    )
    return html_page(
        "<h1>Metro Diagnostics</h1>"
        + (header_html() if with_identifiers else "")
        + "<h2>Blood tests</h2><table><tr><th>Investigation</th><th>Result</th><th>Flag</th>"
        f"<th>Bio. Ref. Interval</th><th>Unit</th></tr>{cells}</table>"
    )


def lab_photo(*, tilt: float = 4.0) -> bytes:
    """A skewed, shaded JPEG phone photo of the lab report, at about 150 dpi."""
    return phone_photo(render_page(pdf_from_html(lab_html()), dpi=150), tilt=tilt, quality=70)


def identifiers_in(text: str) -> dict[str, list[str]]:
    """Which planted identifiers `text` still shows, by kind (empty when none)."""
    lowered = text.lower()
    # OCR puts spaces, dashes and dots inside numbers at random: join digit groups first.
    joined = re.sub(r"(?<=\d)[\s\-./]+(?=\d)", "", lowered)
    found: dict[str, list[str]] = {}
    for kind, patterns in IDENTIFIERS.items():
        hits = [p for p in patterns if re.search(p, lowered) or re.search(p, joined)]
        if hits:
            found[kind] = hits
    return found


def ocr_pdf_pages(pdf: bytes) -> list[str]:
    """OCR of every page of a PDF rendered as it would be printed (the text layer ignored)."""
    import pypdfium2 as pdfium

    from consilium.insights.reading import _ocr_page

    document = pdfium.PdfDocument(pdf)
    texts = []
    try:
        for index in range(len(document)):
            image = document[index].render(scale=150 / 72).to_pil()
            page, _image = _ocr_page(image, number=index + 1)
            texts.append(page.text)
    finally:
        document.close()
    return texts


def pdf_structure(pdf: bytes) -> dict[str, Any]:
    """What a PDF holds besides its pages' pictures."""
    import pikepdf
    import pypdfium2 as pdfium

    opened = pikepdf.open(io.BytesIO(pdf))
    xobjects = []
    fonts = 0
    for page in opened.pages:
        resources = page.obj.get("/Resources", {})
        fonts += len(resources.get("/Font", {}))
        for _name, obj in resources.get("/XObject", {}).items():
            xobjects.append(str(obj.get("/Subtype")))
    document = pdfium.PdfDocument(pdf)
    try:
        chars = sum(document[i].get_textpage().count_chars() for i in range(len(document)))
        metadata = {k: v for k, v in document.get_metadata_dict().items() if v}
    finally:
        document.close()
    root_keys = set(opened.Root.keys())
    return {
        "pages": len(opened.pages),
        "chars": chars,
        "metadata": metadata,
        "info": "/Info" in opened.trailer,
        "root_keys": root_keys,
        "fonts": fonts,
        "xobjects": xobjects,
        "annotations": sum(len(page.obj.get("/Annots", [])) for page in opened.pages),
    }
