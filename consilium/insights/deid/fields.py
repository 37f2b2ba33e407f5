"""Labelled fields of report headers: the value after "Patient Name:", "UHID:", "Ref. By" ...

The value runs from the label to the end of the line or to the next label on the same line
("Name: Asha Verma    Age/Sex: 45 Y/F    UHID: KGH123"), so only the identifying part goes.
"""

from __future__ import annotations

import re

from consilium.insights.deid.lexicon import is_clinical, is_name, is_word

Span = tuple[int, int, str]

# label pattern -> finding type; longer labels first so "Patient Name" wins over "Name".
LABELS: tuple[tuple[str, str], ...] = (
    (r"patient'?s?\s+name|pt\.?\s+name|name\s+of\s+(?:the\s+)?patient|patient", "NAME"),
    (
        r"ref(?:erred)?\.?\s*by|referring\s+(?:doctor|physician|consultant)|ref\.?\s*(?:dr|doctor)|"
        r"consultant|treating\s+(?:doctor|physician)|doctor|physician",
        "NAME",
    ),
    (
        r"(?:father|husband|guardian|relative|mother|spouse|wife|son|daughter)'?s?\s+name|"
        r"next\s+of\s+kin|attendant|accompanied\s+by|informant|bystander|guardian|"
        r"husband|wife|spouse|father|mother|son|daughter|[sdwch]\s?/\s?o",
        "NAME",
    ),
    (r"name", "NAME"),
    # "UHID" as OCR often reads it: "UHIO", "UHlD", "UH1D".
    (
        r"uh[i1l|][d0o]|mrn|m\.r\.n\.?|mrd?\.?\s*no\.?|pid|patient\s+id|pt\.?\s+id|hospital\s+(?:no|number|id)|"
        r"reg(?:istration)?\.?\s*(?:no|number|id)\.?|lab\.?\s*(?:no|number|id)\.?|"
        r"ip\.?\s*(?:no|number)\.?|op\.?\s*(?:no|number)\.?|ipd\s*(?:no)?|opd\s*(?:no)?|"
        r"cr\.?\s*no\.?|sample\s+(?:no|id)|specimen\s+(?:no|id)|accession\s+(?:no|number)|"
        r"visit\s+(?:no|id)|bill\s+no|barcode|sid|abha(?:\s+(?:no|number|id|address))?|"
        r"aadhaa?r(?:\s+(?:no|number))?|pan(?:\s+(?:no|number))?|"
        r"(?:hpe|biopsy|block|slide|case)\s*(?:no|number|#)\.?|"
        r"uid(?:ai)?(?:\s+(?:no|number))?|passport(?:\s+(?:no|number))?|"
        r"policy(?:\s+(?:no|number))?|claim(?:\s+(?:no|number))?|"
        r"(?:member|employee|emp|beneficiary|customer|client|case|card)\.?\s+id",
        "ID",
    ),
    (
        r"(?:permanent\s+|residential\s+|postal\s+)?address|addr\.?|locality|village|city|"
        r"district",
        "ADDRESS",
    ),
    (
        r"mobile(?:\s+no\.?)?|mob\.?(?:\s+no\.?)?|phone(?:\s+no\.?)?|ph\.?\s*no\.?|"
        r"contact(?:\s+(?:no|number))?\.?|tel(?:ephone)?\.?|cell",
        "PHONE",
    ),
    (r"e-?mail(?:\s+id)?", "EMAIL"),
    (r"d\.?o\.?b\.?|date\s+of\s+birth|birth\s+date", "DATE"),
    # Hindi headers: patient's name, father's / husband's name, name; address; mobile, phone;
    # date of birth. Devanagari vowel signs are not \w, so these end at the separator.
    (r"रोगी\s+का\s+नाम|मरीज़?\s+का\s+नाम|पिता\s+का\s+नाम|पति\s+का\s+नाम|नाम", "NAME"),
    (r"पता", "ADDRESS"),
    (r"मोबाइल(?:\s+नं\.?)?|फ़?ोन(?:\s+नं\.?)?|संपर्क", "PHONE"),
    (r"जन्म\s+तिथि|जन्मतिथि", "DATE"),
)
# A name label on its own ("Name") must be followed by a colon, so table headers like
# "Test Name   Result   Units" are left alone; longer labels may use spaces only.
_SEPARATOR = r"\s*(?:[:\-=]|\.\s*:|\s{2,}|\t)\s*"
_STRICT_SEPARATOR = r"\s*[:=]\s*"
_ANY_LABEL = "|".join(pattern for pattern, _ in LABELS)
# A label starts a line or a cell, or follows a quote or bracket OCR put before it ("‘IPNo.").
_BEFORE = r"(?:^|(?<=[\t|;,(\[\"'‘’“”`])|(?<=\s))"
_NOT_AFTER = re.compile(r"(?i)(?:test|investigation|drug|brand|specimen|sample|unit|father)\s*$")
# "Sample Barcode", "Specimen No." are identifiers; "Test ID" heads a table column.
_NOT_AFTER_ID = re.compile(r"(?i)(?:test|investigation|drug|brand|unit)\s*$")
_OTHER_LABELS = (
    r"age|sex|gender|age\s*/\s*sex|date|(?:collected|received|reported|registered|printed|"
    r"sampled?)(?:\s+(?:on|at|date))?|ward|bed|department|dept|specimen|sample|report\s+date|"
    r"study(?:\s+date)?|presented\s+by|requested\s+by|(?:admitted|discharged|surgery)\s+on|"
    r"doa|dod|meeting\s+date|"
    r"उम्र|आयु|लिंग|दिनांक|तारीख"
)
NEXT_LABEL = re.compile(
    rf"(?i)(?:(?:\s{{2,}}|\t|\s*[|;]\s*)(?:{_ANY_LABEL}|{_OTHER_LABELS})\b"
    rf"|(?:\s+|\s*,\s*)(?:{_ANY_LABEL}|{_OTHER_LABELS})\s*[:=/])"
)
_LABEL_AT_START = re.compile(rf"(?i)(?:{_OTHER_LABELS})(?:\s*[:=]|\s+date\b|\s{{2,}}|$)")

