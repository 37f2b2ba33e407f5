"""Labelled fields of report headers: the value after "Patient Name:", "UHID:", "Ref. By" ...

The value runs from the label to the end of the line or to the next label on the same line
("Name: Asha Verma    Age/Sex: 45 Y/F    UHID: KGH123"), so only the identifying part goes.
"""

from __future__ import annotations

import re

Span = tuple[int, int, str]

# label pattern -> finding type; longer labels first so "Patient Name" wins over "Name".
LABELS: tuple[tuple[str, str], ...] = (
    (r"patient'?s?\s+name|pt\.?\s+name|name\s+of\s+(?:the\s+)?patient|patient", "NAME"),
    (r"ref(?:erred)?\.?\s*by|referring\s+(?:doctor|physician|consultant)|ref\.?\s*(?:dr|doctor)|"
     r"consultant|treating\s+(?:doctor|physician)|doctor|physician", "NAME"),
    (r"father'?s?\s+name|husband'?s?\s+name|guardian'?s?\s+name|relative'?s?\s+name|"
     r"next\s+of\s+kin|attendant", "NAME"),
    (r"name", "NAME"),
    (r"uhid|mrn|m\.r\.n\.?|pid|patient\s+id|pt\.?\s+id|hospital\s+(?:no|number|id)|"
     r"reg(?:istration)?\.?\s*(?:no|number|id)\.?|lab\.?\s*(?:no|number|id)\.?|"
     r"ip\.?\s*(?:no|number)\.?|op\.?\s*(?:no|number)\.?|ipd\s*(?:no)?|opd\s*(?:no)?|"
     r"cr\.?\s*no\.?|sample\s+(?:no|id)|specimen\s+(?:no|id)|accession\s+(?:no|number)|"
     r"visit\s+(?:no|id)|bill\s+no|barcode|sid|abha(?:\s+(?:no|number|id|address))?|"
     r"aadhaa?r(?:\s+(?:no|number))?|pan(?:\s+(?:no|number))?|"
     r"(?:hpe|biopsy|block|slide|case)\s*(?:no|number|#)\.?", "ID"),
    (r"(?:permanent\s+|residential\s+|postal\s+)?address|addr\.?|locality|village|city|"
     r"district", "ADDRESS"),
    (r"mobile(?:\s+no\.?)?|mob\.?(?:\s+no\.?)?|phone(?:\s+no\.?)?|ph\.?\s*no\.?|"
     r"contact(?:\s+(?:no|number))?\.?|tel(?:ephone)?\.?|cell", "PHONE"),
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
_BEFORE = r"(?:^|(?<=[\t|;,(])|(?<=\s))"
_NOT_AFTER = re.compile(r"(?i)(?:test|investigation|drug|brand|specimen|sample|unit|father)\s*$")
_OTHER_LABELS = (
    r"age|sex|gender|age\s*/\s*sex|date|(?:collected|received|reported|registered|printed|"
    r"sampled?)(?:\s+(?:on|at|date))?|ward|bed|department|dept|specimen|sample|report\s+date|"
    r"उम्र|आयु|लिंग|दिनांक|तारीख"
)
NEXT_LABEL = re.compile(
    rf"(?i)(?:(?:\s{{2,}}|\t|\s*[|;]\s*)(?:{_ANY_LABEL}|{_OTHER_LABELS})\b"
    rf"|(?:\s+|\s*,\s*)(?:{_ANY_LABEL}|{_OTHER_LABELS})\s*[:=/])"
)

# An identifier or phone value: one code, possibly in digit groups ("2345 6789 0124").
CODE = re.compile(r"\+?[A-Za-z0-9(][A-Za-z0-9/\-.()]*(?:[ ]?[0-9][0-9/\-.]*)*")

_COMPILED = [
    (
        re.compile(
            rf"(?im){_BEFORE}(?:{pattern})"
            + (rf"(?:{_SEPARATOR}|\s*#?\s*(?=[A-Z]*-?\d))" if kind == "ID" else
               _STRICT_SEPARATOR if pattern in ("name", "patient", "doctor", "physician",
                                                "consultant", "city", "district", "village",
                                                "cell", "sid", "barcode", "attendant")
               else _SEPARATOR)
            + r"(?=\S)"
        ),
        kind,
    )
    for pattern, kind in LABELS
]


def _plausible(kind: str, value: str) -> bool:
    """A header value is short; numbers hold digits; a name is a few words."""
    has_digit = any(c.isdigit() for c in value)
    if kind in ("ID", "PHONE", "DATE"):
        return has_digit and len(value) <= 40
    if kind == "NAME":
        return len(value) <= 60 and len(value.split()) <= 7
    if kind == "EMAIL":
        return "@" in value
    return len(value) <= 150


def find(text: str) -> list[Span]:
    spans: list[Span] = []
    for pattern, kind in _COMPILED:
        for match in pattern.finditer(text):
            if _NOT_AFTER.search(text[max(0, match.start() - 20) : match.start()]):
                continue
            start = match.end()
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            following = NEXT_LABEL.search(text, start, line_end)
            end = following.start() if following else line_end
            value = text[start:end].rstrip(" \t.,;|:-")
            if kind in ("ID", "PHONE"):
                code = CODE.match(value)
                value = code.group() if code else ""
            if value and _plausible(kind, value):
                spans.append((start, start + len(value), kind))
    return spans
