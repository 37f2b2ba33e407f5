"""De-identification that generalises (issue 7): labelled identifiers whatever their checksum,
Indian names from a names resource, titles and relatives, Indian and foreign addresses and phone
styles, and the clinical words, stages, units, methods, markers and drugs that must stay."""

import pytest

from consilium.insights.deid import detect, redact
from consilium.insights.deid.identifiers import aadhaar_valid
from consilium.insights.deid.lexicon import first_names, surnames


def hidden(text: str, value: str) -> bool:
    """Every letter and digit of value (at its first place in text) lies inside a finding; the
    commas between the parts of an address may stay."""
    start = text.index(value)
    findings = detect(text)
    return all(
        any(f.start <= i < f.end for f in findings)
        for i in range(start, start + len(value))
        if text[i].isalnum()
    )


def untouched(text: str, value: str) -> bool:
    start = text.index(value)
    return not any(f.start < start + len(value) and f.end > start for f in detect(text))


# --- Labelled identifiers ---------------------------------------------------------------------


def test_an_aadhaar_number_failing_verhoeff_is_redacted_beside_its_label():
    number = "4821 6603 5512"
    assert not aadhaar_valid(number)  # a typing slip on the report: the checksum fails
    for text in (
        f"Aadhaar No.   {number}   Ward   Oncology",
        f"Aadhaar No.: {number}",
        f"My Aadhaar number\nis {number}, for your registration.",
    ):
        assert hidden(text, number), text


def test_an_unlabelled_twelve_digit_number_failing_verhoeff_is_left():
    assert untouched("Total count 4821 6603 5512 events acquired", "4821 6603 5512")


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("Aadhaar No.", "3904 1172 6650"),
        ("UID", "3904 1172 6650"),
        ("UHID", "KGH/2023/118822"),
        ("MRN", "MR-00451234"),
        ("IP No.", "IP-24-03316"),
        ("IPD No.", "2024/8817"),
        ("OP No.", "OPD/24/71532"),
        ("Lab No.", "5942"),
        ("Sample ID", "GX-24-55120"),
        ("Accession No.", "SP-24-2417"),
        ("PID", "889123"),
        ("Reg. No.", "KMP/24/11962"),
        ("Bill No.", "10/2024/3381"),
        ("Barcode No.", "8802405528117"),
        ("ABHA No.", "91-4410-2283-6672"),
        ("PAN", "ABCPK4471M"),
        ("Passport No.", "N8812440"),
        ("Policy No.", "P/141100/01/2024/003345"),
        ("Claim No.", "CLM/2024/HYD/556712"),
        ("MRD No.", "VIO/MRD/238841"),
        ("CR No.", "GTCH/CR/24/66102"),
        ("Emp. ID", "KSW-10482"),
    ],
)
def test_a_labelled_identifier_is_redacted_on_the_same_line_and_in_the_next_cell(label, value):
    assert hidden(f"{label}: {value}\n", value)
    assert hidden(f"Age / Sex   52 Y / F   {label}   {value}   Ward   2\n", value)


def test_a_labelled_value_on_the_next_line_or_split_by_ocr_is_redacted():
    assert hidden("UHID :\nKGH-0192274\n", "KGH-0192274")
    assert hidden("Lab No : 2403 1187 55\n", "2403 1187 55")
    assert hidden("IP No. (KGH): 25/4107 Address: ...\n", "25/4107")
    assert hidden("Lab No. / क्रमांक   : 5942   Date : 14/08/2025\n", "5942")
    # OCR with Hindi loaded reads the colon as a Devanagari glyph
    assert hidden("Sample No.   ४ 2207-415\n", "2207-415")
    assert hidden("Mobile   ४ 98451 20736\n", "98451 20736")
    for label in ("UHIO", "UHlD", "UH1D"):  # "UHID" misread
        assert hidden(f"Age   61 Y   {label}   QMC.0047712\n", "QMC.0047712"), label


def test_a_label_after_a_quote_or_bracket_ocr_put_before_it_is_a_label():
    # A short number is an identifier only by its label: the label must be found.
    assert hidden("\u2018IPNo.  3318\n", "3318")
    assert hidden("\u201cUHID   40712   Ward   4\n", "40712")


def test_a_code_keeps_its_redaction_when_ocr_sticks_a_glyph_to_its_front():
    # OCR leaves the quote of a cell border, or reads an 'S' as '$'.
    for glyph in ("\u2019", "'", '"', "`"):
        text = f"Lab No.   {glyph}771   Collected   10:15\n"
        assert hidden(text, "771"), glyph


