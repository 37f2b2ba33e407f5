"""Lab results in the layouts reports print them in: typed tables, side-by-side tables, a name on
one row and its value on the next, and values inside the sentences of a discharge summary."""

import pytest

from consilium.insights.labs import extract_labs, parse_line
from consilium.insights.reading import Page, Word, read_document, words_to_text
from consilium.insights.tests.fixtures import html_page, pdf_from_html


def by_name(text: str):
    return {lab.name: lab for lab in extract_labs(text)}


def test_a_flag_in_its_own_column_is_read_and_the_value_and_unit_are_kept_as_printed():
    lab = parse_line("Serum Urea   62   H   mg/dL   15 - 40")

    assert lab is not None
    assert (lab.name, lab.value, lab.flag) == ("Urea", 62.0, "high")
    assert (lab.printed_value, lab.printed_unit, lab.printed_range) == ("62", "mg/dL", "15 - 40")
    assert lab.printed_name == "Serum Urea"


def test_two_tables_side_by_side_give_each_row_its_own_unit_range_and_flag():
    labs = by_name(
        "Haemoglobin   10.9   g/dL   12.0 - 15.0      Sodium   148   mmol/L   135 - 145\n"
        "Platelet Count   1.7   Lakhs/cumm   1.5 - 4.5      Potassium   3.9 L   mmol/L   4.0 - 5.0"
    )

    assert (labs["Haemoglobin"].value, labs["Haemoglobin"].flag) == (10.9, "low")
    assert (labs["Sodium"].value, labs["Sodium"].flag) == (148.0, "high")
    assert (labs["Platelet count"].value, labs["Platelet count"].unit) == (170.0, "10^9/L")
    assert labs["Platelet count"].printed == "1.7 Lakhs/cumm"
    assert labs["Platelet count"].flag == "none"
    assert labs["Potassium"].flag == "low"  # the printed flag, though 3.9 is also below 4.0


def test_a_name_alone_on_its_row_takes_the_value_from_the_row_below():
    labs = by_name(
        "Serum Albumin\n2.6   L   g/dL   3.5 - 5.0\nBromocresol green\n"
        "Gamma GT\n19   U/L   7 - 50\nSzasz kinetic"
    )

    assert (labs["Albumin"].value, labs["Albumin"].flag) == (2.6, "low")
    assert labs["Albumin"].reference_range == "3.5 - 5.0"
    assert (labs["GGT"].value, labs["GGT"].flag) == (19.0, "none")


@pytest.mark.parametrize(
    ("line", "name", "value", "flag"),
    [
        (
            "Total Leucocyte Count   8,260   /cumm   4,000 - 11,000",
            "White blood cell count",
            8.26,
            "none",
        ),
        ("R.B.C. Count   4.27   mill./cumm   4.5 - 5.5", "Red blood cell count", 4.27, "low"),
        ("Total Cholesterol   236   mg/dL   <200", "Total cholesterol", 236.0, "high"),
        ("S.G.P.T.   52   U/L   Up to 40", "ALT", 52.0, "high"),
        ("M.C.V.   79.5   fl   83 - 101", "MCV", 79.5, "low"),
        ("Haemoglobin   14.6   gm/dl   13.0 - 17.0", "Haemoglobin", 14.6, "none"),
        ("TSH (3rd generation)   < 0.01   µIU/mL   0.35 - 5.50", "TSH", 0.01, "low"),
        ("SGOT 31 | SGPT 48 ↑ | ALP 90", "ALT", 48.0, "high"),
    ],
)
def test_printed_number_formats_ranges_and_flags(line, name, value, flag):
    labs = by_name(line)

    assert labs[name].value == pytest.approx(value)
    assert labs[name].flag == flag