# An identifier or phone value: one code, possibly in digit groups ("2345 6789 0124").
CODE = re.compile(r"\+?[A-Za-z0-9(][A-Za-z0-9/\-.()]*(?:[ ]?[0-9][0-9/\-.]*)*")

# What may sit between a label and its separator: the dot of an abbreviation ("IPD No."), a
# qualifier in brackets ("IP No. (SRH):") and the same label in another script after a slash
# ("Lab No. / क्रमांक :").
_LABEL_TAIL = (
    r"\.?(?:[ \t]*\([^()\n]{1,15}\))?"
    r"(?:[ \t]*/[ \t]*[^\x00-\x7F\n:/]{1,30}?(?=[ \t]*[:\t]|[ \t]{2}))?"
)
# Titles that open a name: after these a single space is separator enough ("Name Mr. X").
TITLES = (
    r"(?:mr|mrs|ms|miss|smt|shri|shrimati|sri|sh|kumari|km|master|baby|b/o|late|dr|prof)\b\.?"
    r"|श्रीमती|श्री|सुश्री|कुमारी|स्व\."
)
_TITLE_NEXT = rf"[ \t]+(?=(?i:{TITLES})|[\u0900-\u097F])"
_CAPS_NEXT = r"[ \t]+(?=[A-Z]{2,}(?:[ \t]+[A-Z]{2,})*[ \t]*(?:$|\s{2}|\t|\|))"
_RELATIONS = {
    r"(?:father|husband|guardian|relative|mother|spouse|wife|son|daughter)'?s?\s+name|"
    r"next\s+of\s+kin|attendant|accompanied\s+by|informant|bystander|guardian|"
    r"husband|wife|spouse|father|mother|son|daughter|[sdwch]\s?/\s?o",
}
_STRICT_LABELS = (
    "name",
    "patient",
    "doctor",
    "physician",
    "consultant",
    "city",
    "district",
    "village",
    "cell",
    "sid",
    "attendant",
)


# A code starts here: letters in groups, then a digit ("QRH/LB/25/40917", "PMX-20571").
_CODE_AHEAD = r"(?:[A-Za-z]{1,10}[-/]?){0,4}\d"


