"""Identifiers recognised by their shape: numbers with checksums, phones, emails, dates, ages."""

from __future__ import annotations

import re

Span = tuple[int, int, str]

# Verhoeff tables (dihedral group D5), used by UIDAI for the Aadhaar check digit.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_valid(digits: str) -> bool:
    """True when the last digit is the Verhoeff check digit of the others."""
    check = 0
    for i, char in enumerate(reversed(digits)):
        check = _D[check][_P[i % 8][int(char)]]
    return check == 0


def aadhaar_valid(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    return len(digits) == 12 and digits[0] not in "01" and verhoeff_valid(digits)


# The 4th character of a PAN says who holds it: Person, Company, HUF, Firm, AOP, Trust,
# BOI, Local authority, artificial Juridical person, Government.
PAN_HOLDER_TYPES = "PCHFATBLJG"
PAN = re.compile(rf"\b[A-Z]{{3}}[{PAN_HOLDER_TYPES}][A-Z]\d{{4}}[A-Z]\b")
AADHAAR = re.compile(r"(?<![\d-])[2-9]\d{3}([ -]?)\d{4}\1\d{4}(?![\d-])")
ABHA_NUMBER = re.compile(r"(?<![\d-])\d{2}([ -]?)\d{4}\1\d{4}\1\d{4}(?![\d-])")
ABHA_ADDRESS = re.compile(r"\b[\w.]{3,}@(?:abdm|sbx)\b", re.IGNORECASE)
EMAIL = re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)

_SEP = r"[ .\-]?"
INDIAN_MOBILE = re.compile(
    rf"(?<![\w+])(?:(?:\+|00)?91{_SEP}|0)?[6-9]\d{{4}}{_SEP}\d{{5}}(?![\d])"
    rf"|(?<![\w+])(?:(?:\+|00)?91{_SEP}|0)?[6-9]\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{4}}(?!\d)"
)
INDIAN_LANDLINE = re.compile(r"(?<![\w/])0\d{2,4}[ -]\d{6,8}(?!\d)")
US_PHONE = re.compile(
    r"(?<![\w/])(?:\+?1[ .\-]?)?(?:\(\d{3}\)\s?|\(?\d{3}[ .\-/]{1,2}|\(?[2-9]\d{2})"
    r"(?:\d{3}[ .\-/]{1,2}|\d{3})\d{4,5}\)?"
    r"(?:\s?(?:x|ext\.?)\s?\d{2,5})?(?![\d/])"
)
PAGER = re.compile(
    r"\b(?:pager|beeper|pg|bpr|ext|extension|cell|tel|ph|phone)\b\.?\s*(?:no\.?|number)?"
    r"\s*[#:]?\s*[:#]?\s*(\d[\d-]{3,6}\d)(?!\d)",
    re.IGNORECASE,
)
PIN_LABELLED = re.compile(
    r"\b(?:pin|pincode|pin\s*code|postal\s*code|zip)\b\.?\s*[:\-]?\s*([1-9]\d{2}\s?\d{3})(?!\d)",
    re.IGNORECASE,
)
# Six digits closing an address line ("..., Lucknow - 226001") count as a PIN only next to
# words that addresses use, so lab values such as a platelet count of 250000 stay.
ADDRESS_WORDS = (
    r"road|rd|street|st|marg|nagar|colony|sector|lane|gali|mohalla|village|vill|post|po|"
    r"tehsil|district|dist|taluk|taluka|block|phase|apartment|apartments|apt|flat|house|"
    r"near|opp|opposite|behind|chowk|bazar|bazaar|city|town|pur|puram|abad|layout|cross|main|"
    r"extension|enclave|vihar|bagh|ganj|garh|pet|halli|wadi|society|complex|tower|floor|plot"
)
PIN_IN_ADDRESS = re.compile(
    rf"(?i:\b(?:{ADDRESS_WORDS})\b)[^\n]{{0,60}}?[,\-–]\s*([1-9]\d{{2}}\s?\d{{3}})(?![\d.])"
)