def test_labs_inside_the_sentences_of_a_discharge_summary_are_read_with_their_units():
    text = (
        "On admission her Hb was 8.3 g/dL (12-15), TLC 12,800/cumm (4,000-11,000) and serum\n"
        "calcium 12.2 mg/dL. The creatinine was 2.2 and the platelet\n"
        "count 1.6 lakh/cumm. Serum sodium fell to 127 mmol/L (135-145)."
    )

    labs = by_name(text)

    assert (labs["Haemoglobin"].value, labs["Haemoglobin"].unit) == (8.3, "g/dL")
    assert labs["Haemoglobin"].printed == "8.3 g/dL"
    assert labs["Haemoglobin"].reference_range == "12-15"
    assert labs["Haemoglobin"].flag == "low"
    assert (labs["White blood cell count"].value, labs["White blood cell count"].flag) == (
        12.8,
        "high",
    )
    assert (labs["Calcium"].value, labs["Calcium"].flag) == (12.2, "high")
    assert labs["Creatinine"].value == 2.2 and labs["Creatinine"].printed_unit == ""
    assert labs["Platelet count"].value == 160.0
    assert (labs["Sodium"].value, labs["Sodium"].flag) == (127.0, "low")


def test_a_prescription_note_of_short_names_after_a_heading_is_read_pairs_included():
    text = (
        "Reports (02/11): Hb 9.4, TLC 10,600, platelets 1.8 lakh, S. creat 1.3\n"
        "SGOT/SGPT 61/88 IU/L, Urea/Creat - 41/1.4 mg/dL"
    )

    found = [(lab.name, lab.value, lab.unit) for lab in extract_labs(text)]

    assert ("Haemoglobin", 9.4, "g/dL") in found
    assert ("White blood cell count", 10.6, "10^9/L") in found
    assert ("Platelet count", 180.0, "10^9/L") in found
    assert ("AST", 61.0, "U/L") in found and ("ALT", 88.0, "U/L") in found
    assert ("Urea", 41.0, "mg/dL") in found
    assert sorted(value for name, value, _ in found if name == "Creatinine") == [1.3, 1.4]
    # Each value keeps where it was printed: the pair's second value is the ALT's.
    alt = next(lab for lab in extract_labs(text) if lab.name == "ALT")
    assert text[alt.offset : alt.offset + 2] == "88"


@pytest.mark.parametrize(
    "text",
    [
        "BP 146/88, Hb to be repeated",
        "Na/K 134/3.9",  # a bare K needs its unit to be read as potassium
        "Advice: repeat Hb after 2 weeks",
        "Target: Hb 10 g/dL before surgery",
        "Follow-up: 12/03, 2 weeks",
        # OCR read "S." as "5.": an advice list, not a PSA of 5.
        "Investigations advised: PSA. 5. testosterone, CBC, KFT before next visit.",
        "Tests recommended: Hb, 5. ferritin",
    ],
)
def test_pairs_and_headings_do_not_make_results_of_what_is_not_one(text):
    assert extract_labs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Repeat HbA1c advised after 3 months.",
        "Investigations advised: CBC, LFT, TSH and serum ferritin before the next visit.",
        "Repeat TSH with anti-TPO after 6 - 8 weeks.",
        "Target HbA1c < 7.0 % for most adults.",
        "HbA1c (%)   Category\n< 5.7   Non-diabetic\n5.7 - 6.4   Pre-diabetes\n>= 6.5   Diabetes",
        "Calculated: eAG = 28.7 x HbA1c - 46.7",
        "2. Tab. Calcium carbonate 500 mg + Vitamin D3 1000 IU once daily",
        "TSH done on 12/03/2024 at another centre.",
        "LDL is calculated only when triglycerides are < 400 mg/dL.",
        "Urine Glucose   Present (+)   Absent",
        "EGFR exon 19 deletion detected; ALK negative.",
    ],
)
def test_a_recommended_or_reference_mention_yields_no_value(text):
    assert extract_labs(text) == []


