"""The patient's registered identity is found in the spellings reports actually use."""

import datetime

import pytest

from consilium.insights.deid import KnownIdentity, detect, redact

ASHA = KnownIdentity(
    names=("Asha Verma", "Ramesh Verma"),
    date_of_birth=datetime.date(1979, 3, 12),
    phones=("+91 98765 43210",),
    emails=("asha.v@example.com",),
    address_parts=("12, Gomti Nagar", "Lucknow", "226010"),
    identifiers=("KGH-2024-001234", "91-1234-5678-9012"),
)


def covered(text: str, part: str) -> bool:
    start = text.index(part)
    end = start + len(part)
    return any(f.start <= start and f.end >= end for f in detect(text, known=ASHA))


@pytest.mark.parametrize(
    "variant", ["Asha Verma", "VERMA ASHA", "A. Verma", "Mrs. Asha V.", "asha verma", "Verma, Asha"]
)
def test_the_patients_name_is_found_in_its_variants(variant):
    text = f"Report of {variant} reviewed."
    redacted = redact(text, detect(text, known=ASHA))
    assert "Asha" not in redacted and "ASHA" not in redacted.upper().replace("[NAME]", "")
    assert "Verma" not in redacted and "VERMA" not in redacted.upper()
    assert "A." not in redacted and " V." not in redacted


def test_initials_alone_are_found_in_order():
    assert covered("Sample from A.V. received", "A.V.")


@pytest.mark.parametrize(
    "dob",
    [
        "12/03/1979",
        "12-03-79",
        "1979-03-12",
        "12 March 1979",
        "March 12, 1979",
        "12-Mar-1979",
        "12031979",
    ],
)
def test_the_date_of_birth_is_found_in_any_common_format(dob):
    assert covered(f"DOB {dob} noted", dob)


@pytest.mark.parametrize("phone", ["9876543210", "+91-98765-43210", "098765 43210", "98765 43210"])
def test_the_registered_phone_is_found_with_any_spacing(phone):
    assert covered(f"contact {phone} today", phone)


def test_email_address_parts_and_identifiers_are_found():
    text = (
        "Mail ASHA.V@EXAMPLE.COM. Lives at 12 Gomti Nagar, Lucknow 226010. "
        "UHID KGH 2024 001234, ABHA 91123456789012."
    )
    redacted = redact(text, detect(text, known=ASHA))
    for part in ("EXAMPLE", "Gomti", "Lucknow", "226010", "001234", "91123456789012"):
        assert part not in redacted


def test_a_relative_registered_with_the_patient_is_found():
    assert covered("Husband RAMESH signed the consent", "RAMESH")


@pytest.mark.parametrize("misread", ["VERNA", "Verrna", "Vema", "Verma1"])
def test_a_registered_surname_misread_by_ocr_is_still_found(misread):
    text = f"Patient: ASHA {misread}   Age: 45"
    assert covered(text, misread)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Norma Dsouza", "Normal study, no lesion."),  # an ordinary word one letter off
        ("Lakshmi Sarma", "Good karma, they say."),
        ("Asha Rao", "Ashes in the ashtray."),  # parts under five letters are never loose
    ],
)
def test_ordinary_words_a_letter_away_from_a_registered_name_are_left_alone(name, text):
    assert detect(text, known=KnownIdentity(names=(name,))) == []