# An Aadhaar number beside its label is one even when its check digit fails (a typing slip on
# the report still identifies the patient): "Aadhaar No. 5730 2164 9081", "UID: ...".
AADHAAR_LABELLED = re.compile(
    r"(?i)\b(?:aadhaa?r|aadhar|uid(?:ai)?)\b[^\d\n]{0,40}?(?:\n[^\d\n]{0,12}?)?"
    r"(?<!\d)(\d{4}([ -]?)\d{4}\2\d{4})(?![\d-])"
)
# Reference numbers of hospitals and labs by their shape: letter groups and digit groups
# joined by slashes or hyphens ("QRH/LB/25/40917", "SP-25-7301", "H-3302/25",
# "2025/HP/0316"), with a group of four digits or more, so
# "HPV-16/18", "CA-125", "PD-L1", "Ki-67" and "COVID-19" stay (see _shaped).
SHAPED_ID = re.compile(
    r"(?<![\w/.\-])(?:[A-Z]{1,6}[/\-](?:[A-Z0-9]{1,8}[/\-]){0,4}\d{2,8}"
    r"|\d{2,5}[/\-][A-Z]{2,5}[/\-]\d{2,6})(?:[/\-][A-Z0-9]{1,8})*(?![\w/\-])"
)
_YEAR_ONLY = re.compile(r"^[A-Z]+[/\-](?:19|20)\d\d$")
# A code alone on its line, as a barcode's digits are printed under it ("KLD4417260").
# "IP 2096/25", "OPD 2291/24": an admission or outpatient number after its bare abbreviation.
BARE_IP = re.compile(r"\b(?:IP|OP|IPD|OPD)[ \t]+(\d{2,6}/\d{2,4})(?![\d/])")
LONE_CODE = re.compile(r"(?m)^[ \t]*((?=[A-Z0-9]*\d)[A-Z0-9]{6,20})[ \t]*$")

# Phones written the international way ("+971 55 204 7719", "00 44 7700 900418",
# "+1 (416) 555-0142"), Indian landlines with their STD code ("(0422) 257 1234",
# "08254-230 118", "0 22 2345 6789") and mobiles grouped 4-3-3 ("9871 402 316").
INTERNATIONAL_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00[ ]?)[1-9]\d{0,2}[ .\-]?(?:\(\d{1,4}\)[ .\-]?)?\d{1,5}"
    r"(?:[ .\-]\d{2,5}){1,4}(?![\d/])"
)
STD_LANDLINE = re.compile(
    r"(?<![\w/.\-])(?:\(0\d{2,4}\)|0[ ]?\d{2,4})[ \-]?\d{2,4}[ \-]?\d{3,4}(?![\d/.])"
)
# The first half of a mobile number with its country code closing a line ("Mobile  +91 90110"
# over "73458"): a column too narrow for the number, or OCR splitting the cell.
MOBILE_START = re.compile(r"(?m)(?<![\w+])\+91[ .\-]?[6-9]\d{4}(?=[ \t:;,]*$)")
MOBILE_433 = re.compile(r"(?<![\w+/.])[6-9]\d{3}[ \-]\d{3}[ \-]\d{3}(?![\d/])")
TOLL_FREE = re.compile(r"(?<![\w/.])1[ \-]?800[ \-]?\d{3}[ \-]?\d{3,4}(?![\d/])")
# Ages over 89 (HIPAA's rule): "who is 92", "aged 94", "Age: 92 Y", "turns 93", "94 F".
OLD_AGE_CONTEXT = re.compile(
    r"(?i)(?:\b(?:aged?|age\s*[:=]|turns|turned|turning)\s*|"
    r"\b(?:is|at)\s+(?=\d+\s+(?:and|she|he|is|will|now|years?|yrs?|saal)\b)|,\s*(?=\d+\s*[MF]\b))"
    r"(9\d|1[01]\d)(?![\d.%/]|\s*(?:mg|mcg|ml|kg|g|%|mmhg|bpm|min|cm|mm|units?|x)\b)"
)


def _digits(value: str) -> int:
    return sum(c.isdigit() for c in value)


def _shaped(value: str) -> bool:
    groups = re.findall(r"\d+", value)
    longest = max(len(g) for g in groups)
    # Ventilator settings and vitals ranges have short groups ("AC/700/12/60", "HR-110-133"),
    # and a volume given has one ("PRBC/1500").
    return (longest >= 5 or (longest >= 4 and len(groups) >= 2)) and not _YEAR_ONLY.match(value)


MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19\d\d|20\d\d|\d\d)"
DATE_PATTERNS = [
    # 2024-03-12, 12/03/2024, 12-03-24, 12.03.2024, 3/12/91
    re.compile(rf"(?<![\d/.\-])(?:19|20)\d\d[-/.]{_MONTH}[-/.]{_DAY}(?![\d/])"),
    re.compile(rf"(?<![\w/.\-]){_DAY}([-/.]){_DAY}\1{_YEAR}(?![\d/%]|\.\d)"),
    # 12 March 2024, 12th Mar, 12-Mar-2024
    re.compile(
        rf"(?<![\w]){_DAY}(?:st|nd|rd|th)?[\s\-/.]*(?i:{MONTHS})\b\.?(?:[\s\-/,.]*{_YEAR}\b)?"
    ),
    # March 12, 2024; Mar 12th; March 2024
    re.compile(rf"\b(?i:{MONTHS})\b\.?[\s\-/]*{_DAY}(?:st|nd|rd|th)?\b(?:,?\s*{_YEAR}\b)?"),
    re.compile(rf"\b(?i:{MONTHS})\b\.?,?\s*'?(?:19|20)\d\d\b"),
    # Whole month names written out (capitalised, since "may" and "march" are also words).
    re.compile(
        r"\b(?:January|February|March|April|June|July|August|September|October|November|"
        r"December)\b"
    ),
]
# 10/12 in nursing notes is a date; 120/80, 5/10 pain, 3/6 murmur and 4/5 strength are not.
SHORT_DATE = re.compile(
    rf"(?<![\w/.]){_MONTH}/(?:{_DAY}|[4-9]\d)(?![\w/%]|\.\d)"  # 10/12, and month/year 8/87
)
# Ventilator settings (PSV 10/5), pain scores (CP 3/10) and bottle counts nearby: not dates.
NEAR_NOT_DATE = re.compile(r"(?i)\b(?:psv?|cpap|bipap|peep|settings|flowby|fio2|imv|simv|prvc)\b|%")
NOT_DATE_BEFORE = re.compile(
    r"(?i:\b(?:bp|pain|murmur|strength|grade|score|allred|hscore|gleason|tps|cps|gcs|scale|"
    r"ratio|x|abp|nbp|art|cvp|pap|rating|level|sbp|dbp|map|ps|peep|vs|vt|ie|i:e|sats?|o2|inr|"
    r"cmh2o|ns|flow|pressure|mm|mmhg|motor|power|apgar|ecog|rass|cam|rate|dose|heart|breath|"
    r"lungs?|rhythm|upper|lower|left|right|mental|pupils?|perrla|ett|ventilation|psv|cpap|bipap|"
    r"simv|imv|prvc|nodes?|cores?|positive|negative|cp|mae|grips?|equal|ue|le|bue|ble|x4)"
    r"[ \t:=]{0,3}$)"
)
NOT_DATE_AFTER = re.compile(
    r"^\s?(?i:bottles?|sets?|peep|fio2|ps|nodes?|lymph|involved|cores?|fields?|hpf|strength|"
    r"murmur|pain|ns|normal|scale|str|units?|mg|mcg|ml|cc|l|%|power|grade|sem|hsm|systolic|"
    r"holosystolic|score|of|nts|lungs?|ratio|mmhg|ttp|tenderness)\b"
)
YEAR = re.compile(r"(?<![\w/.\-])(?:19[5-9]\d|20[0-4]\d)(?![\w/%]|\.\d)")
NOT_YEAR_AFTER = re.compile(
    r"^\s?(?i:mg|mcg|ml|cc|cal|kcal|units?|u|g|gm|hrs?|hours?|h|am|pm|min|k|x|%|ft|lbs?|"
    r"kg|calories|cal/day|ml/hr|hrs\b)"
)
NOT_YEAR_BEFORE = re.compile(
    r"(?i:(?:at|@|~|by|until|till|from|to|since|after|before|x|=|\+|-|/|"
    r"bolus|total|intake|output|i&o|uo|u/o|ivf|in|out|neg|pos|net|balance|ebl|dose|wbc|"
    r"plt|platelets?|glucose|bs|fs|ck|cpk|ldh|amylase|lipase|vol|volume|tv|ml)\W{0,2}$)"
)
TWO_DIGIT_YEAR = re.compile(
    r"(?i)\b(?:in|since|s/p|dx|dx'd|diagnosed|year|yr|circa|c\.)\s+'?(\d\d)(?![\w/%.'])"
)
APOSTROPHE_YEAR = re.compile(r"(?<![\w'])'(\d\d)(?![\w'])|(?<![\w'.])(\d\d)'(?![\w'])")
# Two-digit years in a history: "MI 92", "CABG 81, redo CABG 84".
EVENT_YEAR = re.compile(
    r"(?i)\b(?:mi|ami|nqwmi|imi|cabg|cva|ptca|pci|avr|mvr|tia|dvt|pe|stent|surgery|fx|dx|"
    r"cholecystectomy|appy|appendectomy|hysterectomy|mastectomy|lumpectomy|ca|cancer|"
    r"resection|repair|replacement|bypass|ablation|pacer|ppm|aicd|icd|diagnosed|"
    r"in|since)\s*'?(\d\d)(?=\s*[,;.)]|\s*$|\s+(?:and|with|w|s/p|c/b)\b)",
    re.MULTILINE,
)
DECADE = re.compile(r"(?i)\b(?:19|20)?\d0'?s\b")
ORDINAL_DAY = re.compile(r"(?i)\b(?:the|of)\s+((?:[12]?\d|3[01])(?:st|nd|rd|th))\b")
MONTH_WORD = re.compile(
    rf"(?i)\b(?:in|since|during|early|late|mid|of|last|next|this|until|till|by)\s+"
    rf"((?:{MONTHS})\b\.?)"
)
OLD_AGE = re.compile(
    r"(?i)\b(?:9\d|1[0-2]\d)(?=\s*(?:-|\s)?(?:yo|y/o|y\.o\.|yr|yrs|year|years|yoM|yoF)\b)"
)