def test_a_range_off_by_ten_is_repaired_from_the_value_and_never_sets_a_flag_as_misread():
    # "3.5 - 5.1" printed with its decimal points lost; 4.1 mmol/L would be "low" against it.
    lab = parse_line("Potassium   4.1   mmol/L   35 - 51")

    assert lab is not None
    assert lab.flag == "none"
    assert lab.printed_range == "35 - 51"
    assert lab.reference_range == "3.5 - 5.1"
    assert "35 - 51" in lab.note and not lab.uncertain


def test_a_range_and_value_that_both_disagree_with_the_analyte_are_marked_uncertain():
    # "4.0 - 11.0" read "40 - 110" and the value 5.2 read 52: nothing here can set a flag, not
    # even the standard range (52 would be 'critically high').
    lab = parse_line("Total WBC Count   52   x10^3/µL   40 - 110")

    assert lab is not None
    assert lab.uncertain
    assert lab.flag == "none"
    assert lab.reference_source == "none" and lab.reference_range == ""
    assert lab.printed_range == "40 - 110"


def test_an_impossible_value_is_not_a_result_with_or_without_a_unit():
    # "4.1" read "41": shown, it would be a value the page does not print.
    assert extract_labs("Potassium   41   mmol/L   3.5 - 5.1") == []
    assert extract_labs("Calcium   500") == []


def test_every_value_of_an_analyte_on_a_page_is_kept_once():
    text = "Hb 9.1 g/dL on admission.\nAt discharge Hb was 9.6 g/dL.\nSummary: Hb 9.6 g/dL (Low)."

    values = [lab.value for lab in extract_labs(text) if lab.name == "Haemoglobin"]

    assert values == [9.1, 9.6]


def test_glucose_takes_the_sample_it_was_drawn_on():
    labs = by_name("Plasma Glucose, Fasting   174   H   mg/dL   70 - 100\nFBS 112 mg/dL")

    assert [lab.value for lab in extract_labs("FBS 112 mg/dL")] == [112.0]
    assert labs["Glucose (fasting)"].flag == "high"
    assert "Glucose (random)" not in labs


def _row(words: list[tuple[str, float]], y: float) -> list[Word]:
    return [Word(text, (x, y, x + 6.0 * len(text), y + 10.0)) for text, x in words]


def test_words_of_two_tables_side_by_side_on_a_page_are_read_row_by_row():
    words = (
        _row(
            [
                ("Test", 20),
                ("Result", 150),
                ("Unit", 200),
                ("Range", 250),
                ("Test", 330),
                ("Result", 460),
                ("Unit", 510),
                ("Range", 560),
            ],
            100,
        )
        + _row(
            [
                ("Creatinine", 20),
                ("1.9", 150),
                ("H", 175),
                ("mg/dL", 200),
                ("0.6-1.2", 250),
                ("Free", 330),
                ("T4", 362),
                ("0.62", 460),
                ("ng/dL", 510),
                ("0.8-1.8", 560),
            ],
            120,
        )
        + _row(
            [
                ("Uric", 20),
                ("Acid", 50),
                ("5.1", 150),
                ("mg/dL", 200),
                ("3.5-7.2", 250),
                ("TSH", 330),
                ("7.9", 460),
                ("µIU/mL", 510),
                ("0.4-4.5", 560),
            ],
            140,
        )
    )
    page = Page(
        number=2, text=words_to_text(words), words=words, source="ocr", width=612, height=792
    )

    labs = {lab.name: lab for lab in extract_labs([page])}

    assert {name: (lab.value, lab.flag) for name, lab in labs.items()} == {
        "Creatinine": (1.9, "high"),
        "Free T4": (0.62, "low"),
        "Uric acid": (5.1, "none"),
        "TSH": (7.9, "high"),
    }
    assert all(lab.page == 2 for lab in labs.values())