def test_a_barcode_cell_and_the_number_printed_under_it_are_identifiers():
    # The bars read as glyphs and letters, then the number under them alone on the next line.
    text = "Barcode   ॥॥ Il lI) wn ॥   Sample Type   Serum\n   73QX2210\nTest\n"
    assert hidden(text, "॥॥ Il lI) wn ॥")
    assert hidden(text, "73QX2210")
    assert untouched(text, "Sample Type")
    # A plain word after the label is the next cell's heading, not bars.
    assert untouched("Barcode   Specimen   Whole blood\n", "Specimen")


def test_a_mobile_number_split_over_two_lines_keeps_its_first_half_hidden():
    # A narrow column: the country code and the first five digits close the line.
    assert hidden("Contact +91 87704\n61192   Ref. By   Self\n", "+91 87704")
    assert untouched("Volume +91 ml over 24 h\n", "+91")


def test_a_hospital_reference_code_in_free_text_is_redacted_by_its_shape():
    text = "Histopathology (XYZ/HP/21/4416, dated 03/11/2021) showed invasive carcinoma."
    assert hidden(text, "XYZ/HP/21/4416")
    assert hidden("Block H-1187/24 B retained.\n", "H-1187/24")


def test_a_reference_range_is_not_an_identifier():
    text = "Haemoglobin  13.2  g/dL   Ref. Range 12.0 - 15.0\n"
    assert untouched(text, "12.0 - 15.0")


# --- People -----------------------------------------------------------------------------------


def test_the_names_resource_holds_indian_first_and_last_names():
    for first in ("gurpreet", "lakshmi", "venkatesh", "fatima", "subhash"):
        assert first in first_names(), first
    for last in ("chatterjee", "reddy", "iyer", "qureshi", "deshpande"):
        assert last in surnames(), last
    # dictionary words are not taken from it as names
    assert "happy" not in first_names()


def test_a_name_that_is_also_a_dictionary_word_is_a_name_beside_a_known_name():
    assert hidden("Patient Name :  PARVATI BAI   Age   58 Y\n", "PARVATI BAI")
    assert hidden("Name: Rose Thomas\n", "Rose Thomas")
    assert untouched("Mother : Diabetic, hypertensive\n", "Diabetic")


def test_what_ocr_made_of_a_title_before_a_labelled_name_is_boxed_with_it():
    # "Smt." or the colon read as digits and a Devanagari glyph: the whole cell is the name's.
    for junk in ("23\u096c0.", "\u2018:", "\u096a"):
        text = f"Patient Name :  {junk} SAROJ GUPTA   Age   58 Y\n"
        assert hidden(text, f"{junk} SAROJ GUPTA"), junk


@pytest.mark.parametrize(
    "title", ["Mr.", "Mrs.", "Ms.", "Smt.", "Shri", "Kumari", "Master", "Baby", "B/O"]
)
def test_a_title_goes_with_the_name_it_opens(title):
    text = f"The patient {title} Harshvardhan Kulkarni was reviewed today.\n"
    assert hidden(text, f"{title} Harshvardhan Kulkarni")


def test_a_doctors_title_stays_visible():
    text = "Reviewed by Dr. Anand Kulkarni today.\n"
    assert hidden(text, "Anand Kulkarni")
    assert untouched(text, "Dr.")


@pytest.mark.parametrize(
    "label",
    [
        "S/O",
        "D/O",
        "W/O",
        "C/O",
        "Father's name:",
        "Husband:",
        "Attendant:",
        "Guardian:",
        "Referred by",
        "Consultant:",
        "Husband  ",
        "W/o   :",
    ],
)
def test_relatives_and_doctors_after_their_label_are_names(label):
    text = f"Age 40 Y   {label} Ramprasad Yadav   Ward 3\n"
    assert hidden(text, "Ramprasad Yadav")


def test_a_family_history_after_a_relation_label_is_not_a_name():
    text = "Family history\nMother : Diabetic, hypertensive\n"
    assert untouched(text, "Diabetic")


def test_a_hindi_titled_name_and_its_transliteration_are_redacted():
    text = "रोगी का नाम / Patient Name श्रीमती कमला देवी (Mrs. KAMLA DEVI)   Lab No.   H-22\n"
    assert hidden(text, "श्रीमती कमला देवी")
    assert hidden(text, "Mrs. KAMLA DEVI")
    text = "पिता का नाम / Father श्री हरिप्रसाद (Hariprasad)   IPD No.   2024/11\n"
    assert hidden(text, "Hariprasad")