def _date_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for pattern in DATE_PATTERNS:
        spans += [(m.start(), m.end(), "DATE") for m in pattern.finditer(text)]
    for match in SHORT_DATE.finditer(text):
        before = text[max(0, match.start() - 12) : match.start()]
        if re.search(r"[=+]\s*$", before):
            continue
        after = text[match.end() : match.end() + 14]
        if NOT_DATE_BEFORE.search(before) or NOT_DATE_AFTER.match(after):
            continue
        if NEAR_NOT_DATE.search(text[max(0, match.start() - 14) : match.start()]):
            continue
        if match.group() in ("1/2", "1/3", "2/3", "1/4", "3/4"):
            continue  # fractions: "rales up 1/3", "1/2 NS"
        spans.append((match.start(), match.end(), "DATE"))
    for match in YEAR.finditer(text):
        before = text[max(0, match.start() - 12) : match.start()]
        after = text[match.end() : match.end() + 10]
        if NOT_YEAR_AFTER.match(after):
            continue
        if NOT_YEAR_BEFORE.search(before) and not re.search(r"(?i)\b(in|since)\W*$", before):
            continue
        spans.append((match.start(), match.end(), "DATE"))
    for pattern in (TWO_DIGIT_YEAR, EVENT_YEAR, ORDINAL_DAY, MONTH_WORD):
        spans += [(m.start(1), m.end(1), "DATE") for m in pattern.finditer(text)]
    for match in APOSTROPHE_YEAR.finditer(text):
        group = 1 if match.group(1) else 2
        spans.append((match.start(group), match.end(group), "DATE"))
    for match in DECADE.finditer(text):
        if match.group()[:2] in ("19", "20") and len(match.group()) >= 5:
            spans.append((match.start(), match.end(), "DATE"))
    return spans


def find(text: str) -> list[Span]:
    """Spans of identifiers recognisable by their shape alone."""
    spans: list[Span] = []
    spans += [(m.start(), m.end(), "EMAIL") for m in EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), "ABHA") for m in ABHA_ADDRESS.finditer(text)]
    spans += [(m.start(), m.end(), "ID") for m in URL.finditer(text)]
    spans += [(m.start(), m.end(), "PAN") for m in PAN.finditer(text)]
    spans += [
        (m.start(), m.end(), "AADHAAR") for m in AADHAAR.finditer(text) if aadhaar_valid(m.group())
    ]
    spans += [(m.start(), m.end(), "ABHA") for m in ABHA_NUMBER.finditer(text)]
    spans += [(m.start(1), m.end(1), "AADHAAR") for m in AADHAAR_LABELLED.finditer(text)]
    spans += [(m.start(), m.end(), "ID") for m in SHAPED_ID.finditer(text) if _shaped(m.group())]
    spans += [(m.start(1), m.end(1), "ID") for m in BARE_IP.finditer(text)]
    spans += [
        (m.start(1), m.end(1), "ID")
        for m in LONE_CODE.finditer(text)
        if _digits(m.group(1)) >= 4 and (not m.group(1).isdigit() or len(m.group(1)) >= 9)
    ]
    for pattern in (INDIAN_MOBILE, INDIAN_LANDLINE, US_PHONE, MOBILE_433, TOLL_FREE, MOBILE_START):
        spans += [(m.start(), m.end(), "PHONE") for m in pattern.finditer(text)]
    for pattern in (INTERNATIONAL_PHONE, STD_LANDLINE):
        spans += [
            (m.start(), m.end(), "PHONE")
            for m in pattern.finditer(text)
            if 8 <= _digits(m.group()) <= 15
        ]
    spans += [(m.start(1), m.end(1), "AGE") for m in OLD_AGE_CONTEXT.finditer(text)]
    spans += [(m.start(1), m.end(1), "PHONE") for m in PAGER.finditer(text)]
    spans += [(m.start(1), m.end(1), "PIN") for m in PIN_LABELLED.finditer(text)]
    spans += [(m.start(1), m.end(1), "PIN") for m in PIN_IN_ADDRESS.finditer(text)]
    spans += _date_spans(text)
    spans += [(m.start(), m.end(), "AGE") for m in OLD_AGE.finditer(text)]
    return spans