def _separator(pattern: str, kind: str) -> str:
    if kind == "ID":
        return rf"(?:{_SEPARATOR}|\s*#?\s*(?={_CODE_AHEAD}))"
    if pattern in _RELATIONS:
        # "Husband   Mr. X", "W/o : Y", "S/o Shri Z"; never "his wife - a smoker".
        return rf"(?:{_STRICT_SEPARATOR}|[ \t]{{2,}}|\t|{_TITLE_NEXT})"
    if pattern in _STRICT_LABELS:
        return rf"(?:{_STRICT_SEPARATOR}|{_TITLE_NEXT})" if kind == "NAME" else _STRICT_SEPARATOR
    if kind == "NAME":
        return rf"(?:{_SEPARATOR}|{_TITLE_NEXT}|{_CAPS_NEXT})"
    return _SEPARATOR


_COMPILED = [
    (
        re.compile(
            rf"(?im){_BEFORE}(?:{pattern}){_LABEL_TAIL}" + _separator(pattern, kind) + r"(?=\S)"
        ),
        kind,
    )
    for pattern, kind in LABELS
]

# Any other label for a number: "Policy No.", "MRD No.", "Emp. ID", "Booking ref:", "Case #".
# "no" in lower case needs its dot, so "there is no 2nd lesion" stays.
GENERIC_ID = re.compile(
    r"(?m)(?:^|(?<=[\s|(,;]))(?:[A-Za-z][A-Za-z.\-]{0,14}[ \t]+){0,2}"
    r"(?:[Nn]o\.|NO\b\.?|No\b|[Nn]umber|(?<=\s)I[Dd]\b|(?i:ref)\b\.?(?:[ \t]*[Nn]o\.?)?|#)"
    rf"{_LABEL_TAIL}(?:\s*[:=#]\s*|[ \t]+)(?={_CODE_AHEAD})"
)
_NOT_AN_ID = re.compile(
    r"(?i)^(?:\d+(?:\.\d+)?\s*(?:-|–|to)\s*\d+(?:\.\d+)?|\d+\.\d+|[<>]\s*\d.*|\d{1,2})$"
)
_NOT_ID_LABEL = re.compile(r"(?i)\b(?:range|interval|value|page|sr|s|sl|grade|stage|level)\.?\s*$")


def _plausible(kind: str, value: str) -> bool:
    """A header value is short; numbers hold digits; a name is a few words."""
    has_digit = any(c.isdigit() for c in value)
    if kind in ("ID", "PHONE", "DATE"):
        return has_digit and len(value) <= 40
    if kind == "NAME":
        return len(value) <= 60 and len(value.split()) <= 7 and _name_value(value)
    if kind == "EMAIL":
        return "@" in value
    return len(value) <= 150


# What a name field says when no one is named: "Ref. By : SELF".
NOT_A_NAME = frozenset(("self", "na", "n/a", "nil", "none", "walk in", "walk-in", "unknown"))
_TITLE_WORD = re.compile(rf"(?i)^(?:{TITLES})")


def _name_value(value: str) -> bool:
    """A name field holds a name: a title, a word in another script, or a capitalised word
    that is not an ordinary or clinical word ("Mother : Diabetic" is family history)."""
    if value.strip().lower() in NOT_A_NAME:
        return False
    if _TITLE_WORD.match(value) or not value[:1].isascii():
        return True
    first = re.match(r"[A-Za-z][A-Za-z']*", value)
    if first is None:
        return False
    word = first.group().lower()
    if len(word) == 1:
        return value[:1].isupper()  # an initial: "K. Natarajan"
    if is_clinical(word):
        return False
    # A dictionary word can be a name ("Parvati", "Rose"): it is one beside a known name.
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z']+", value)]
    return value[:1].isupper() and (not is_word(word) or any(is_name(w) for w in words))


# A name value ends at a cell gap, a bracket, a dash before more text, a comma or a colon.
_NAME_END = re.compile(r"\s{2,}|\t|\s*\(|\s+[–—-]\s|\s*[|;,:]|\s+/\s")