def test_a_printed_pdf_with_side_by_side_tables_is_read_from_its_text_layer():
    html = html_page(
        "<h3>Biochemistry</h3>"
        "<table style='width:100%; font-size:9pt; white-space:nowrap'><tr>"
        "<td><table>"
        "<tr><th>Test</th><th>Result</th><th>Unit</th><th>Range</th></tr>"
        "<tr><td>Serum Creatinine</td><td>2.9 H</td><td>mg/dL</td><td>0.6 - 1.2</td></tr>"
        "<tr><td>Blood Urea</td><td>94 H</td><td>mg/dL</td><td>15 - 40</td></tr>"
        "</table></td>"
        "<td><table>"
        "<tr><th>Test</th><th>Result</th><th>Unit</th><th>Range</th></tr>"
        "<tr><td>Sodium</td><td>132 L</td><td>mmol/L</td><td>135 - 145</td></tr>"
        "<tr><td>Potassium</td><td>5.8 H</td><td>mmol/L</td><td>3.5 - 5.1</td></tr>"
        "</table></td>"
        "</tr></table>"
        "<p>Advised: repeat serum creatinine and potassium after 48 hours.</p>"
    )

    pages = read_document(pdf_from_html(html), "application/pdf")
    labs = {lab.name: (lab.value, lab.flag) for lab in extract_labs(pages)}

    assert labs == {
        "Creatinine": (2.9, "high"),
        "Urea": (94.0, "high"),
        "Sodium": (132.0, "low"),
        "Potassium": (5.8, "high"),
    }


def test_a_table_of_one_test_over_time_gives_each_dated_value_with_the_header_unit():
    text = (
        "Serial values\n"
        "Date   CA 19-9 (U/mL)   Note\n"
        "11/02/2025   386   at diagnosis\n"
        "28/05/2025 (after 4 cycles)   61\n"
        "Next review 09/08/2025 with reports.\n"
    )

    labs = [lab for lab in extract_labs(text) if lab.name == "CA 19-9"]

    assert [(lab.value, lab.unit, lab.flag) for lab in labs] == [
        (386.0, "U/mL", "high"),
        (61.0, "U/mL", "high"),
    ]


def test_on_an_ocr_page_a_name_between_two_value_rows_takes_neither_value():
    # A tilted photo grouped into rows out of step: each value printed beside its name came out
    # one row above it. Pairing the name with the row below would give Neutrophils 24 %.
    text = (
        "66   %   40 - 80\nNeutrophils\n24   %   20 - 40\nLymphocytes\n"
        "Platelet Count   2.3   lakhs/cumm"
    )
    page = Page(number=1, text=text, words=[], source="ocr", width=1000, height=1400)

    labs = {lab.name: lab.value for lab in extract_labs([page])}

    assert labs == {"Platelet count": 230.0}


def test_a_diagnostic_criterion_in_a_sentence_is_not_a_result():
    text = (
        "Diabetes is diagnosed when HbA1c >= 6.5 % or fasting glucose >= 126 mg/dL on two "
        "occasions."
    )

    assert extract_labs(text) == []


def test_on_an_ocr_page_a_value_that_is_its_range_without_the_decimal_point_is_left_out():
    text = (
        "Total WBC Count   76   4 - 10\n"
        "Total Bilirubin   09   mg/dl   0.2 - 1.2\n"
        "Monocytes   07   %   2 - 10\n"
        "Serum Creatinine   7.9   H   mg/dL   0.7 - 1.3"
    )
    ocr = Page(number=1, text=text, words=[], source="ocr", width=1000, height=1400)
    typed = Page(number=1, text=text, words=[], source="text-layer", width=1000, height=1400)

    from_ocr = {lab.name: lab.value for lab in extract_labs([ocr])}
    from_text = {lab.name: lab.value for lab in extract_labs([typed])}

    assert from_ocr == {"Monocytes": 7.0, "Creatinine": 7.9}
    assert from_text["White blood cell count"] == 76.0  # a text layer prints what it means


def test_a_star_with_a_value_inside_its_range_sets_no_flag():
    # OCR reads "%" as "*"; a star is a flag only where the range agrees.
    assert parse_line("Lymphocytes   44   *   20-45").flag == "none"
    assert parse_line("Lymphocytes   52   *   20-45").flag == "high"


