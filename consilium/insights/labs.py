"""Lab results out of report text: analyte, value, unit, reference range and flag.

Works from kinds of layout, not from any one lab's template: table rows with the result, flag,
unit and range cells in any order ("Investigation  Result  Flag  Unit  Bio. Ref. Interval"), two
tables side by side on one row, a name alone on its row with its cells on the row below, tables
of one test over time ("Date | CEA (ng/mL)"), and values inside sentences ("Hb 9.1 g/dL (13-17),
serum creatinine was 2.2 mg/dL"). Text comes from `reading.words_to_text`: one printed row per
line, cells separated by runs of spaces.

What is printed is kept beside what is normalised (`printed_value`, `printed_unit`,
`printed_range`). Nothing is guessed quietly: a number with a unit that does not fit the analyte,
or an impossible number with no unit, is not a result; a printed range off by a power of ten is
repaired only when the value shows which scale is right, and otherwise sets no flag and the result
is marked `uncertain`. A printed flag (H/L/High/Low/arrows) wins over the range.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from consilium.insights.reading import Page, layout

Flag = Literal["none", "low", "high", "critical_low", "critical_high"]


@dataclass(frozen=True)
class Analyte:
    name: str
    loinc: str
    unit: str  # the unit values are reported in after normalising
    aliases: tuple[str, ...]
    low: float | None = None  # standard adult range, used when the report prints none
    high: float | None = None
    # Critical (panic) limits, in `unit`. Kost GJ, "Critical limits for urgent clinician
    # notification at US medical centers", JAMA 1990;263(5):704-707 (mean limits of 92 centres).
    critical_low: float | None = None
    critical_high: float | None = None


A = Analyte
ANALYTES: tuple[Analyte, ...] = (
    # Blood count
    A(
        "Haemoglobin",
        "718-7",
        "g/dL",
        ("haemoglobin", "hemoglobin", "hb", "hgb", "haemoglobin (hb)", "hemoglobin (hb)"),
        12.0,
        17.0,
        6.6,
        19.9,
    ),
    A(
        "Red blood cell count",
        "789-8",
        "10^12/L",
        (
            "rbc count",
            "total rbc count",
            "rbc",
            "red blood cell count",
            "red blood cells",
            "erythrocyte count",
            "total rbc",
        ),
        4.0,
        5.9,
    ),
    A(
        "Haematocrit",
        "4544-3",
        "%",
        ("haematocrit", "hematocrit", "pcv", "packed cell volume", "hct"),
        36.0,
        50.0,
    ),
    A("MCV", "787-2", "fL", ("mcv", "mean corpuscular volume", "mean cell volume"), 80.0, 100.0),
    A(
        "MCH",
        "785-6",
        "pg",
        (
            "mch",
            "mean corpuscular haemoglobin",
            "mean corpuscular hemoglobin",
            "mean cell haemoglobin",
            "mean corpuscular hb",
            "mean cell hb",
        ),
        27.0,
        32.0,
    ),
    A(
        "MCHC",
        "786-4",
        "g/dL",
        (
            "mchc",
            "mean corpuscular haemoglobin concentration",
            "mean corpuscular hemoglobin concentration",
            "mean corpuscular hb concentration",
        ),
        32.0,
        36.0,
    ),
    A("RDW", "788-0", "%", ("rdw", "rdw-cv", "rdw cv", "red cell distribution width"), 11.5, 14.5),
    A(
        "White blood cell count",
        "6690-2",
        "10^9/L",
        (
            "total leucocyte count",
            "total leukocyte count",
            "tlc",
            "wbc count",
            "total wbc count",
            "wbc",
            "white blood cell count",
            "white blood cells",
            "total count",
            "total wbc",
            "leucocyte count",
            "t.l.c.",
            "t.l.c",
            "leukocyte count",
            "twbc",
        ),
        4.0,
        11.0,
        2.0,
        37.0,
    ),
    A(
        "Neutrophils",
        "770-8",
        "%",
        ("neutrophils", "neutrophil", "polymorphs", "neutrophils %"),
        40.0,
        75.0,
    ),
    A("Lymphocytes", "736-9", "%", ("lymphocytes", "lymphocyte", "lymphocytes %"), 20.0, 45.0),
    A(
        "Absolute neutrophil count",
        "751-8",
        "10^9/L",
        ("absolute neutrophil count", "anc", "abs. neutrophil count", "absolute neutrophils"),
        2.0,
        7.5,
        0.5,
    ),
    A(
        "Platelet count",
        "777-3",
        "10^9/L",
        ("platelet count", "platelets", "platelet", "plt", "plt count", "platelet count (plt)"),
        150.0,
        410.0,
        37.0,
        910.0,
    ),
    A("ESR", "4537-7", "mm/h", ("esr", "erythrocyte sedimentation rate"), 0.0, 20.0),
    # Kidney
    A("Urea", "3091-6", "mg/dL", ("urea", "blood urea", "serum urea"), 15.0, 40.0),
    A("Blood urea nitrogen", "3094-0", "mg/dL", ("bun", "blood urea nitrogen"), 7.0, 20.0),
    A(
        "Creatinine",
        "2160-0",
        "mg/dL",
        (
            "creatinine",
            "serum creatinine",
            "s. creatinine",
            "creatinine, serum",
            "creat",
            "s. creat",
        ),
        0.6,
        1.3,
        None,
        7.4,
    ),
    A("Uric acid", "3084-1", "mg/dL", ("uric acid", "serum uric acid"), 3.5, 7.2),
    # Electrolytes
    A(
        "Sodium",
        "2951-2",
        "mmol/L",
        ("sodium", "serum sodium", "na+", "sodium (na+)", "na"),
        135.0,
        145.0,
        120.0,
        158.0,
    ),
    A(
        "Potassium",
        "2823-3",
        "mmol/L",
        ("potassium", "serum potassium", "k+", "potassium (k+)", "k"),
        3.5,
        5.1,
        2.8,
        6.2,
    ),
    A(
        "Chloride",
        "2075-0",
        "mmol/L",
        ("chloride", "serum chloride", "chloride (cl-)"),
        98.0,
        107.0,
    ),
    A("Bicarbonate", "1963-8", "mmol/L", ("bicarbonate", "hco3", "total co2"), 22.0, 29.0),
    A(
        "Calcium",
        "17861-6",
        "mg/dL",
        ("calcium", "serum calcium", "total calcium"),
        8.5,
        10.5,
        6.6,
        12.9,
    ),
    A("Magnesium", "19123-9", "mg/dL", ("magnesium", "serum magnesium"), 1.7, 2.4),
    A(
        "Phosphorus",
        "2777-1",
        "mg/dL",
        ("phosphorus", "inorganic phosphorus", "phosphate"),
        2.5,
        4.5,
    ),
    # Liver
    A(
        "Total bilirubin",
        "1975-2",
        "mg/dL",
        (
            "total bilirubin",
            "bilirubin",
            "t. bilirubin",
            "t. bil",
            "bilirubin total",
            "bilirubin (total)",
            "bilirubin, total",
            "s. bilirubin total",
            "serum bilirubin total",
        ),
        0.2,
        1.2,
        None,
        15.0,  # adults; newborns have their own limits
    ),
    A(
        "Direct bilirubin",
        "1968-7",
        "mg/dL",
        (
            "direct bilirubin",
            "bilirubin direct",
            "bilirubin (direct)",
            "bilirubin, direct",
            "conjugated bilirubin",
        ),
        0.0,
        0.3,
    ),
    A(
        "AST",
        "1920-8",
        "U/L",
        (
            "sgot",
            "ast",
            "ast (sgot)",
            "sgot (ast)",
            "aspartate aminotransferase",
            "aspartate transaminase",
        ),
        5.0,
        40.0,
    ),
    A(
        "ALT",
        "1742-6",
        "U/L",
        (
            "sgpt",
            "alt",
            "alt (sgpt)",
            "sgpt (alt)",
            "alanine aminotransferase",
            "alanine transaminase",
        ),
        5.0,
        41.0,
    ),
    A(
        "Alkaline phosphatase",
        "6768-6",
        "U/L",
        ("alkaline phosphatase", "alp", "alk. phosphatase", "alk phos"),
        40.0,
        129.0,
    ),
    A(
        "GGT",
        "2324-2",
        "U/L",
        ("ggt", "gamma gt", "gamma glutamyl transferase", "gamma-glutamyl transferase", "ggtp"),
        8.0,
        61.0,
    ),
    A(
        "Total protein",
        "2885-2",
        "g/dL",
        ("total protein", "total proteins", "serum protein", "protein, total"),
        6.0,
        8.3,
    ),
    A("Albumin", "1751-7", "g/dL", ("albumin", "serum albumin"), 3.5, 5.2),
    A(
        "INR",
        "6301-6",
        "",
        ("inr", "pt inr", "international normalised ratio", "international normalized ratio"),
        0.8,
        1.2,
        None,
        5.0,
    ),
    # Glucose
    A(
        "Glucose (fasting)",
        "1558-6",
        "mg/dL",
        (
            "fasting blood sugar",
            "fbs",
            "glucose fasting",
            "fasting glucose",
            "fasting plasma glucose",
            "blood sugar fasting",
            "glucose - fasting",
            "glucose, fasting",
            "plasma glucose fasting",
        ),
        70.0,
        100.0,
        40.0,
        450.0,
    ),
    A(
        "Glucose (post-prandial)",
        "1521-4",
        "mg/dL",
        (
            "ppbs",
            "post prandial blood sugar",
            "glucose post prandial",
            "blood sugar pp",
            "glucose pp",
            "post prandial glucose",
            "blood sugar post prandial",
        ),
        70.0,
        140.0,
        40.0,
        450.0,
    ),
    A(
        "Glucose (random)",
        "2345-7",
        "mg/dL",
        (
            "random blood sugar",
            "rbs",
            "glucose random",
            "blood sugar random",
            "random glucose",
            "glucose",
            "blood glucose",
            "plasma glucose",
        ),
        70.0,
        140.0,
        40.0,
        450.0,
    ),
    A(
        "HbA1c",
        "4548-4",
        "%",
        (
            "hba1c",
            "glycated haemoglobin",
            "glycated hemoglobin",
            "glycosylated haemoglobin",
            "glycosylated hemoglobin",
            "hb a1c",
        ),
        4.0,
        5.6,
    ),
    # Lipids
    A(
        "Total cholesterol",
        "2093-3",
        "mg/dL",
        ("total cholesterol", "cholesterol total", "serum cholesterol", "cholesterol"),
        None,
        200.0,
    ),
    A(
        "Triglycerides",
        "2571-8",
        "mg/dL",
        ("triglycerides", "triglyceride", "serum triglycerides"),
        None,
        150.0,
    ),
    A(
        "HDL cholesterol",
        "2085-9",
        "mg/dL",
        ("hdl cholesterol", "hdl", "hdl-c", "cholesterol hdl", "hdl cholesterol direct"),
        40.0,
        None,
    ),
    A(
        "LDL cholesterol",
        "13457-7",
        "mg/dL",
        ("ldl cholesterol", "ldl", "ldl-c", "cholesterol ldl", "ldl cholesterol calculated"),
        None,
        100.0,
    ),
    # Thyroid
    A(
        "TSH",
        "3016-3",
        "µIU/mL",
        ("tsh", "thyroid stimulating hormone", "tsh (ultrasensitive)", "ultrasensitive tsh"),
        0.4,
        4.5,
    ),
    A("Free T4", "3024-7", "ng/dL", ("free t4", "ft4", "free thyroxine"), 0.8, 1.8),
    A("Free T3", "3051-0", "pg/mL", ("free t3", "ft3", "free triiodothyronine"), 2.3, 4.2),
    # Tumour markers and others
    A(
        "CEA",
        "2039-6",
        "ng/mL",
        ("cea", "carcinoembryonic antigen", "cea (carcinoembryonic antigen)"),
        0.0,
        5.0,
    ),
    A(
        "CA-125",
        "10334-1",
        "U/mL",
        ("ca-125", "ca 125", "ca125", "ca - 125", "cancer antigen 125"),
        0.0,
        35.0,
    ),
    A(
        "CA 19-9",
        "24108-3",
        "U/mL",
        (
            "ca 19-9",
            "ca19-9",
            "ca 19.9",
            "ca-19-9",
            "ca 19 9",
            "ca - 19.9",
            "carbohydrate antigen 19-9",
        ),
        0.0,
        37.0,
    ),
    A("CA 15-3", "6875-9", "U/mL", ("ca 15-3", "ca15-3", "ca 15.3", "ca-15-3"), 0.0, 30.0),
    A(
        "PSA",
        "2857-1",
        "ng/mL",
        (
            "psa",
            "total psa",
            "psa total",
            "psa, total",
            "prostate specific antigen",
            "prostate-specific antigen",
            "s. psa",
        ),
        0.0,
        4.0,
    ),
    A(
        "AFP",
        "1834-1",
        "ng/mL",
        ("afp", "alpha fetoprotein", "alpha-fetoprotein", "alpha feto protein"),
        0.0,
        8.0,
    ),
    A(
        "LDH",
        "2532-0",
        "U/L",
        ("ldh", "lactate dehydrogenase", "serum ldh", "lactate dehydrogenase (ldh)"),
        135.0,
        225.0,
    ),
    A("Ferritin", "2276-4", "ng/mL", ("ferritin", "serum ferritin"), 15.0, 300.0),
    A("Vitamin B12", "2132-9", "pg/mL", ("vitamin b12", "vit b12", "cyanocobalamin"), 200.0, 900.0),
    A(
        "Vitamin D (25-OH)",
        "62292-8",
        "ng/mL",
        (
            "vitamin d",
            "25-oh vitamin d",
            "25 oh vitamin d",
            "vitamin d3",
            "25-hydroxy vitamin d",
            "vitamin d (25-oh)",
            "vit d",
        ),
        30.0,
        100.0,
    ),
    # Further analytes of common Indian panels (LOINC codes as in the LOINC table).
    A("Monocytes", "5905-5", "%", ("monocytes", "monocyte", "monocytes %"), 2.0, 10.0),
    A("Eosinophils", "713-8", "%", ("eosinophils", "eosinophil", "eosinophils %"), 1.0, 6.0),
    A("Basophils", "706-2", "%", ("basophils", "basophil", "basophils %"), 0.0, 2.0),
    A(
        "Absolute lymphocyte count",
        "731-0",
        "10^9/L",
        ("absolute lymphocyte count", "alc", "abs. lymphocyte count", "absolute lymphocytes"),
        1.0,
        4.8,
    ),
    A("MPV", "32623-1", "fL", ("mpv", "mean platelet volume"), 7.5, 11.5),
    A(
        "Estimated average glucose",
        "27353-2",
        "mg/dL",
        ("estimated average glucose", "eag", "mean blood glucose", "estimated mean glucose"),
        None,
        None,
    ),
    A(
        "eGFR",
        "33914-3",
        "mL/min/1.73m²",
        ("egfr", "estimated gfr", "estimated glomerular filtration rate", "e-gfr"),
        90.0,
        None,
    ),
    A(
        "Indirect bilirubin",
        "1971-1",
        "mg/dL",
        (
            "indirect bilirubin",
            "bilirubin indirect",
            "unconjugated bilirubin",
            "serum bilirubin indirect",
        ),
        0.1,
        1.0,
    ),
    A("Globulin", "2336-0", "g/dL", ("globulin", "serum globulin"), 2.0, 3.5),
    A(
        "A/G ratio",
        "1759-0",
        "",
        ("a/g ratio", "a g ratio", "albumin/globulin ratio", "albumin globulin ratio", "a:g ratio"),
        1.0,
        2.2,
    ),
    A("Total T3", "3053-6", "ng/mL", ("t3", "total t3", "t3 total", "triiodothyronine"), 0.8, 2.0),
    A("Total T4", "3026-2", "µg/dL", ("t4", "total t4", "t4 total", "thyroxine"), 5.0, 12.0),
    A(
        "VLDL cholesterol",
        "13458-5",
        "mg/dL",
        ("vldl", "vldl cholesterol", "vldl-c", "cholesterol vldl"),
        None,
        30.0,
    ),
    A(
        "Total/HDL cholesterol ratio",
        "9830-1",
        "",
        (
            "tc/hdl ratio",
            "total cholesterol/hdl ratio",
            "cholesterol/hdl ratio",
            "total cholesterol hdl ratio",
            "cholesterol hdl ratio",
            "tc hdl ratio",
            "chol/hdl ratio",
        ),
        None,
        5.0,
    ),
    A(
        "CRP",
        "1988-5",
        "mg/L",
        ("crp", "c-reactive protein", "c reactive protein", "hs-crp", "hs crp", "crp quantitative"),
        None,
        6.0,
    ),
    A("Serum iron", "2498-4", "µg/dL", ("serum iron", "iron", "s. iron"), 50.0, 170.0),
    A(
        "Prothrombin time",
        "5902-2",
        "s",
        ("prothrombin time", "pt", "pt (test)", "prothrombin time (pt)"),
        11.0,
        13.5,
    ),
    A(
        "aPTT",
        "3173-2",
        "s",
        ("aptt", "activated partial thromboplastin time", "ptt", "partial thromboplastin time"),
        25.0,
        38.0,
    ),
    A(
        "Beta-hCG",
        "21198-7",
        "mIU/mL",
        ("beta hcg", "beta-hcg", "b-hcg", "bhcg", "β-hcg", "serum beta hcg", "total beta hcg"),
        None,
        5.0,
    ),
)
BY_NAME = {a.name: a for a in ANALYTES}

# Values no living patient's blood gives, in the analyte's unit (broad on purpose: a value outside
# is a misread or not a result of that analyte, e.g. a dose).
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "Haemoglobin": (1.0, 25.0),
    "Red blood cell count": (0.5, 10.0),
    "Haematocrit": (5.0, 75.0),
    "MCV": (40.0, 150.0),
    "MCH": (10.0, 50.0),
    "MCHC": (20.0, 45.0),
    "RDW": (5.0, 40.0),
    "White blood cell count": (0.05, 500.0),
    "Neutrophils": (0.0, 100.0),
    "Lymphocytes": (0.0, 100.0),
    "Monocytes": (0.0, 100.0),
    "Eosinophils": (0.0, 100.0),
    "Basophils": (0.0, 100.0),
    "Absolute neutrophil count": (0.0, 300.0),
    "Absolute lymphocyte count": (0.0, 400.0),
    "Platelet count": (1.0, 3000.0),
    "MPV": (3.0, 25.0),
    "ESR": (0.0, 160.0),
    "Urea": (2.0, 600.0),
    "Blood urea nitrogen": (1.0, 300.0),
    "Creatinine": (0.05, 30.0),
    "eGFR": (1.0, 200.0),
    "Uric acid": (0.3, 30.0),
    "Sodium": (90.0, 200.0),
    "Potassium": (1.0, 10.0),
    "Chloride": (50.0, 160.0),
    "Bicarbonate": (2.0, 60.0),
    "Calcium": (2.0, 20.0),
    "Magnesium": (0.2, 10.0),
    "Phosphorus": (0.3, 20.0),
    "Total bilirubin": (0.0, 70.0),
    "Direct bilirubin": (0.0, 50.0),
    "Indirect bilirubin": (0.0, 50.0),
    "AST": (1.0, 30000.0),
    "ALT": (1.0, 30000.0),
    "Alkaline phosphatase": (5.0, 6000.0),
    "GGT": (1.0, 6000.0),
    "Total protein": (1.0, 15.0),
    "Albumin": (0.5, 7.0),
    "Globulin": (0.3, 12.0),
    "A/G ratio": (0.05, 6.0),
    "INR": (0.5, 20.0),
    "Prothrombin time": (5.0, 200.0),
    "aPTT": (10.0, 250.0),
    "Glucose (fasting)": (10.0, 2000.0),
    "Glucose (post-prandial)": (10.0, 2000.0),
    "Glucose (random)": (10.0, 2000.0),
    "HbA1c": (2.5, 25.0),
    "Estimated average glucose": (40.0, 700.0),
    "Total cholesterol": (30.0, 1500.0),
    "Triglycerides": (10.0, 15000.0),
    "HDL cholesterol": (3.0, 200.0),
    "LDL cholesterol": (3.0, 800.0),
    "VLDL cholesterol": (1.0, 1000.0),
    "Total/HDL cholesterol ratio": (0.5, 30.0),
    "TSH": (0.0, 1000.0),
    "Free T4": (0.05, 15.0),
    "Free T3": (0.3, 40.0),
    "Total T3": (0.1, 10.0),
    "Total T4": (0.3, 40.0),
    "LDH": (20.0, 20000.0),
    "CRP": (0.0, 700.0),
    "Ferritin": (0.5, 200000.0),
    "Serum iron": (3.0, 1200.0),
    "Vitamin B12": (20.0, 30000.0),
    "Vitamin D (25-OH)": (1.0, 300.0),
}

# Unit spellings as printed → the unit they mean.
_UNIT_SPELLINGS: tuple[tuple[str, str], ...] = (
    (r"lakhs?\s*/\s*(?:cumm|cu\.?\s*mm|mm3|mm³|µl|ul|μl|mcl|cmm)", "lakh/µL"),
    (r"lacs?\s*/\s*(?:cumm|cu\.?\s*mm|mm3|mm³|µl|ul|μl|mcl|cmm)", "lakh/µL"),
    (r"l\s*/\s*(?:cumm|cu\.?\s*mm|mm3|mm³|µl|ul|μl|mcl|cmm)", "lakh/µL"),  # "1.9 L/µL"
    (r"lakhs?|lacs?", "lakh/µL"),  # a doctor's note: "platelets 1.5 lakh"
    (r"(?:x\s*)?10\s*(?:\^|\*\*)?\s*3\s*/\s*(?:µl|ul|μl|cumm|mm3|mm³|mcl|cmm)", "10^9/L"),
    # "10³" comes out of OCR as "10°" or "10%" too; the "/µL" after it leaves no doubt.
    (r"(?:x\s*)?10\s*[³°%]\s*/\s*(?:µl|ul|μl|cumm|mm3|mm³|mcl|cmm)", "10^9/L"),
    (r"thou(?:sands?)?\s*/\s*(?:µl|ul|cumm|mm3|mm³|cmm)", "10^9/L"),
    (r"(?:x\s*)?10\s*(?:\^|\*\*)?\s*9\s*/\s*l", "10^9/L"),
    (r"(?:x\s*)?10\s*(?:\^|\*\*)?\s*6\s*/\s*(?:µl|ul|μl|cumm|mm3|mm³|mcl|cmm)", "10^12/L"),
    (r"(?:x\s*)?10⁶\s*/\s*(?:µl|ul|μl|cumm|mm3|mm³|mcl|cmm)", "10^12/L"),
    (r"(?:x\s*)?10\s*(?:\^|\*\*)?\s*12\s*/\s*l", "10^12/L"),
    (r"mill?(?:ions?)?\.?\s*/\s*(?:cumm|cu\.?\s*mm|µl|ul|μl|mm3|mm³|mcl|cmm)", "10^12/L"),
    (r"(?:cells\s*)?/\s*(?:cumm|cu\.?\s*mm|µl|ul|μl|mm3|mm³|mcl|cmm)", "/µL"),
    (r"ml\s*/\s*min(?:\s*/\s*1\.?73\s*(?:sq\.?\s*)?m(?:2|²|\^2)?)?", "mL/min/1.73m²"),
    (r"g(?:m|ms)?\s*/\s*d[l1i|]?|g%|gm%", "g/dL"),
    (r"g\s*/\s*l", "g/L"),
    (r"mg\s*/\s*d[l1i|]|mg%", "mg/dL"),
    (r"mg\s*/\s*l", "mg/L"),
    (r"mmol\s*/\s*mol", "mmol/mol"),
    (r"mmol\s*/\s*l", "mmol/L"),
    (r"meq\s*/\s*l", "mmol/L"),
    (r"nmol\s*/\s*l", "nmol/L"),
    (r"pmol\s*/\s*l", "pmol/L"),
    (r"µmol\s*/\s*l|umol\s*/\s*l|μmol\s*/\s*l", "µmol/L"),
    (r"(?:µ|u|μ|p)iu\s*/\s*ml|miu\s*/\s*l", "µIU/mL"),
    (r"miu\s*/\s*ml", "mIU/mL"),
    (r"i?u\s*/\s*l", "U/L"),
    (r"u\s*/\s*ml|iu\s*/\s*ml", "U/mL"),
    (r"ng\s*/\s*ml", "ng/mL"),
    (r"ng\s*/\s*dl", "ng/dL"),
    (r"pg\s*/\s*ml", "pg/mL"),
    (r"(?:µ|u|μ|mc)g\s*/\s*dl", "µg/dL"),
    (r"(?:µ|u|μ|mc)g\s*/\s*l", "µg/L"),
    (r"mm\s*(?:/\s*)?(?:(?:in\s*)?(?:1st|first|1)\s*)?(?:hr|h|hour)\b", "mm/h"),
    (r"fl|cu\.?\s*µ|cu\s*micron", "fL"),
    (r"pg", "pg"),
    (r"%", "%"),
    (r"sec(?:onds?|s)?|s", "s"),
)
_UNIT_BODY = "|".join(f"(?:{p})" for p, _ in _UNIT_SPELLINGS)
_UNIT_RE = re.compile(r"(?<![a-z0-9])(?:" + _UNIT_BODY + r")(?![a-z])", re.I)
_UNIT_AT = re.compile(r"(?:" + _UNIT_BODY + r")(?![a-z0-9])", re.I)
_UNIT_ONE = [(re.compile(p + "$", re.I), u) for p, u in _UNIT_SPELLINGS]

# Multipliers to the analyte's normal unit, for units labs print other than ours.
_CONVERT: dict[tuple[str, str], float] = {
    ("lakh/µL", "10^9/L"): 100.0,
    ("/µL", "10^9/L"): 0.001,
    ("g/L", "g/dL"): 0.1,
    ("mmol/L", "mg/dL:Glucose"): 18.016,
    ("mmol/L", "mg/dL:Estimated"): 18.016,
    ("µmol/L", "mg/dL:Creatinine"): 1 / 88.42,
    ("mmol/L", "mg/dL:Calcium"): 4.008,
    ("mmol/L", "mg/dL:Urea"): 6.006,
    ("mmol/L", "mg/dL:Total"): 38.67,  # total cholesterol
    ("mmol/L", "mg/dL:HDL"): 38.67,
    ("mmol/L", "mg/dL:LDL"): 38.67,
    ("mmol/L", "mg/dL:VLDL"): 38.67,
    ("mmol/L", "mg/dL:Triglycerides"): 88.57,
    ("µmol/L", "mg/dL:Total"): 1 / 17.1,  # total bilirubin
    ("µmol/L", "mg/dL:Direct"): 1 / 17.1,
    ("µmol/L", "mg/dL:Indirect"): 1 / 17.1,
    ("µmol/L", "mg/dL:Uric"): 1 / 59.48,
    ("mg/dL", "mg/L:CRP"): 10.0,
    ("nmol/L", "ng/mL:Vitamin"): 1 / 2.496,
    ("ng/dL", "ng/mL:Total"): 0.01,  # total T3
    ("nmol/L", "µg/dL:Total"): 1 / 12.87,  # total T4
    ("pmol/L", "ng/dL:Free"): 1 / 12.87,  # free T4
    ("µIU/mL", "mIU/mL"): 0.001,
    ("U/L", "mIU/mL"): 1.0,
}
# The number a count printed without a unit is most likely in, by its size.
_COUNT_UNITS = frozenset({"10^9/L", "lakh/µL", "/µL"})

# A comma before one digit is a decimal comma ("81,8": printed so, or a point read so by OCR),
# never a thousands group, which has two or three digits ("3,200", "1,50,000").
_NUM = r"\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+,\d(?![\d,])|\d+(?:\.\d+)?|\.\d+"
_CMP = r"<<|>>|<=|>=|=<|=>|<|>|≤|≥|less\s+than|more\s+than|greater\s+than|up\s*to|below|above"
_VALUE_AT = re.compile(rf"(?P<cmp>{_CMP})?\s*(?P<num>{_NUM})", re.I)
_DASH = r"(?:-|–|—|−|to)"
_RANGE_BODY = rf"(?P<lo>{_NUM})\s*{_DASH}\s*(?P<hi>{_NUM})|(?P<cmp>{_CMP})\s*(?P<one>{_NUM})"
_RANGE_RE = re.compile(_RANGE_BODY, re.I)
_RANGE_AT = re.compile(rf"(?:{_RANGE_BODY})(?![\d,])", re.I)
_RANGE_LABEL = r"(?:normal|ref(?:erence)?\.?(?:\s*(?:range|interval))?|n|nr|range|bri|rr)"
_BRACKET_RANGE_AT = re.compile(
    rf"[(\[]\s*(?:{_RANGE_LABEL}\s*[:\-=]?\s*)?(?P<range>{_RANGE_BODY})\s*"
    rf"(?:{_UNIT_BODY})?\s*[)\]]",
    re.I,
)
_FLAG_AT = re.compile(
    r"[(\[]?\s*(?P<flag>high|low|hh|ll|h|l|critical(?:ly)?\s*(?:high|low)?)\s*[)\]]?(?![a-z0-9])"
    r"|(?P<sym>\*+|↑+|↓+)",
    re.I,
)
# Words a sentence or a table cell may put between a name and its value.
_FILLER_AT = re.compile(
    r"(?:(?:at|on)\s+(?:diagnosis|presentation|admission|discharge|baseline)|"
    r"(?:on|dated)\s+\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|"
    r"(?:fell|rose|dropped|increased|decreased|improved|declined|climbed|recovered|"
    r"normali[sz]ed|came\s+down|went\s+up)\s+to|"
    r"was|were|is|are|of|at|level|levels|value|values|result|reading|serum|plasma|blood|"
    r"venous|whole|edta|measured|reported|noted|found|to\s+be|be|now|total|"
    r"fasting|random|post[\s-]*prandial|pp)(?![a-z0-9])",
    re.I,
)
# What may follow a value that has no unit, range or flag beside it.
_END_AT = re.compile(
    r"\s*(?:$|[,;.)\]](?:\s|$)|\s{2,}|[,;|]|(?:and|with|on|in|which|but|while|respectively|"
    r"after|before|since|today|yesterday|earlier)(?![a-z0-9]))",
    re.I,
)
_DATE_AFTER = re.compile(r"\s*(?:[/.\-]\s*\d|:\d\d)")
_RANGE_AFTER = re.compile(rf"\s*(?:-|–|—|−|to)\s*(?:{_NUM})", re.I)
# A line with a formula ("eAG = 28.7 x HbA1c - 46.7") states no result.
_FORMULA = re.compile(r"=\s*\d[\d.]*\s*[x×*/]\s*[a-z(]", re.I)
# A name in a clause about a reference, a target or a drug is not a result.
_NOT_A_RESULT_BEFORE = re.compile(
    r"(?:reference|ref\.|target|goal|aim|desirable|optimal|cut-?\s*off|keep|maintain|"
    r"tab|tablet|cap|capsule|inj|injection|syp|syrup|supplement|dose|when|if|unless|valid|"
    # What is asked for, not what was found: "Investigations advised: PSA, S. testosterone".
    r"advised|advise|advice|recommended|suggested|planned|ordered|awaited|pending)"
    r"\W{0,4}"
    r"(?:\w+\W+){0,2}$",
    re.I,
)
_SPECIMEN_BEFORE = re.compile(
    r"\b(?:urine|urinary|csf|pleural|ascitic|peritoneal|synovial|fluid|stool|sputum|drain)\b",
    re.I,
)
_NAME_SEP = r"[\s(),:/\-–]+"
_SPLIT = re.compile(_NAME_SEP)


def _normal_name(text: str) -> str:
    """Lower case, abbreviation dots dropped ("M.C.H.C." → "mchc"), words split on punctuation."""
    text = re.sub(r"(?<=[a-z])\.(?!\d)", "", text.lower())
    return " ".join(w for w in _SPLIT.split(text) if w)


# Names that look like one of ours but are another test: read, then skipped.
_OTHER_NAMES = (
    "absolute eosinophil count",
    "absolute monocyte count",
    "absolute basophil count",
    "aec",
    "urine glucose",
    "urine sugar",
    "urine albumin",
    "urine protein",
    "urine creatinine",
    "urine microalbumin",
    "tsh receptor antibody",
    "anti tpo",
    "anti-tpo",
    "serum amylase",
    "serum lipase",
    "ionised calcium",
    "ionized calcium",
    "corrected calcium",
    "hb electrophoresis",
    "hba2",
    "non-hdl cholesterol",
    "non hdl cholesterol",
    "ldl/hdl ratio",
    "ldl hdl ratio",
    "free psa",
    "% free psa",
    "mean plasma glucose",
    "reticulocyte count",
    "pt control",
    "control",
)
_NAMES: dict[str, Analyte | None] = {}
for _analyte in ANALYTES:
    for _alias in _analyte.aliases:
        _NAMES.setdefault(_normal_name(_alias), _analyte)
for _other in _OTHER_NAMES:
    _NAMES[_normal_name(_other)] = None


def _word_pattern(word: str) -> str:
    # Abbreviations may be printed with dots: "M.C.H.C.", "T.L.C.", "S. Creatinine".
    if word.isalpha() and len(word) <= 6:
        return r"\.?".join(re.escape(c) for c in word) + r"\.?"
    return re.escape(word)


def _name_pattern(name: str) -> str:
    return _NAME_SEP.join(_word_pattern(w) for w in name.split())


_NAME_RE = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(_name_pattern(n) for n in sorted(_NAMES, key=len, reverse=True))
    + r")(?![a-z0-9])"
)
# Short names that are ordinary words or stray letters count only at the start of a row or with
# a unit, range or flag printed beside the value.
_SHORT = {
    "hb",
    "k",
    "na",
    "na+",
    "k+",
    "rbc",
    "wbc",
    "alt",
    "ast",
    "alp",
    "anc",
    "alc",
    "tlc",
    "rbs",
    "fbs",
    "bun",
    "inr",
    "hdl",
    "ldl",
    "cea",
    "psa",
    "afp",
    "ldh",
    "esr",
    "rdw",
    "mpv",
    "pt",
    "ptt",
    "t3",
    "t4",
    "eag",
    "crp",
    "iron",
    "egfr",
    "vldl",
}
# Analytes that need a unit or a range printed to count (a name shared with other things).
_NEEDS_UNIT_OR_RANGE = {"eGFR", "Serum iron", "Prothrombin time"}


@dataclass
class LabResult:
    name: str
    loinc: str
    value: float
    unit: str
    reference_range: str
    reference_source: Literal["printed", "standard", "none"]
    flag: Flag
    page: int | None = None
    comparator: str = ""  # "<" or ">" for values printed as "< 0.5"
    printed: str = ""  # the value and unit as printed, e.g. "0.3 lakhs/cumm"
    printed_name: str = ""  # the analyte's name as printed, e.g. "Serum Creatinine"
    printed_value: str = ""  # e.g. "1,20,000"
    printed_unit: str = ""  # e.g. "lakhs/cumm"
    printed_range: str = ""  # e.g. "40-110": kept as printed even when repaired
    printed_flag: str = ""  # e.g. "h", "low", "*", "↑"
    uncertain: bool = False  # something did not add up: see `note`
    note: str = ""
    # The value could not be read for sure (an OCR word read with low confidence, digits of two
    # scripts in one number): the page is to be read, the value is not shown.
    withheld: bool = False
    # Where the value starts in its page's text, and the OCR confidence (0-100) of the word it
    # was read from (not kept: they decide `withheld`).
    offset: int | None = field(default=None, compare=False, repr=False)
    read_confidence: float | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("offset")
        data.pop("read_confidence")
        return data


# An OCR'd value whose word Tesseract read with less confidence (0-100) than this is withheld.
# Measured on the bench (bench/reading.py, scan and phone-photo forms, 522 values placed on
# their word): every misread value under 95 scored below 78 (42.8 to 77.8); under 80, 22 of
# about 510 right values (4 %) are withheld too. A withheld value costs the coordinator a look
# at the page; a misread one shown as a result can cost the patient.
UNSURE_BELOW = 80.0


def _number(text: str) -> float:
    if re.fullmatch(r"\d+,\d", text):
        return float(text.replace(",", "."))
    text = text.replace(",", "")
    return float(text)


def _unit_of(raw: str) -> str:
    cleaned = " ".join(raw.split())
    for pattern, unit in _UNIT_ONE:
        if pattern.match(cleaned):
            return unit
    return cleaned


def extract_labs(pages_or_text: Sequence[Page] | str) -> list[LabResult]:
    """Finds lab results in a text or in `reading.Page`s: every value printed for an analyte,
    once per analyte, value and page."""
    if isinstance(pages_or_text, str):
        sources: Iterable[tuple[int | None, str, bool]] = [(None, pages_or_text, False)]
    else:
        sources = [
            (page.number, page.text, page.source == "ocr")
            for page in pages_or_text
            if not isinstance(page, str)
        ]
    pages = {page.number: page for page in pages_or_text if not isinstance(page, str)}
    results: list[LabResult] = []
    for number, text, ocr in sources:
        seen: set[tuple[str, float, str]] = set()
        found = parse_text(text, ocr=ocr)
        if ocr and number in pages:
            _mark_unsure(found, pages[number])
        for result in found:
            key = (result.name, result.value, result.comparator)
            if key not in seen:
                seen.add(key)
                result.page = number
                results.append(result)
    return results


def _mark_unsure(results: Sequence[LabResult], page: Page) -> None:
    """Withholds each value OCR may have misread: its word was read with low confidence, its
    digits come from two scripts ("1.4६": a Devanagari 6 for a printed digit), or it did
    not add up with its printed range."""
    placed = layout(page.words)
    if page.text != placed.text:
        return  # the text is not the words' (cannot happen for an OCR'd page): nothing to place
    spans = placed.spans
    for result in results:
        if result.offset is None:
            continue
        word = next(
            (
                w
                for w, (start, end) in zip(page.words, spans, strict=True)
                if start <= result.offset < end
            ),
            None,
        )
        if word is None:
            continue
        result.read_confidence = word.confidence
        mixed = any(c.isdigit() and not c.isascii() for c in word.text) and any(
            c.isdigit() and c.isascii() for c in word.text
        )
        if mixed or word.confidence < UNSURE_BELOW:
            result.withheld = True
    for result in results:
        # Something did not add up (a range that fits no scale of the analyte): on a page OCR
        # read, the name or the numbers may be misread, so the value is not stated either.
        if result.uncertain:
            result.withheld = True


def parse_text(text: str, *, ocr: bool = False) -> list[LabResult]:
    """Reads every row of a table and every value in a sentence; a name alone on its row takes
    its value from the row below ("Serum Creatinine" / "5.1  High  mg/dL  0.6 - 1.2").
    With `ocr` the text was read by OCR: its rows may come out of step and its decimal points
    may be lost, so what could be such a misread is left out."""
    lines = text.splitlines()
    starts = [0]
    for kept in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(kept))
    results: list[LabResult] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if ocr and index and _value_only_row(lines[index - 1]):
            # Values above and below a name alone on its row (rows of a tilted photo grouped
            # out of step): which value is its own cannot be told, so take neither.
            following = ""
        found = _parse_line(line, following)
        if (
            following
            and index + 2 < len(lines)
            and not any(row for _result, row, _offset in found)
            and _method_row(following)
        ):
            # "TSH" / "CLIA, 3rd generation" / "5.82 H µIU/mL 0.27 - 4.20": the method printed
            # under the name, the value on the row after it.
            found += [
                (result, 2, offset)
                for result, row, offset in _parse_line(line, lines[index + 2])
                if row
            ]
        for result, row, offset in found:
            result.offset = starts[index + row] + offset
            results.append(result)
        results.extend(_trend_table(line, lines[index + 1 : index + 1 + _TREND_ROWS]))
    if ocr:
        results = [result for result in results if not _decimal_point_lost(result)]
    return results


# A row that only says how a test was done, printed under its name.
_METHOD_WORDS = re.compile(
    r"^\s*(?:method\b|by\s|calculated|derived|computed)|\b(?:clia|eclia|cmia|elisa|elfa|hplc|"
    r"immunoassay|\w*turbidimetr\w*|nephelometr\w*|\w*photometr\w*|colorimetr\w*|enzymatic|"
    r"kinetic|\w*cytometry|impedance|ise|jaffe|biuret|bromocresol|hexokinase|god[\s-]*pod|ifcc|"
    r"\d(?:st|nd|rd|th)\s+generation)\b",
    re.I,
)


def _method_row(row: str) -> bool:
    lowered = _lower_keep_length(row)
    return (
        len(row.strip()) <= 70
        and not re.match(r"\s*[<>≤≥]?\s*\d", row)
        and _METHOD_WORDS.search(row) is not None
        and _NAME_RE.search(lowered) is None
    )


def _decimal_point_lost(result: LabResult) -> bool:
    """An OCR'd value that reads as its printed range with the decimal point dropped: "98"
    against "4 - 10" (9.8), "06" mg/dL bilirubin (0.6). The page does not state it."""
    analyte = BY_NAME[result.name]
    printed = result.printed_value.replace(",", "")
    if (
        re.fullmatch(r"0\d+", printed)
        and printed.strip("0")
        and analyte.unit != "%"
        and analyte.high is not None
        and analyte.high < 10
    ):
        return True
    bounds = _parse_range(result.reference_range) if result.reference_source == "printed" else None
    if bounds is None or bounds[1] is None or result.comparator:
        return False
    if result.printed_flag.lstrip("([ ").startswith(("h", "↑", "*", "c")):
        return False  # the page flags it high: 8.6 against 0.7 - 1.3 is meant
    lo, hi = bounds[0] or 0.0, bounds[1]
    try:
        value = _number(printed)
    except ValueError:
        return False
    return value > 3 * hi > 0 and any(lo <= value / scale <= hi for scale in (10.0, 100.0))


def _value_only_row(row: str) -> bool:
    return bool(re.match(r"\s*[<>]?\s*\d", row)) and _NAME_RE.search(row.lower()) is None


_TREND_ROWS = 8
_DATE = r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
_TREND_ROW = re.compile(
    rf"(?:^|\s)(?P<date>{_DATE})\s*(?:\([^()]{{0,30}}\)\s*)?"
    rf"(?P<value>(?:<|>)?\s*(?:{_NUM}))(?=\s{{2,}}|\s*$)"
)


def _trend_table(header: str, rows: Sequence[str]) -> list[LabResult]:
    """A table of one test over time: a header 'Date | CEA (ng/mL)' and rows 'date | value'."""
    cells = [c.strip() for c in re.split(r"\s{2,}", header.strip())]
    lowered = [c.lower() for c in cells]
    if "date" not in lowered:
        return []
    analyte = None
    unit_text = ""
    printed_name = ""
    for cell in cells[lowered.index("date") + 1 :]:
        named = re.match(r"(?P<name>[^()]+?)\s*(?:\((?P<unit>[^()]{1,15})\))?$", cell)
        if named is None:
            continue
        found = _NAMES.get(_normal_name(named.group("name")))
        if found is not None:
            analyte, unit_text, printed_name = found, named.group("unit") or "", cell
            break
    if analyte is None:
        return []
    results: list[LabResult] = []
    for row in rows:
        match = _TREND_ROW.search(row)
        if match is None:
            continue
        synthetic = f"{match.group('value')} {unit_text}".strip()
        lowered_row = _lower_keep_length(synthetic)
        cells_found = _cells(lowered_row, 0)
        if cells_found is None:
            continue
        result = _result(analyte, cells_found, printed_name, synthetic)
        if result is not None:
            results.append(result)
    return results


def parse_line(line: str) -> LabResult | None:
    """Reads one table row or sentence such as 'Platelet Count  0.3  L  1.5 - 4.1  lakhs/cumm'."""
    found = _parse_line(line, "")
    return found[0][0] if found else None


# A result with the row it was read from (0: its own, 1: the row below) and the value's offset
# in that row.
_Placed = tuple[LabResult, int, int]


@dataclass
class _Cells:
    value: re.Match[str]
    unit: re.Match[str] | None = None
    range_text: str = ""
    flag: str = ""
    end: int = 0
    text: str = ""
    l_was_unit: bool = False  # "L /cumm" read as the flag L, not as lakh


def _parse_line(raw_line: str, following: str) -> list[_Placed]:
    line = _lower_keep_length(raw_line)
    if _FORMULA.search(line):
        return []
    paired, line = _pairs(line, raw_line)
    results = paired + _parse_names(line, raw_line, following)
    if following and re.search(r"\d\s*[a-zµμ]{1,4}\s*/$", line):
        # A unit broken over two rows of a paragraph ("albumin 2.6 g/" / "dL"): the value that
        # ends the row is read with the whole unit.
        joined_raw = raw_line + following.lstrip()
        joined = _lower_keep_length(joined_raw)
        seen = {offset for _result, _row, offset in results}
        for result, _row, offset in _parse_names(joined, joined_raw, ""):
            if offset < len(raw_line) and offset not in seen:
                results.append((result, 0, offset))
    # A name broken over two rows of a paragraph ("platelet" / "count 2.6 lakh/cumm").
    if following and re.search(r"[a-z]$", line) and not re.match(r"\s*\d", following):
        joined_raw = raw_line + " " + following.lstrip()
        joined = _lower_keep_length(joined_raw)
        if not _FORMULA.search(joined):
            indent = len(following) - len(following.lstrip())
            for result, _row, offset in _parse_names(joined, joined_raw, "", across=len(line)):
                if offset > len(raw_line):
                    results.append((result, 1, offset - len(raw_line) - 1 + indent))
                else:
                    results.append((result, 0, offset))
    return results


# Two tests written as one pair, as notes do: "SGOT/SGPT 24/22 IU/L", "Urea/Creat - 24/0.8".
_PAIR_RE = re.compile(
    rf"(?P<a>{_NAME_RE.pattern})\s*/\s*(?P<b>{_NAME_RE.pattern})\s*[:=\-–]?\s*"
    rf"(?P<x>{_NUM})\s*/\s*(?P<y>{_NUM})(?![\d/.])"
)


def _pairs(line: str, raw_line: str) -> tuple[list[_Placed], str]:
    """The results of each pair in `line`, and the line with the pairs blanked (same length) so
    that nothing reads them again."""
    results: list[_Placed] = []
    for match in _PAIR_RE.finditer(line):
        first = _NAMES.get(_normal_name(match.group("a")))
        second = _NAMES.get(_normal_name(match.group("b")))
        if first is None or second is None or first is second:
            continue
        unit = _UNIT_AT.match(
            line, match.end() + len(line[match.end() :]) - len(line[match.end() :].lstrip())
        )
        unit_text = unit.group(0) if unit else ""
        found: list[_Placed] = []
        for name, value in (("a", "x"), ("b", "y")):
            # Each half read as if printed alone: "sgot 24 iu/l", with the value's own offset.
            alone = f"{match.group(name)} {match.group(value)} {unit_text}".rstrip()
            raw_alone = (
                f"{raw_line[match.start(name) : match.end(name)]} "
                f"{raw_line[match.start(value) : match.end(value)]} "
                f"{raw_line[unit.start() : unit.end()] if unit else ''}"
            ).rstrip()
            for result, _row, _offset in _parse_names(alone, raw_alone, ""):
                found.append((result, 0, match.start(value)))
        if len(found) == 2:
            results.extend(found)
            end = unit.end() if unit else match.end()
            line = line[: match.start()] + " " * (end - match.start()) + line[end:]
    return results, line


def _parse_names(line: str, raw_line: str, following: str, across: int = 0) -> list[_Placed]:
    """Every result whose name is in `line`; with `across`, only names that run over that
    offset (the end of the first of two joined rows)."""
    results: list[_Placed] = []
    position = max(0, across - 40) if across else 0
    while (match := _NAME_RE.search(line, position)) is not None:
        position = match.end()
        if across and not match.start() < across < match.end():
            if match.start() >= across:
                break
            continue
        name = _normal_name(match.group(0))
        analyte = _NAMES.get(name)
        if analyte is None:
            continue
        before = line[: match.start()]
        clause = re.split(r"[.;|]\s|\s{3,}", before)[-1]
        if _NOT_A_RESULT_BEFORE.search(clause) or _SPECIMEN_BEFORE.search(clause):
            continue
        word = re.search(r"(?<![a-z])([a-z]{2,5}) $", before)
        if name in _QUALIFIED and word and word.group(1) not in _PLAIN_WORDS:
            continue  # "LOL cholesterol": a qualifier we cannot read (LDL? HDL?)
        at_row_start = (
            not _ROW_PREFIX.sub("", before)
            or bool(re.search(r"\s{3,}$", before))
            # After a heading's colon: "Investigations (12/03): Hb 9.8, TLC 11,200".
            or bool(re.search(r"^[a-z][a-z .()/\d-]{0,40}:\s*$", clause))
        )
        start = _skip_to_value(line, match.end())
        named = _bracketed_name(name, line[match.end() : start])
        if named is not None and named is not analyte:
            analyte = named  # "Mean Corpuscular Hb (MCH)": the abbreviation names the test
        analyte = _qualified(analyte, name, before, line[match.end() : start])
        cells = _cells(line, start)
        text, raw = line, raw_line
        if cells is None and following and not line[start:].strip(" .:-=\t()"):
            # The name ends its row: the value is the first thing on the next row (a table cell
            # under the name, or a sentence that wraps).
            below = _lower_keep_length(following)
            cells = _cells(below, len(below) - len(below.lstrip()), strict=True)
            if cells is not None and not at_row_start and cells.unit is None:
                cells = None
            text, raw = below, following
        if cells is None:
            continue
        cmp = (cells.value.group("cmp") or "").replace(" ", "")
        if cmp in ("<=", ">=", "=<", "=>", "≤", "≥") and not at_row_start:
            continue  # "HbA1c >= 6.5 % on two occasions": a criterion, not a result
        listed = bool(results)  # "PT 13.2 sec, INR 1.04": a list of results
        if name in _SHORT and not (
            at_row_start or listed or cells.unit or cells.range_text or cells.flag
        ):
            continue
        if (analyte.name in _NEEDS_UNIT_OR_RANGE or name in _NEEDS_UNIT) and not (
            cells.unit or cells.range_text
        ):
            continue
        result = _result(analyte, cells, raw_line[match.start() : match.end()], raw)
        if result is None and cells.l_was_unit:
            # "0.9 L /cumm" is no count of cells per µL: the L was the lakh.
            again = _cells(text, cells.value.start(), spaced_l_is_flag=False)
            if again is not None:
                cells = again
                result = _result(analyte, cells, raw_line[match.start() : match.end()], raw)
        if result is not None:
            results.append((result, 0 if text is line else 1, cells.value.start("num")))
        if text is line:
            position = max(position, cells.end)
    return results


# What may stand before a name at the start of a row: a row number, a bullet, a specimen.
_ROW_PREFIX = re.compile(r"[\s.:\-•*\d]+|\b(?:serum|plasma|blood|whole|s|total)\b", re.I)
_NEEDS_UNIT = {"k"}
# Names that stand for one of several tests unless a word before them says which.
_QUALIFIED = {"cholesterol", "bilirubin"}
_PLAIN_WORDS = {
    "total",
    "serum",
    "s",
    "t",
    "blood",
    "the",
    "and",
    "of",
    "his",
    "her",
    "with",
    "fasting",
    "was",
    "is",
    "my",
    "their",
    "also",
}


def _bracketed_name(name: str, between: str) -> Analyte | None:
    """The test a bracket after a name points to: "(MCH)", or "Serum Bilirubin (Direct)"."""
    bracket = re.search(r"[(\[]([^()\[\]]{1,40})[)\]]", between)
    if bracket is None:
        return None
    inside = _normal_name(bracket.group(1))
    bare = re.sub(r"^(?:serum|plasma|blood|s)\s+", "", name)
    for candidate in (inside, f"{name} {inside}", f"{bare} {inside}"):
        if (found := _NAMES.get(candidate)) is not None:
            return found
    return None


def _lower_keep_length(text: str) -> str:
    """Lower case, with offsets that still fit the raw text."""
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered


def _qualified(analyte: Analyte, name: str, before: str, after: str) -> Analyte:
    """Glucose by the sample it was taken on; a differential count by whether it is absolute."""
    generic = re.search(r"glucose|sugar", name) and not re.search(r"fast|random|pp|prandial", name)
    if analyte.name.startswith("Glucose") and generic:
        near = before[-25:] + " " + after
        if re.search(r"fasting|\bfbs\b|\(f\)", near):
            return BY_NAME["Glucose (fasting)"]
        if re.search(r"post[\s-]*prandial|\bpp|2\s*h(?:ou)?rs?\b|after\s+(?:meal|food)", near):
            return BY_NAME["Glucose (post-prandial)"]
        return BY_NAME["Glucose (random)"]
    if re.search(r"\babs(?:olute)?\W*$", before):
        if analyte.name == "Neutrophils":
            return BY_NAME["Absolute neutrophil count"]
        if analyte.name == "Lymphocytes":
            return BY_NAME["Absolute lymphocyte count"]
    return analyte


def _skip_to_value(line: str, position: int) -> int:
    """Passes brackets after a name ("(Total)", "(CKD-EPI 2021)"), ':' and words such as 'was'."""
    for _ in range(8):
        rest = line[position:]
        stripped = rest.lstrip(" \t:=-–—−,)")
        if re.match(r"\.\s", stripped):  # a stray dot, not the start of ".5"
            stripped = stripped[1:].lstrip()
        position += len(rest) - len(stripped)
        bracket = re.match(r"[(\[][^()\[\]]{0,40}[)\]]", stripped)
        if bracket and not _BRACKET_RANGE_AT.match(stripped):
            position += bracket.end()
            continue
        filler = _FILLER_AT.match(stripped)
        if filler:
            position += filler.end()
            continue
        break
    return position


def _cells(
    line: str, position: int, *, strict: bool = False, spaced_l_is_flag: bool = True
) -> _Cells | None:
    """The value at `position` and the unit, flag and range cells after it, in any order."""
    value = _VALUE_AT.match(line, position)
    if value is None:
        return None
    after = value.end()
    if re.match(r"[a-z\d]", line[after : after + 1]) and not _UNIT_AT.match(line, after):
        return None  # "3rd", "19del", "1a"
    if _DATE_AFTER.match(line, after) and not _UNIT_AT.match(line[after:].lstrip()):
        return None  # a date, a time or "146/88"
    if not value.group("cmp") and _RANGE_AFTER.match(line, after):
        return None  # "5.7 - 6.4": a range in an interpretation table, not a result
    cells = _Cells(value=value, text=line)
    position = after
    while True:
        rest = line[position:]
        skip = len(rest) - len(rest.lstrip())
        at = position + skip
        if cells.unit is None and (unit := _UNIT_AT.match(line, at)):
            if spaced_l_is_flag and re.match(r"l\s+/", unit.group(0)) and not cells.flag:
                # "3,200 L /cumm": the flag's cell, then the unit's; a lakh is printed "L/cumm".
                cells.flag = "l"
                cells.l_was_unit = True
                position = at + 1
                continue
            cells.unit = unit
            position = unit.end()
            continue
        if not cells.range_text:
            bracket = _BRACKET_RANGE_AT.match(line, at)
            if bracket:
                cells.range_text = bracket.group("range").strip()
                position = bracket.end()
                continue
            plain = _RANGE_AT.match(line, at)
            if plain and (skip or at == after):
                cells.range_text = plain.group(0).strip()
                position = plain.end()
                continue
        if flag := _FLAG_AT.match(line, at):
            # "L*", "H **": a letter and a mark; the letter says which way.
            if not cells.flag or cells.flag.startswith("*"):
                cells.flag = (flag.group("flag") or flag.group("sym") or "").lower()
            position = flag.end()
            continue
        if not cells.unit and not cells.range_text and skip >= 2:
            # A table cell we cannot read ("10%pL", a unit out of OCR) before the range cell;
            # a plain word is not one.
            garbled = re.match(r"(?=\S*[^a-z\s])(?=\S*[^\d\s.,])\S{1,8}\s{2,}", line[at:])
            if garbled and (plain := _RANGE_AT.match(line, at + garbled.end())):
                cells.range_text = plain.group(0).strip()
                position = plain.end()
                continue
        break
    cells.end = position
    if not (cells.unit or cells.range_text or cells.flag) and not _END_AT.match(line, position):
        # A bare number followed by words: a dose, a count of days, a sentence going elsewhere.
        return None
    if strict and line[position:].strip(" .,;"):
        found = cells.unit or cells.range_text or cells.flag
        if not (found and re.match(r"\s{2,}", line[position:])):
            return None
    return cells


def _result(analyte: Analyte, cells: _Cells, printed_name: str, raw: str) -> LabResult | None:
    """`raw` is the row as printed that the cells were read from (same offsets)."""
    value_match = cells.value
    try:
        value = _number(value_match.group("num"))
    except ValueError:
        return None
    comparator = _comparator(value_match.group("cmp"))
    unit_text = raw[cells.unit.start() : cells.unit.end()] if cells.unit else ""
    printed_unit = _unit_of(cells.unit.group(0)) if cells.unit else ""
    if printed_unit and not _unit_fits(analyte, printed_unit):
        if analyte.name in ("Neutrophils", "Lymphocytes") and printed_unit in _COUNT_UNITS:
            analyte = BY_NAME[
                "Absolute neutrophil count"
                if analyte.name == "Neutrophils"
                else "Absolute lymphocyte count"
            ]
        else:
            return None  # "urea 10 %" in a cream, a fluid's "mg/L": not this analyte
    if analyte.name in ("Neutrophils", "Lymphocytes") and not printed_unit and value > 100:
        return None
    value_text = raw[value_match.start("num") : value_match.end("num")]
    result = _build(
        analyte,
        value,
        comparator,
        printed_unit,
        cells.range_text,
        cells.flag,
        printed=" ".join(
            part
            for part in (raw[value_match.start() : value_match.end()].strip(), unit_text)
            if part
        ),
    )
    low, high = PLAUSIBLE.get(analyte.name, (None, None))
    if (
        low is not None
        and high is not None
        and result.unit == analyte.unit
        and not low <= result.value <= high
    ):
        # A number no patient has: a misread ("9.1" read "91") or not this analyte (a dose).
        # Either way the page does not state it as this result, so it is not one.
        return None
    result.printed_name = " ".join(printed_name.split())
    result.printed_value = value_text
    result.printed_unit = unit_text
    result.printed_range = cells.range_text
    result.printed_flag = cells.flag
    return result


def _unit_fits(analyte: Analyte, printed: str) -> bool:
    if printed == analyte.unit:
        return True
    if analyte.unit == "10^9/L":
        return printed in _COUNT_UNITS
    if analyte.unit == "10^12/L":
        return printed in ("10^12/L",)
    if (printed, analyte.unit) in _CONVERT:
        return True
    if (printed, f"{analyte.unit}:{analyte.name.split()[0]}") in _CONVERT:
        return True
    if analyte.unit == "" and printed in ("%",):
        return False
    if analyte.unit == "s":
        return printed == "s"
    # Units we read but have no conversion for are kept as printed only when they could be the
    # analyte's (same kind of quantity); otherwise the number is something else.
    return printed in _SAME_KIND.get(analyte.unit, ())


_SAME_KIND: dict[str, tuple[str, ...]] = {
    "mg/dL": ("mmol/L", "µmol/L", "mg/L", "g/L"),
    "g/dL": ("g/L",),
    "mmol/L": (),
    "U/L": ("U/mL",),
    "ng/mL": ("ng/dL", "µg/L", "nmol/L", "pmol/L"),
    "pg/mL": ("pmol/L", "ng/dL"),
    "ng/dL": ("pmol/L", "pg/mL"),
    "µIU/mL": ("mIU/mL", "U/mL"),
    "µg/dL": ("nmol/L", "µmol/L", "µg/L"),
    "%": ("mmol/mol",),
}


def _comparator(raw: str | None) -> str:
    if not raw:
        return ""
    raw = raw.lower()
    if raw.startswith(("<", "≤", "=<", "less", "up", "below")):
        return "<"
    return ">"


def _build(
    analyte: Analyte,
    value: float,
    comparator: str,
    printed_unit: str,
    reference: str,
    flag_text: str,
    *,
    printed: str,
) -> LabResult:
    unit, factor = _normalise_unit(analyte, value, printed_unit)
    normal_value = round(value * factor, 4)
    flag: Flag = "none"
    source: Literal["printed", "standard", "none"] = "printed" if reference else "none"
    bounds = _parse_range(reference) if reference else None
    uncertain = False
    note = ""
    if bounds is not None:
        checked, note = _check_range(analyte, value, factor, bounds)
        if checked is None:
            uncertain = True
            bounds = None
        elif checked != bounds:
            bounds = checked
            reference = _show_bounds(checked)
    if flag_text in ("l", "low", "↓", "ll") or flag_text.startswith("↓"):
        flag = "low"
    elif flag_text in ("h", "high", "↑", "hh") or flag_text.startswith("↑"):
        flag = "high"
    elif flag_text.startswith("critical") and bounds is not None:
        flag = "high" if bounds[1] is not None and value > bounds[1] else "low"
    elif bounds is not None and not comparator:
        # The printed range is in the printed unit, so compare before converting.
        lo, hi = bounds
        if lo is not None and value < lo:
            flag = "low"
        elif hi is not None and value > hi:
            flag = "high"
    elif bounds is not None:
        # "< 0.005" against 0.35 - 5.50 is surely low; "< 2" against 0.35 - 5.50 may be either.
        lo, hi = bounds
        if comparator == "<" and lo is not None and value <= lo:
            flag = "low"
        elif comparator == ">" and hi is not None and value >= hi:
            flag = "high"
    if uncertain:
        # The printed range and the value disagree with the analyte: the value may be misread
        # as well, so neither the range nor the standard one sets a flag; a printed flag stands.
        source = "none"
        reference = ""
        if unit == analyte.unit and (
            (flag == "high" and analyte.high is not None and normal_value > analyte.high)
            or (flag == "low" and analyte.low is not None and normal_value < analyte.low)
        ):
            # The page's own flag agrees with the value on the analyte's usual scale ("8.6
            # High" beside a range read "07-13"): the value stands, only the range is doubtful.
            uncertain = False
    elif bounds is None:
        if analyte.low is not None or analyte.high is not None:
            source = "standard"
            reference = _format_range(analyte)
        if not comparator and flag == "none" and unit == analyte.unit:
            if analyte.low is not None and normal_value < analyte.low:
                flag = "low"
            elif analyte.high is not None and normal_value > analyte.high:
                flag = "high"
    # "< 0.5" may be far lower than 0.5 and "> 500" far higher, so only the open side can be
    # called critical.
    if unit == analyte.unit and not uncertain:
        if (
            not comparator
            and analyte.critical_low is not None
            and normal_value < analyte.critical_low
        ):
            flag = "critical_low"
        if (
            comparator != "<"
            and analyte.critical_high is not None
            and normal_value > analyte.critical_high
        ):
            flag = "critical_high"
    return LabResult(
        name=analyte.name,
        loinc=analyte.loinc,
        value=normal_value,
        unit=unit,
        reference_range=reference,
        reference_source=source,
        flag=flag,
        comparator=comparator,
        printed=printed,
        uncertain=uncertain,
        note=note,
    )


Bounds = tuple[float | None, float | None]
# How far a laboratory's upper reference limit may sit from the usual one and still be this
# analyte's range: laboratories, methods, ages and sexes differ by up to about twice (ferritin
# in men and women, CRP and hs-CRP, an adult's and a child's ALP nearer three times).
RANGE_SPREAD = 2.5


def _check_range(
    analyte: Analyte, value: float, factor: float, bounds: Bounds
) -> tuple[Bounds | None, str]:
    """A printed range checked against the analyte's usual one. A range off by a power of ten
    (a decimal point lost: '4.0-11.0' read '40-110') is repaired when the value sits on the usual
    scale; when it does not add up it is not used (None) and a note says why."""
    lo, hi = bounds
    if lo is not None and hi is not None and lo > hi:
        return None, "printed range runs backwards: not used"
    if analyte.high is None or analyte.high <= 0 or hi is None or hi <= 0 or factor <= 0:
        return bounds, ""
    ratio = hi * factor / analyte.high
    for scale in (10.0, 100.0, 1000.0, 0.1, 0.01, 0.001):
        if scale / 1.6 <= ratio <= scale * 1.6:
            break
    else:
        if 1 / RANGE_SPREAD <= ratio <= RANGE_SPREAD:
            return bounds, ""
        # Neither this analyte's range nor one off by a power of ten: another test's row
        # ("HbA1c 11.8 % 4.0-6.0" taken for haemoglobin) or a range misread.
        return None, f"printed range {_show_bounds(bounds)} does not fit the analyte: not used"
    repaired: Bounds = (None if lo is None else lo / scale, hi / scale)
    plausible = PLAUSIBLE.get(analyte.name)
    normal_value = value * factor
    value_on_usual_scale = plausible is not None and plausible[0] <= normal_value <= plausible[1]
    if value_on_usual_scale and _distance(value, repaired) < _distance(value, bounds):
        return repaired, (
            f"printed range {_show_bounds(bounds)} is off the usual scale by {scale:g}: "
            f"read as {_show_bounds(repaired)}"
        )
    return None, f"printed range {_show_bounds(bounds)} does not fit the analyte: not used"


def _distance(value: float, bounds: Bounds) -> float:
    """How far, in orders of magnitude, a value lies outside a range (0 inside it)."""
    lo, hi = bounds
    value = max(value, 1e-6)
    if lo is not None and value < lo:
        return math.log10(max(lo, 1e-6) / value)
    if hi is not None and value > hi:
        return math.log10(value / max(hi, 1e-6))
    return 0.0


def _show_bounds(bounds: Bounds) -> str:
    lo, hi = bounds
    if lo is not None and hi is not None:
        return f"{lo:g} - {hi:g}"
    if hi is not None:
        return f"< {hi:g}"
    return f"> {lo or 0:g}"


def _normalise_unit(analyte: Analyte, value: float, printed: str) -> tuple[str, float]:
    """Returns the analyte's unit and the factor that turns the printed value into it."""
    if printed == analyte.unit or (not printed and analyte.unit != "10^9/L"):
        return analyte.unit, 1.0
    if analyte.unit == "10^9/L":
        if not printed:
            # Counts printed without a unit: the size of the number says which one was meant.
            if analyte.name == "Platelet count":
                return (
                    (analyte.unit, 100.0)
                    if value < 10
                    else (analyte.unit, 1.0)
                    if value < 2000
                    else (analyte.unit, 0.001)
                )
            return (analyte.unit, 0.001) if value > 200 else (analyte.unit, 1.0)
        if printed in ("lakh/µL", "/µL"):
            return analyte.unit, _CONVERT[(printed, "10^9/L")]
    if (printed, analyte.unit) in _CONVERT:
        return analyte.unit, _CONVERT[(printed, analyte.unit)]
    key = (printed, f"{analyte.unit}:{analyte.name.split()[0]}")
    if key in _CONVERT:
        return analyte.unit, _CONVERT[key]
    # A unit we do not convert: keep the value as printed rather than guess.
    return printed, 1.0


def _parse_range(text: str) -> Bounds | None:
    match = _RANGE_RE.search(text)
    if match is None:
        return None
    if match.group("lo") is not None:
        return _number(match.group("lo")), _number(match.group("hi"))
    bound = _number(match.group("one"))
    if _comparator(match.group("cmp")) == "<":
        return None, bound
    return bound, None


def _format_range(analyte: Analyte) -> str:
    def show(x: float) -> str:
        return f"{x:g}"

    unit = f" {analyte.unit}" if analyte.unit else ""
    if analyte.low is not None and analyte.high is not None:
        return f"{show(analyte.low)} - {show(analyte.high)}{unit}"
    if analyte.high is not None:
        return f"< {show(analyte.high)}{unit}"
    return f"> {show(analyte.low or 0)}{unit}"
