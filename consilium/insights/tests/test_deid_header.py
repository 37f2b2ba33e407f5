"""Labelled fields of an Indian lab report header are masked up to the next label."""

import pytest

from consilium.insights.deid import detect, redact

HEADER = """SUNRISE DIAGNOSTICS & PATHOLOGY LAB
Patient Name : Mr. RAJESH KUMAR SINGH     Age/Sex : 52 Y / M
Ref. By      : Dr. Sunita Rao               UHID : SDL/24/009871
Referred by: DR ANIL MEHTA (MD)
Lab No : 24031200118     Reg. No. 556781     Patient ID: P-77812
IP No: 2403-1187   PID: 889123   MRN: MR00451234
Mobile : 9812345678    Address : H.No. 45, Sector 12, Dwarka, New Delhi - 110075
Sample Collected : 12/03/2024 08:10    Reported : 12/03/2024 16:45
"""


def test_every_labelled_identifier_of_the_header_is_masked():
    redacted = redact(HEADER, detect(HEADER))
    for value in (
        "RAJESH",
        "KUMAR",
        "SINGH",
        "Sunita",
        "Rao",
        "SDL/24/009871",
        "ANIL",
        "MEHTA",
        "24031200118",
        "556781",
        "P-77812",
        "2403-1187",
        "889123",
        "MR00451234",
        "9812345678",
        "Dwarka",
        "110075",
        "12/03/2024",
    ):
        assert value not in redacted, value


def test_the_labels_and_clinical_header_facts_stay():
    redacted = redact(HEADER, detect(HEADER))
    for kept in (
        "Patient Name :",
        "Age/Sex : 52 Y / M",
        "UHID :",
        "Ref. By",
        "Mobile :",
        "Address :",
        "Lab No :",
        "Reported :",
    ):
        assert kept in redacted, kept


def test_the_value_stops_at_the_next_label_on_the_same_line():
    name = next(f for f in detect(HEADER) if "RAJESH" in f.text)
    assert "Age" not in name.text
    assert name.type == "NAME"


def test_a_table_heading_named_test_name_is_not_a_name_field():
    text = "Test Name            Result   Unit        Reference Range\nHaemoglobin  11.2  g/dL\n"
    assert detect(text) == []


@pytest.mark.parametrize(
    ("line", "value", "kind"),
    [
        ("रोगी का नाम: आशा वर्मा    उम्र: 45", "आशा वर्मा", "NAME"),
        ("पता: 14, गुलमोहर लेन, कोथरूड, पुणे", "14, गुलमोहर लेन, कोथरूड, पुणे", "ADDRESS"),
        ("मोबाइल नं: 98220 12345", "98220 12345", "PHONE"),
        ("जन्म तिथि: 14/03/1968", "14/03/1968", "DATE"),
    ],
)
def test_hindi_header_fields_are_found(line, value, kind):
    assert (value, kind) in [(f.text, f.type) for f in detect(line)]


def test_a_hindi_name_field_stops_at_the_next_label():
    line = "रोगी का नाम: आशा वर्मा    उम्र: 45"
    assert redact(line, detect(line)) == "रोगी का नाम: [NAME]    उम्र: 45"