def test_an_unreadable_unit_cell_does_not_hide_the_range_but_a_word_is_not_a_unit():
    lab = parse_line("Total leucocyte count   8.3   10%pL   4.0 - 11.0")
    assert lab is not None and lab.reference_range == "4.0 - 11.0"

    lab = parse_line("Creatinine was 2.1 for 2 - 3 days")
    assert lab is None or lab.reference_source != "printed"


def test_a_printed_flag_that_agrees_with_the_value_keeps_it_when_only_the_range_is_misread():
    # "0.7 - 1.3" read "07-13": the range is not used, but "High" and 7.9 agree with each other.
    lab = parse_line("Serum Creatinine   7.9   High   mg/dL   07-13")

    assert lab is not None
    assert lab.flag == "critical_high" and not lab.uncertain
    assert lab.reference_range == "" and "07 - 13" in lab.note.replace("7 - 13", "07 - 13")


@pytest.mark.parametrize(
    ("line", "name", "value", "flag"),
    [
        # The flag's cell and then the unit's: not 3,200 lakh.
        ("TLC 3,200 L /cumm 4,000 – 11,000", "White blood cell count", 3.2, "low"),
        ("Platelet count 90,000 L /cumm 1,50,000 - 4,50,000", "Platelet count", 90.0, "low"),
        # A lakh printed tight, or where a count per µL would be no count at all.
        ("Platelet count 1.9 L/cumm", "Platelet count", 190.0, "none"),
        ("Platelet count 0.9 L /cumm 1.5 - 4.1", "Platelet count", 90.0, "low"),
    ],
)
def test_an_l_before_a_unit_is_the_low_flag_or_the_lakh_by_what_the_value_can_be(
    line, name, value, flag
):
    result = parse_line(line)

    assert result is not None
    assert (result.name, result.value, result.flag) == (name, value, flag)


def test_a_unit_broken_over_two_rows_of_a_paragraph_keeps_its_value():
    text = "SGOT 28 U/L, T. bilirubin 0.7 mg/dL, S. albumin 2.6 g/\ndL; no ascites on ultrasound."

    albumin = next(lab for lab in extract_labs(text) if lab.name == "Albumin")

    assert (albumin.value, albumin.unit) == (2.6, "g/dL")
    assert text[albumin.offset : albumin.offset + 3] == "2.6"


def test_a_method_printed_under_the_name_is_passed_over_to_the_value_below_it():
    text = (
        "Serum Ferritin\n"
        "ECLIA (Roche Cobas)\n"
        "8.2 L ng/mL 15 - 150\n"
        "Free T4\n"
        "Method: chemiluminescence immunoassay\n"
        "1.02 ng/dL 0.93 - 1.70\n"
    )

    labs = extract_labs(text)

    found = {lab.name: (lab.value, lab.flag) for lab in labs}
    assert found == {"Ferritin": (8.2, "low"), "Free T4": (1.02, "none")}
    ferritin = next(lab for lab in labs if lab.name == "Ferritin")
    assert text[ferritin.offset : ferritin.offset + 3] == "8.2"


def test_a_row_of_words_under_a_name_that_is_no_method_does_not_lend_it_the_value_below():
    assert extract_labs("Serum Ferritin\nKindly correlate clinically\n8.2 15 - 150\n") == []


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("MCV   81,8 L   fl   83 - 101", 81.8),  # a decimal point OCR read as a comma
        ("Haemoglobin 12,4 g/dL 12,0 - 15,0", 12.4),  # a decimal comma as printed
        ("TLC 3,200 /cumm 4,000 - 11,000", 3.2),  # a thousands group stays one
    ],
)
def test_a_comma_before_one_digit_is_a_decimal_comma_not_a_thousands_group(line, value):
    result = parse_line(line)

    assert result is not None and result.value == value