# Before a name: a token with no Latin letter (digits, glyphs, a colon), then the name.
_NAME_JUNK = re.compile(r"[^A-Za-z\s]{1,8}[ \t]+(?=[A-Za-z])")
_STRAY_GLYPH = re.compile(r"[^\x00-\x7F]{1,2}[ \t]+(?=[A-Za-z0-9(+])")
# What OCR leaves stuck to the front of a code: a quote, a '$' for an 'S', a '#' for a '+'.
_STUCK_GLYPH = re.compile(r"[‘’'\"“”`$#*]{1,2}(?=[A-Za-z0-9(])")
_BARCODE = re.compile(r"(?i)^bar\s?code")
# The number printed under a barcode, alone on its line: a code with digits, no spaces.
_UNDER_BARCODE = re.compile(r"[ \t]*(\S{4,24})[ \t]*$")


def find(text: str) -> list[Span]:
    spans: list[Span] = []
    for pattern, kind in _COMPILED:
        for match in pattern.finditer(text):
            not_after = _NOT_AFTER_ID if kind == "ID" else _NOT_AFTER
            if not_after.search(text[max(0, match.start() - 20) : match.start()]):
                continue
            start = match.end()
            if kind in ("ADDRESS", "NAME") and _LABEL_AT_START.match(text, start):
                continue  # the value's column was left empty: "Address   Study Date : ..."
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            following = NEXT_LABEL.search(text, start, line_end)
            end = following.start() if following else line_end
            lead = 0
            if kind == "NAME":
                # What OCR made of a title or a colon before the name ("157९0. KAMLA DEVI"
                # for "Smt. KAMLA DEVI"): part of the name's cell, so boxed with it.
                junk = _NAME_JUNK.match(text, start, end)
                lead = junk.end() - start if junk else 0
                cut = _NAME_END.search(text, start + lead, end)
                end = cut.start() if cut else end
            value = text[start:end].rstrip(" \t.,;|:-")
            closing_dot = text[start + len(value) : start + len(value) + 1] == "."
            if kind == "NAME" and closing_dot and re.search(r"(?:^|\s)[A-Z]$", value):
                value += "."  # "Mr. Noushad K."
            if kind in ("ID", "PHONE"):
                # OCR reading a page in English and Hindi at once puts a stray glyph for the
                # colon ("Sample No.  ४ 1106-..."): the code starts after it.
                stray = _STRAY_GLYPH.match(value) or _STUCK_GLYPH.match(value)
                if stray:
                    start += stray.end()
                    value = value[stray.end() :]
                if _BARCODE.match(match.group().lstrip()):
                    # The bars, as OCR reads them ("॥॥ Ul ll) wu ॥"), and the number under them.
                    spans += _barcode_spans(text, start, value)
                    continue
                code = CODE.match(value)
                value = code.group() if code else ""
            if value and _plausible(kind, value[lead:]):
                spans.append((start, start + len(value), kind))
    for match in GENERIC_ID.finditer(text):
        if _NOT_ID_LABEL.search(text[match.start() : match.end()].split(":")[0].rstrip(" #\t")):
            continue
        start = match.end()
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        code = CODE.match(text, start, line_end)
        if code is None:
            continue
        value = code.group().rstrip(".,;:-/)")
        if value.count("(") > value.count(")"):
            value = value.split("(")[0].rstrip()
        digits = sum(c.isdigit() for c in value)
        if digits >= 2 and len(value) <= 40 and not _NOT_AN_ID.match(value):
            spans.append((start, start + len(value), "ID"))
    return spans


def _barcode_spans(text: str, start: int, value: str) -> list[Span]:
    """A barcode encodes an identifier: its cell is one, whatever OCR made of the bars, and so
    is a code with digits alone on the next line (the number printed under the bars)."""
    spans: list[Span] = []
    value = value.strip()
    bars = any(c.isdigit() or not (c.isalpha() or c.isspace()) for c in value)
    if value and len(value) <= 40 and bars:
        spans.append((start, start + len(value), "ID"))  # not a next label: "Sample Type"
    line_end = text.find("\n", start)
    if line_end >= 0:
        next_end = text.find("\n", line_end + 1)
        next_end = len(text) if next_end < 0 else next_end
        below = _UNDER_BARCODE.match(text, line_end + 1, next_end)
        if below and sum(c.isdigit() for c in below.group(1)) >= 3:
            spans.append((below.start(1), below.end(1), "ID"))
    return spans
