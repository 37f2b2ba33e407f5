"""Indian and US identifiers are found by format and checksum, and near-misses are not."""

import pytest

from consilium.insights.deid import detect
from consilium.insights.deid.identifiers import aadhaar_valid


def types_found(text: str) -> dict[str, str]:
    return {f.text: f.type for f in detect(text)}


@pytest.mark.parametrize("number", ["2345 6789 0124", "234567890124", "9876-5432-1012"])
def test_an_aadhaar_number_with_a_valid_verhoeff_digit_is_found(number):
    assert types_found(f"Aadhaar {number} verified")[number] == "AADHAAR"


def test_an_aadhaar_number_with_a_wrong_check_digit_is_not_an_aadhaar():
    assert not aadhaar_valid("234567890125")
    assert "AADHAAR" not in {f.type for f in detect("ref 2345 6789 0125 noted")}


def test_an_aadhaar_number_cannot_start_with_0_or_1():
    assert not aadhaar_valid("123456789010")
    assert "AADHAAR" not in {f.type for f in detect("value 1234 5678 9010 noted")}


def test_a_pan_is_found_when_its_fourth_letter_is_a_holder_type():
    assert types_found("PAN ABCPV1234K on file")["ABCPV1234K"] == "PAN"


def test_a_pan_shaped_code_with_an_invalid_fourth_letter_is_not_a_pan():
    assert "PAN" not in {f.type for f in detect("code ABCXV1234K on file")}


@pytest.mark.parametrize("number", ["91-1234-5678-9012", "91 1234 5678 9012", "91123456789012"])
def test_an_abha_number_is_found_in_its_usual_spellings(number):
    assert types_found(f"linked {number} today")[number] == "ABHA"


def test_an_abha_address_is_found():
    assert types_found("ABHA address asha.verma@abdm linked")["asha.verma@abdm"] == "ABHA"


@pytest.mark.parametrize(
    "phone",
    [
        "+91 98765 43210",
        "+91-9876543210",
        "09876543210",
        "9876543210",
        "98765-43210",
        "987 654 3210",
    ],
)
def test_an_indian_mobile_number_is_found_with_any_prefix_or_spacing(phone):
    assert types_found(f"call {phone} after 5")[phone] == "PHONE"


def test_a_ten_digit_number_not_starting_with_6_to_9_is_not_a_mobile():
    assert "PHONE" not in {f.type for f in detect("count 1234567890 noted")}


@pytest.mark.parametrize("phone", ["201-561-8910", "(201) 561-8910", "201/324/1423"])
def test_a_us_phone_number_is_found(phone):
    assert types_found(f"home {phone} ok")[phone] == "PHONE"


def test_a_pager_number_is_found():
    assert types_found("Pager #54321 time 3pm")["54321"] == "PHONE"


def test_an_email_is_found():
    assert types_found("mail asha.v+rep@example.co.in please")["asha.v+rep@example.co.in"] == (
        "EMAIL"
    )


def test_a_pin_code_is_found_after_an_address():
    text = "12, Gomti Nagar, Lucknow - 226010\n"
    pin = text.index("226010")
    assert any(
        f.start <= pin and f.end >= pin + 6 and f.type in ("PIN", "ADDRESS") for f in detect(text)
    )


def test_a_six_digit_lab_value_is_not_a_pin():
    assert detect("Platelet Count       250000   /cumm       150000 - 450000") == []


@pytest.mark.parametrize(
    "date",
    [
        "12/03/1979",
        "12-03-1979",
        "12.03.1979",
        "1979-03-12",
        "12 March 1979",
        "March 12, 1979",
        "12-Mar-1979",
        "12th Mar 1979",
        "10/12",
        "8/12/91",
    ],
)
def test_dates_are_found_in_common_formats(date):
    assert types_found(f"seen on {date} in clinic")[date] == "DATE"


@pytest.mark.parametrize(
    "text", ["BP 120/80", "pain 5/10", "3/6 murmur", "strength 4/5", "ER Allred 7/8"]
)
def test_ratios_and_scores_are_not_dates(text):
    assert "DATE" not in {f.type for f in detect(text)}


def test_an_age_over_89_is_found():
    assert types_found("92 yo woman admitted")["92"] == "AGE"
