import pytest

from consilium.insights.labs import extract_labs, parse_line
from consilium.insights.reading import read_document
from consilium.insights.tests.fixtures import (
    html_page,
    lab_table,
    letterhead,
    pdf_from_html,
    phone_photo,
    render_page,
)


def one(line: str):
    result = parse_line(line)
    assert result is not None, line
    return result


def test_a_platelet_count_in_lakhs_per_cumm_is_converted_and_flagged_critical():
    lab = one("Platelet Count   0.3   L   1.5 - 4.1   lakhs/cumm")

    assert (lab.name, lab.loinc, lab.value, lab.unit) == ("Platelet count", "777-3", 30.0, "10^9/L")
    assert lab.reference_range == "1.5 - 4.1" and lab.reference_source == "printed"
    assert lab.flag == "critical_low"


@pytest.mark.parametrize(
    ("line", "value", "unit"),
    [
        ("Total Leucocyte Count   5,100   4000 - 11000   /cumm", 5.1, "10^9/L"),
        ("Platelet count 1,20,000 /cumm 1,50,000 - 4,10,000", 120.0, "10^9/L"),
        ("Platelets 1.5 Lakhs/µL", 150.0, "10^9/L"),
        ("Platelet Count: 245 x10^3/µL (150-410)", 245.0, "10^9/L"),
        ("T.L.C. 42,000 /cumm", 42.0, "10^9/L"),
        ("Haemoglobin 112 g/L 120-150", 11.2, "g/dL"),
        ("Glucose Fasting 5.5 mmol/L", 99.09, "mg/dL"),
    ],
)
def test_indian_number_formats_and_count_units_are_normalised(line, value, unit):
    lab = one(line)

    assert lab.value == pytest.approx(value, rel=1e-3)
    assert lab.unit == unit


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Haemoglobin   9.2   L   12.0 - 15.0   g/dL", "low"),
        ("Neutrophils 85 % 40 - 80", "high"),
        ("SGPT (ALT) 78 U/L Up to 41", "high"),
        ("Total Cholesterol 245 H mg/dL < 200", "high"),
        ("HDL Cholesterol 32 mg/dL > 40", "low"),
        ("Serum Creatinine   1.1   0.6 - 1.2   mg/dL", "none"),
        ("Random blood sugar 480 * mg/dl 70 - 140", "critical_high"),
        ("Potassium   6.8   H   3.5 - 5.1   mmol/L", "critical_high"),
        ("Potassium 2.5 mmol/L 3.5-5.1", "critical_low"),
        ("Sodium 118 mEq/L 135 - 145", "critical_low"),
        ("Haemoglobin (Hb) 6.1 g/dL 13-17", "critical_low"),
        ("Serum Calcium 13.4 mg/dL 8.5-10.5", "critical_high"),
        ("Total WBC count 1,850 cells/cumm 4,000-11,000", "critical_low"),
        ("Glucose Fasting (GOD-POD) 35 mg/dL 70-100", "critical_low"),
    ],
)
def test_flags_come_from_the_printed_flag_the_range_and_critical_limits(line, flag):
    assert one(line).flag == flag


def test_a_value_below_the_detection_limit_is_not_flagged():
    lab = one("CEA (Carcinoembryonic Antigen)  < 0.5  ng/mL  0 - 5")

    assert (lab.value, lab.comparator, lab.flag) == (0.5, "<", "none")


def test_a_standard_adult_range_is_used_and_marked_when_none_is_printed():
    lab = one("HbA1c 8.1 %")

    assert lab.reference_source == "standard"
    assert lab.reference_range == "4 - 5.6 %"
    assert lab.flag == "high"


def test_the_unit_may_come_before_the_range():
    lab = one("Potassium   6.8   mmol/L   3.5 - 5.1")

    assert (lab.unit, lab.reference_range) == ("mmol/L", "3.5 - 5.1")


def test_lines_that_are_not_results_are_ignored():
    assert parse_line("Age 54 Years Sex Female") is None
    assert parse_line("Chest X-ray shows a mass in the right lung") is None
    assert parse_line("Investigation   Result   Flag   Bio. Ref. Interval   Unit") is None


def test_longer_analyte_names_win_over_the_shorter_names_inside_them():
    assert one("Mean Corpuscular Hemoglobin (MCH) 29.1 pg 27-32").name == "MCH"
    assert one("Glycated Haemoglobin (HbA1c) 7.2 %").name == "HbA1c"


def test_a_value_repeated_on_a_page_is_kept_once():
    text = "Haemoglobin 9.2 g/dL 12-15\nPotassium 4.1 mmol/L 3.5-5.1\nHaemoglobin 9.2 g/dL"

    labs = extract_labs(text)

    assert [lab.name for lab in labs] == ["Haemoglobin", "Potassium"]


def test_labs_are_read_by_ocr_from_a_tilted_photo_of_an_indian_lab_report():
    rows = [
        ("Haemoglobin", "9.2", "L", "12.0 - 15.0", "g/dL"),
        ("Total Leucocyte Count", "5,100", "", "4000 - 11000", "/cumm"),
        ("Platelet Count", "0.3", "L", "1.5 - 4.1", "lakhs/cumm"),
        ("Serum Sodium", "138", "", "136 - 145", "mmol/L"),
        ("Potassium", "6.8", "H", "3.5 - 5.1", "mmol/L"),
    ]
    html = html_page(
        letterhead(
            lab="Sunrise Diagnostics",
            patient="Mrs. Sunita Deshmukh",
            age_sex="54 Y / F",
            date="12/03/2026",
            ref="Dr. A. Kulkarni",
        )
        + lab_table(rows, heading="Haematology and Biochemistry")
    )
    photo = phone_photo(render_page(pdf_from_html(html)), tilt=-6)

    labs = {lab.name: lab for lab in extract_labs(read_document(photo, "image/jpeg"))}

    assert labs["Platelet count"].value == 30.0
    assert labs["Platelet count"].flag == "critical_low"
    assert labs["Potassium"].flag == "critical_high"
    assert labs["Haemoglobin"].flag == "low"
    assert labs["White blood cell count"].value == 5.1
    assert labs["White blood cell count"].flag == "none"
    assert labs["Sodium"].page == 1
