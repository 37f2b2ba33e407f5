"""The registered identity of the patient, found in any of its common spellings:
name parts in any order or case and with initials, dates of birth in any common format,
phones with any spacing or +91/0 prefix, identifiers with or without separators."""

from __future__ import annotations

import re

from consilium.insights.deid.findings import KnownIdentity
from consilium.insights.deid.lexicon import is_clinical, is_word

Span = tuple[int, int, str]

# A letter of any script, with the vowel signs of Indian scripts that \w does not cover.
_LETTER = r"[\w\u0900-\u0DFF]"
HONORIFICS = frozenset(
    ("mr", "mrs", "ms", "miss", "dr", "smt", "shri", "sri", "kumari", "master", "baby", "prof")
)
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _flexible(value: str, separators: str = r"[\s\-./,()]*") -> str:
    """A pattern matching value's letters and digits with any separators between them."""
    chars = [re.escape(c) for c in value if c.isalnum()]
    return separators.join(chars)


def _name_spans(text: str, names: tuple[str, ...]) -> list[Span]:
    spans: list[Span] = []
    parts: set[str] = set()
    initials: set[str] = set()
    for name in names:
        for part in re.split(r"[\s,.;:()\-/]+", name):
            if not part or part.lower() in HONORIFICS:
                continue
            initials.add(part[0].upper())
            if len(part) >= 2:
                parts.add(part)
    for part in sorted(parts, key=len, reverse=True):
        for match in re.finditer(rf"(?i)(?<!{_LETTER}){re.escape(part)}(?!{_LETTER})", text):
            spans.append((match.start(), match.end(), "NAME"))
    # Initials alone, in order: "A.V." for Asha Verma.
    for name in names:
        letters_in_order = [
            p[0] for p in re.split(r"[\s,.;:()\-/]+", name) if p and p.lower() not in HONORIFICS
        ]
        if len(letters_in_order) >= 2:
            pattern = r"\.\s?".join(re.escape(c) for c in letters_in_order) + r"\."
            for match in re.finditer(rf"(?<!\w){pattern}", text):
                spans.append((match.start(), match.end(), "NAME"))
    if not spans or not initials:
        return spans
    # An initial written next to a found name part: "A. Verma", "Asha V.", "VERMA A".
    # Typed names reach a pattern: each initial is escaped, as one alternative, not a class
    # member ("]" or "\\" would end or break a class).
    letters = "|".join(re.escape(c) for c in sorted(initials))
    initial = rf"(?<!\w)(?:{letters})(?:\.|(?!\w))"
    for start, end, _ in list(spans):
        window = text[max(0, start - 4) : start]
        before = re.search(rf"({initial})\s*$", window)
        if before:
            offset = start - len(window)
            spans.append((offset + before.start(1), offset + before.end(1), "NAME"))
        after = re.match(rf"\s*{initial}", text[end : end + 4])
        if after:
            spans.append((end, end + after.end(), "NAME"))
    return spans


def _within_one_edit(a: str, b: str, limit: int) -> bool:
    """True when a and b differ by at most `limit` insertions, deletions or substitutions."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _misread_name_spans(text: str, names: tuple[str, ...]) -> list[Span]:
    """A registered name part as OCR misreads it: one letter off for five letters or more, two
    for nine or more ("VERMA" read as "VERNA"). Ordinary and clinical words are never taken."""
    parts = {
        part.lower()
        for name in names
        for part in re.split(r"[\s,.;:()\-/]+", name)
        if len(part) >= 5 and part.isalpha()
    }
    if not parts:
        return []
    spans: list[Span] = []
    for match in re.finditer(r"(?<![\w])[A-Za-z][A-Za-z0-9]{3,}(?![\w])", text):
        word = match.group().lower()
        if word in parts or is_word(word) or is_clinical(word):
            continue
        for part in parts:
            if _within_one_edit(word, part, 2 if len(part) >= 9 else 1):
                spans.append((match.start(), match.end(), "NAME"))
                break
    return spans


def _dob_spans(text: str, known: KnownIdentity) -> list[Span]:
    dob = known.date_of_birth
    if dob is None:
        return []
    d, m, y = dob.day, dob.month, dob.year
    yy = f"{y % 100:02d}"
    month = MONTH_NAMES[m - 1]
    sep = r"\s*[\-/.]\s*"
    day = rf"0?{d}"
    mon = rf"0?{m}"
    year = rf"(?:{y}|{yy})"
    month_word = rf"(?:{month}|{month[:3]})\.?"
    patterns = [
        rf"{day}{sep}{mon}{sep}{year}",
        rf"{mon}{sep}{day}{sep}{year}",
        rf"{y}{sep}{mon}{sep}{day}",
        rf"{day}(?:st|nd|rd|th)?[\s\-/.,]*(?:of\s+)?{month_word}[\s\-/.,]*{year}",
        rf"{month_word}[\s\-/.,]*{day}(?:st|nd|rd|th)?[\s\-/.,]*{year}",
        rf"{d:02d}{m:02d}{y}",
        rf"{y}{m:02d}{d:02d}",
    ]
    spans: list[Span] = []
    for pattern in patterns:
        for match in re.finditer(rf"(?i)(?<![\w/]){pattern}(?![\w/])", text):
            spans.append((match.start(), match.end(), "DATE"))
    return spans


def find(text: str, known: KnownIdentity) -> list[Span]:
    spans = _name_spans(text, known.names)
    spans += _misread_name_spans(text, known.names)
    spans += _dob_spans(text, known)
    for phone in known.phones:
        digits = re.sub(r"\D", "", phone)
        local = digits[-10:] if len(digits) >= 10 else digits
        if len(local) < 6:
            continue
        pattern = rf"(?<!\d)(?:(?:\+|00)?\s*91[\s\-.]*|0)?\(?{_flexible(local)}(?!\d)"
        spans += [(m.start(), m.end(), "PHONE") for m in re.finditer(pattern, text)]
    for email in known.emails:
        spans += [
            (m.start(), m.end(), "EMAIL")
            for m in re.finditer(re.escape(email.strip()), text, re.IGNORECASE)
        ]
    for part in known.address_parts:
        if len(part.strip()) < 3:
            continue
        pattern = r"(?<!\w)" + _flexible(part, r"[\s\-.,/#()]*") + r"(?!\w)"
        spans += [
            (m.start(), m.end(), "ADDRESS") for m in re.finditer(pattern, text, re.IGNORECASE)
        ]
    for identifier in known.identifiers:
        if sum(c.isalnum() for c in identifier) < 4:
            continue
        pattern = r"(?<!\w)" + _flexible(identifier, r"[\s\-./]*") + r"(?!\w)"
        spans += [(m.start(), m.end(), "ID") for m in re.finditer(pattern, text, re.IGNORECASE)]
    return spans