# --- Addresses and phones ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "Plot No. 12, Laxmi Nagar",
        "Flat 3B, Shanti Apartments, Station Road",
        "H.No. 4-12/7, Sai Colony",
        "Bungalow No. 4, Green Park Society",
        "No. 18, 4th Cross, 2nd Main",
        "House No. 1127, Sector 44-B",
        "Phase 2, Urban Estate",
        "12, HSR Layout",
        "Near Ram Mandir, Opp. Bus Stand",
        "Tehsil Nohar, District Hanumangarh",
        "Taluka Haveli",
        "Room No. 9, Kapadia Chawl, S.V. Road",
        "Thekkumkara House, Kallara P.O.",
    ],
)
def test_address_parts_are_redacted(address):
    text = f"Address   : {address},\nMobile   : 98200 12345\n"
    assert hidden(text, address)


def test_a_place_before_its_pin_is_redacted():
    for line, value in (
        ("Ulhasnagar - 421003\n", "Ulhasnagar - 421003"),
        ("Haldia, Purba Medinipur, W.B. – 721602\n", "Haldia, Purba Medinipur"),
        ("We live in Powai, Mumbai 400 076.\n", "400 076"),
    ):
        assert hidden(line, value), line
    assert hidden("PIN 400 076\n", "400 076")


def test_an_address_inside_a_sentence_is_redacted():
    text = "We live at Tower 7, Flat 1203, Sector 56, Gurugram 122011, Haryana. He is fine.\n"
    for part in ("Tower 7", "Flat 1203", "Sector 56", "Gurugram 122011"):
        assert hidden(text, part), part
    assert untouched(text, "He is fine")


def test_foreign_postcodes_are_redacted():
    assert hidden("my address is Flat 3, Belsize Park, London NW3 4JH.\n", "NW3 4JH")
    assert hidden("I live in Edison, NJ 08820 now.\n", "08820")


@pytest.mark.parametrize(
    "phone",
    [
        "+91 98200 12345",
        "+91-98200-12345",
        "098470-22314",
        "+44 20 7946 0958",
        "+1 (732) 555-0147",
        "(555) 123-4567",
        "0 22 2345 6789",
        "(0422) 257 1234",
        "080-41234567",
        "0452-258 8811",
        "+971 50 123 4567",
        "00 91 79 2674 5521",
        "9822 154 870",
    ],
)
def test_phone_styles_are_redacted(phone):
    assert hidden(f"Please call {phone} tomorrow.\n", phone)


# --- What must stay ---------------------------------------------------------------------------

REPORT = """Diagnosis: adenocarcinoma of the left lower lobe, stage IVA (cT2a N2 M1b), pT2N1.
FIGO 2018 stage IIIB; ECOG 1. Grade 2, Ki-67 30%.
Methods: NGS, IHC, FISH, PCR and PET-CT; EBUS-TBNA of station 7.
Markers: EGFR exon 19 deletion, ALK negative, ROS1 negative, HER2 (IHC 2+), CD20 positive,
BRCA1, BRCA2, PD-L1 TPS 60% (22C3), CA 19-9 and CA-125, HPV-16/18, MGMT, t(4;14).
Labs: Hb 10.7 g/dL, TLC 7300 cells/mcL, platelets 1.8 lakh/cumm, TSH 3.6 mIU/L, creatinine
0.9 mg/dL, HbA1c 6.3 %.
Drugs: osimertinib 80 mg OD, pembrolizumab, carboplatin, paclitaxel, trastuzumab, letrozole.
Plan: Whipple procedure; follow up in the Medical Oncology OPD with CBC, LFT and KFT.
"""


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (
            "clinical words",
            ["adenocarcinoma", "left lower lobe", "Diagnosis", "Whipple", "Medical Oncology OPD"],
        ),
        ("stages", ["stage IVA", "cT2a N2 M1b", "pT2N1", "stage IIIB", "ECOG 1", "Grade 2"]),
        ("units", ["g/dL", "cells/mcL", "mIU/L", "mg/dL", "lakh/cumm"]),
        ("methods", ["NGS", "IHC", "FISH", "PCR", "PET-CT", "EBUS-TBNA"]),
        (
            "genes and markers",
            [
                "EGFR",
                "ALK",
                "ROS1",
                "HER2",
                "CD20",
                "Ki-67",
                "BRCA1",
                "BRCA2",
                "PD-L1",
                "22C3",
                "CA 19-9",
                "CA-125",
                "HPV-16/18",
                "MGMT",
                "t(4;14)",
            ],
        ),
        (
            "drugs",
            [
                "osimertinib",
                "pembrolizumab",
                "carboplatin",
                "paclitaxel",
                "trastuzumab",
                "letrozole",
            ],
        ),
    ],
)
def test_clinical_content_is_never_redacted(kind, values):
    redacted = redact(REPORT, detect(REPORT))
    for value in values:
        assert value in redacted, f"{kind}: {value}"
