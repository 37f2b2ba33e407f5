"""Lab results out of report text: analyte, value, unit, reference range and flag.

Written for the table layouts of Indian labs ("Investigation  Result  Flag  Bio. Ref. Interval
Unit", units before or after the range, "3.5 lakhs/cumm", "5,100", "< 0.5") as they come out of
`reading.words_to_text`: one table row per line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from consilium.insights.reading import Page

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
        ("creatinine", "serum creatinine", "s. creatinine", "creatinine, serum"),
        0.6,
        1.3,
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
        ("potassium", "serum potassium", "k+", "potassium (k+)"),
        3.5,
        5.1,
        2.8,
        6.2,
    ),
    A(
        "Chloride",
        "2075-0",
        "mmol/L",
        ("chloride", "serum chloride", "cl-", "chloride (cl-)"),
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
            "bilirubin total",
            "bilirubin (total)",
            "bilirubin, total",
            "s. bilirubin total",
            "serum bilirubin total",
        ),
        0.2,
        1.2,
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
        ("ldh", "lactate dehydrogenase", "ld", "serum ldh", "lactate dehydrogenase (ldh)"),
        135.0,
        225.0,
    ),
    A("Ferritin", "2276-4", "ng/mL", ("ferritin", "serum ferritin"), 15.0, 300.0),
    A("Vitamin B12", "2132-9", "pg/mL", ("vitamin b12", "vit b12", "cyanocobalamin"), 200.0, 900.0),
    A(
        "Vitamin D (25-OH)",
        "1989-3",
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
)
BY_NAME = {a.name: a for a in ANALYTES}

# Unit spellings as printed → the unit they mean.
_UNIT_SPELLINGS: tuple[tuple[str, str], ...] = (
    (r"lakhs?\s*/\s*(?:cumm|cu\.?\s*mm|mm3|µl|ul|μl|mcl)", "lakh/µL"),
    (r"lacs?\s*/\s*(?:cumm|cu\.?\s*mm|mm3|µl|ul|μl|mcl)", "lakh/µL"),
    (r"(?:x\s*)?10\s*(?:\^|\*\*)?\s*3\s*/\s*(?:µl|ul|μl|cumm|mm3|mcl)", "10^9/L"),
    (r"(?:x\s*)?10³\s*/\s*(?:µl|ul|μl|cumm|mm3)", "10^9/L"),
    (r"thou(?:sands?)?\s*/\s*(?:µl|ul|cumm|mm3)", "10^9/L"),
    (r"(?:x\s*)?10\s*(?:\^|\*\*)?\s*9\s*/\s*l", "10^9/L"),
    (r"(?:x\s*)?10\s*(?:\^|\*\*)?\s*6\s*/\s*(?:µl|ul|μl|cumm|mm3)", "10^12/L"),
    (r"(?:x\s*)?10⁶\s*/\s*(?:µl|ul|μl|cumm|mm3)", "10^12/L"),
    (r"(?:x\s*)?10\s*(?:\^|\*\*)?\s*12\s*/\s*l", "10^12/L"),
    (r"mill?(?:ions?)?\s*/\s*(?:cumm|cu\.?\s*mm|µl|ul|μl|mm3)", "10^12/L"),
    (r"(?:cells\s*)?/\s*(?:cumm|cu\.?\s*mm|µl|ul|μl|mm3|mcl)", "/µL"),
    (r"g(?:m|ms)?\s*/\s*dl|g%|gm%", "g/dL"),
    (r"g\s*/\s*l", "g/L"),
    (r"mg\s*/\s*dl|mg%", "mg/dL"),
    (r"mmol\s*/\s*l", "mmol/L"),
    (r"meq\s*/\s*l", "mmol/L"),
    (r"µmol\s*/\s*l|umol\s*/\s*l|μmol\s*/\s*l", "µmol/L"),
    (r"(?:µ|u|μ)iu\s*/\s*ml|miu\s*/\s*l", "µIU/mL"),
    (r"i?u\s*/\s*l", "U/L"),
    (r"u\s*/\s*ml|iu\s*/\s*ml", "U/mL"),
    (r"ng\s*/\s*ml", "ng/mL"),
    (r"ng\s*/\s*dl", "ng/dL"),
    (r"pg\s*/\s*ml", "pg/mL"),
    (r"(?:µ|u|μ|mc)g\s*/\s*dl", "µg/dL"),
    (r"mm\s*/\s*(?:hr|h|1st\s*hr|hour)", "mm/h"),
    (r"fl|cu\.?\s*µ|cu\s*micron", "fL"),
    (r"pg", "pg"),
    (r"%", "%"),
    (r"sec(?:onds?)?|s", "s"),
)
_UNIT_RE = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(f"(?:{p})" for p, _ in _UNIT_SPELLINGS) + r")(?![a-z])", re.I
)
_UNIT_ONE = [(re.compile(p + "$", re.I), u) for p, u in _UNIT_SPELLINGS]

# Multipliers to the analyte's normal unit, for units labs print other than ours.
_CONVERT: dict[tuple[str, str], float] = {
    ("lakh/µL", "10^9/L"): 100.0,
    ("/µL", "10^9/L"): 0.001,
    ("g/L", "g/dL"): 0.1,
    ("mmol/L", "mg/dL:Glucose"): 18.016,
    ("µmol/L", "mg/dL:Creatinine"): 1 / 88.42,
    ("mmol/L", "mg/dL:Calcium"): 4.008,
    ("mmol/L", "mg/dL:Urea"): 6.006,
}

_NUM = r"\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_VALUE_RE = re.compile(
    rf"(?P<cmp>[<>≤≥]=?|less than|more than|upto|up to)?\s*(?P<num>{_NUM})", re.I
)
_RANGE_RE = re.compile(
    rf"(?P<lo>{_NUM})\s*(?:-|–|—|to)\s*(?P<hi>{_NUM})"
    rf"|(?P<cmp><=?|>=?|≤|≥|less than|more than|up ?to|below|above)\s*(?P<one>{_NUM})",
    re.I,
)
_FLAG_RE = re.compile(r"(?<![a-z])(low|high|l|h|\*|↑|↓|critical)(?![a-z])", re.I)
_ALIAS_RE = re.compile(
    r"(?<![a-z0-9])(?P<alias>"
    + "|".join(
        re.escape(alias).replace(r"\ ", r"\s+")
        for alias in sorted({al for a in ANALYTES for al in a.aliases}, key=len, reverse=True)
    )
    + r")(?![a-z0-9])",
    re.I,
)
_ALIAS_TO_ANALYTE = {" ".join(al.split()): a for a in ANALYTES for al in a.aliases}
# Short aliases that are ordinary words or stray OCR letters must start the line to count.
_LINE_START_ONLY = {
    "hb",
    "ld",
    "na",
    "rbc",
    "wbc",
    "alt",
    "ast",
    "alp",
    "anc",
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
}


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _number(text: str) -> float:
    text = text.replace(",", "")
    return float(text)


def _unit_of(raw: str) -> str:
    cleaned = " ".join(raw.split())
    for pattern, unit in _UNIT_ONE:
        if pattern.match(cleaned):
            return unit
    return cleaned


def extract_labs(pages_or_text: Sequence[Page] | str) -> list[LabResult]:
    """Finds lab results in a text or in `reading.Page`s, one result per analyte and page."""
    if isinstance(pages_or_text, str):
        sources: Iterable[tuple[int | None, str]] = [(None, pages_or_text)]
    else:
        sources = [(page.number, page.text) for page in pages_or_text if not isinstance(page, str)]
    results: list[LabResult] = []
    for number, text in sources:
        seen: set[str] = set()
        for line in text.splitlines():
            result = parse_line(line)
            if result is not None and result.name not in seen:
                seen.add(result.name)
                result.page = number
                results.append(result)
    return results


def parse_line(line: str) -> LabResult | None:
    """Reads one table row or sentence such as 'Platelet Count  0.3  L  1.5 - 4.1  lakhs/cumm'."""
    match = _ALIAS_RE.search(line)
    if match is None or match.start() > 60:
        return None
    alias = " ".join(match.group("alias").lower().split())
    if alias in _LINE_START_ONLY and line[: match.start()].strip(" .:-•*\t"):
        return None
    analyte = _ALIAS_TO_ANALYTE[alias]
    rest = line[match.end() :]
    # Method or specimen notes in brackets ("(Calculated)", "(GOD-POD)", "(Serum)") are not results.
    rest = re.sub(r"\([^()\d]*\)|\[[^\]\d]*\]", " ", rest)
    rest = re.sub(
        r"^\s*(?:,?\s*(?:serum|plasma|blood|whole blood|edta|calculated|method\S*))*",
        " ",
        rest,
        flags=re.I,
    )
    value_match = _VALUE_RE.search(rest)
    if value_match is None:
        return None
    between = rest[: value_match.start()]
    # A label followed by words before any number is a heading or a sentence, not a result.
    if len(re.findall(r"[A-Za-z]{3,}", between)) > 2:
        return None
    try:
        value = _number(value_match.group("num"))
    except ValueError:
        return None
    comparator = _comparator(value_match.group("cmp"))
    tail = rest[value_match.end() :]
    # The range may sit before the unit or after it; the unit may also sit before the value.
    range_match = _RANGE_RE.search(tail)
    reference = range_match.group(0).strip() if range_match else ""
    tail_wo_range = (
        tail[: range_match.start()] + " " + tail[range_match.end() :] if range_match else tail
    )
    unit_match = _UNIT_RE.search(tail_wo_range) or _UNIT_RE.search(between)
    printed_unit = _unit_of(unit_match.group(0)) if unit_match else ""
    flag_text = _printed_flag(tail_wo_range, unit_match.group(0) if unit_match else "")
    return _build(
        analyte,
        value,
        comparator,
        printed_unit,
        reference,
        flag_text,
        printed=" ".join(
            part
            for part in (value_match.group(0).strip(), unit_match and unit_match.group(0))
            if part
        ),
    )


def _comparator(raw: str | None) -> str:
    if not raw:
        return ""
    raw = raw.lower()
    if raw.startswith(("<", "≤", "less", "up")):
        return "<"
    return ">"


def _printed_flag(tail: str, unit_text: str) -> str:
    if unit_text:
        tail = tail.replace(unit_text, " ", 1)
    match = _FLAG_RE.search(tail)
    return match.group(1).lower() if match else ""


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
    if flag_text in ("l", "low", "↓"):
        flag = "low"
    elif flag_text in ("h", "high", "↑"):
        flag = "high"
    elif bounds is not None and not comparator:
        # The printed range is in the printed unit, so compare before converting.
        lo, hi = bounds
        if lo is not None and value < lo:
            flag = "low"
        elif hi is not None and value > hi:
            flag = "high"
    if bounds is None:
        if analyte.low is not None or analyte.high is not None:
            source = "standard"
            reference = _format_range(analyte)
        if not comparator and flag == "none":
            if analyte.low is not None and normal_value < analyte.low:
                flag = "low"
            elif analyte.high is not None and normal_value > analyte.high:
                flag = "high"
    if flag_text == "*" and flag == "none" and bounds is not None:
        flag = "high" if bounds[1] is not None and value > bounds[1] else "low"
    # "< 0.5" may be far lower than 0.5 and "> 500" far higher, so only the open side can be
    # called critical.
    if not comparator and analyte.critical_low is not None and normal_value < analyte.critical_low:
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
    )


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


def _parse_range(text: str) -> tuple[float | None, float | None] | None:
    match = _RANGE_RE.search(text)
    if match is None:
        return None
    if match.group("lo") is not None:
        return _number(match.group("lo")), _number(match.group("hi"))
    bound = _number(match.group("one"))
    if _comparator(match.group("cmp")) == "<" or match.group("cmp").lower() == "below":
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
