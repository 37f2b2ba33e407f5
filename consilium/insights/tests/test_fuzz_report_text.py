"""Fuzzing the de-identifier and the extractors on report text: arbitrary Unicode mixed with the
pieces real reports are made of (labelled fields, identifiers, dates in every style, phone
numbers, Devanagari, OCR's stray glyphs). Nothing may raise, findings are sorted,
non-overlapping spans of the text itself, and every marked text keeps none of the findings'
checksum-validated identifiers."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fuzz_examples
from consilium.insights.deid import detect, redact
from consilium.insights.deid.dates import parse_date
from consilium.insights.deid.timeline import date_label, redact_with_timeline
from consilium.insights.extract import extract_pages
from consilium.insights.reading import Page

PIECES = [
    "Name:",
    "Patient Name :",
    "Pt. Name",
    "Mr.",
    "Mrs.",
    "Smt.",
    "Dr.",
    "S/o",
    "W/o",
    "D/o",
    "UHID",
    "UHIO",
    "UH1D",
    "MRN",
    "IP No.",
    "Reg No:",
    "Lab No.",
    "Sample No.",
    "Age/Sex",
    "Age :",
    "45 Y",
    "F",
    "M",
    "Mob",
    "Ph:",
    "+91",
    "98765 43210",
    "022-2345 6789",
    "DOB",
    "D.O.B.",
    "Date:",
    "Collected on",
    "Address:",
    "Flat 4B,",
    "Pune",
    "Maharashtra",
    "411001",
    "Lucknow",
    "Asha Verma",
    "KUMAR",
    "Iyer",
    "Aadhaar",
    "2345 6789 0124",
    "ABCDE1234F",
    "91-1234-5678-9012",
    "asha@example.com",
    "12/03/2024",
    "3 Apr 2025",
    "03-Apr-25",
    "2024-13-45",
    "31/02/2023",
    "Jan 2026",
    "14.03.24",
    "0/0/0",
    "99/99/9999",
    "Haemoglobin 11.2 g/dL",
    "HbA1c 7.1 %",
    "Creatinine 1.1 mg/dL",
    "ER positive",
    "HER2 3+",
    "Ki-67 20%",
    "pT2 N1 M0",
    "Stage IIA",
    "chest pain",
    "नाम",
    "रोगी",
    "दिनांक",
    "आयु",
    "पुणे",
    "०१/०२/२०२४",
    "।",
    "|",
    "l",
    "O",
    ":",
    "-",
    "/",
    ".",
    ",",
    "(",
    ")",
    "[",
    "]",
    "*",
    "\\",
    "\u00a0",
    "\u200b",
    "\u202e",
    "\t",
    "\n",
    "\n\n",
    "\f",
    " ",
]

report_text = st.lists(
    st.one_of(
        st.sampled_from(PIECES), st.text(max_size=12), st.from_regex(r"\d{1,14}", fullmatch=True)
    ),
    max_size=60,
).map(lambda parts: " ".join(parts))

anchors = st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31))


@settings(
    max_examples=fuzz_examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(text=report_text, anchor=anchors)
def test_any_report_text_is_de_identified_without_an_error(
    text: str, anchor: datetime.date
) -> None:
    findings = detect(text)
    position = 0
    for finding in findings:
        assert position <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        position = finding.end
    redacted = redact(text, findings)
    told = redact_with_timeline(text, findings, anchor=anchor)
    for finding in findings:
        if finding.type in {"AADHAAR", "PAN", "EMAIL"}:
            assert finding.text not in redacted and finding.text not in told
        if finding.type == "DATE":
            line = text.rfind("\n", 0, finding.start) + 1
            date_label(before=text[line : finding.start], text=finding.text, anchor=anchor)


@settings(
    max_examples=fuzz_examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(pages=st.lists(report_text, min_size=1, max_size=3))
def test_every_extractor_runs_on_any_report_text(pages: list[str]) -> None:
    read = [
        Page(number=number, text=text, words=[], source="text-layer", width=595, height=842)
        for number, text in enumerate(pages, start=1)
    ]
    result = extract_pages(read)
    assert len(result.redacted_pages) == len(pages)


@settings(max_examples=fuzz_examples(500), deadline=None)
@given(
    value=st.one_of(
        st.sampled_from(PIECES),
        st.text(max_size=30),
        st.from_regex(r"\d{1,4}[\s./-]{0,2}[A-Za-z0-9]{1,9}[\s./-]{0,2}\d{0,5}", fullmatch=True),
    ),
    today=anchors,
)
def test_any_printed_field_is_a_date_or_not_without_an_error(
    value: str, today: datetime.date
) -> None:
    parsed = parse_date(value, today=today)
    assert parsed is None or isinstance(parsed, datetime.date)
