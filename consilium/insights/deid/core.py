"""The merge of every detector's spans (the public types are in `findings`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from consilium.insights.deid import (
    addresses,
    fields,
    identifiers,
    known_identity,
    people,
    places,
)
from consilium.insights.deid.findings import Finding, KnownIdentity
from consilium.insights.deid.lexicon import is_clinical, is_word

# When spans of different types overlap, the merged span keeps the most specific type:
# a checksum-validated identifier says more than "a name-like word was here".
PRIORITY = {
    "AADHAAR": 0,
    "PAN": 0,
    "ABHA": 0,
    "EMAIL": 1,
    "PHONE": 2,
    "ID": 3,
    "DATE": 4,
    "NAME": 5,
    "PIN": 6,
    "ADDRESS": 7,
    "AGE": 8,
    "LOCATION": 9,
}


def merge(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Finding]:
    """Sorts spans and merges overlapping ones into single findings."""
    ordered = sorted(((s, e, t) for s, e, t in spans if e > s), key=lambda x: (x[0], -x[1]))
    # Each merged group keeps the type of its longest part (a labelled "Address" value
    # rather than a name found inside it), ties going to the more specific type.
    groups: list[list[tuple[int, int, str]]] = []
    group_end = -1
    for span in ordered:
        # Date ranges and hyphenated names stay one finding: "6/30-7/2", "Retterer-Moore".
        joined = groups and text[group_end : span[0]] == "-" and span[2] == groups[-1][-1][2]
        if groups and (span[0] < group_end or (joined and span[2] in ("DATE", "NAME"))):
            groups[-1].append(span)
            group_end = max(group_end, span[1])
        else:
            groups.append([span])
            group_end = span[1]
    findings = []
    for group in groups:
        start = group[0][0]
        end = max(e for _, e, _ in group)
        kind = min(group, key=lambda x: (x[0] - x[1], PRIORITY.get(x[2], 99)))[2]
        findings.append(Finding(type=kind, start=start, end=end, text=text[start:end]))
    return findings


def detect(text: str, *, known: KnownIdentity | None = None) -> list[Finding]:
    """Finds identifiers in text: sorted, non-overlapping findings."""
    spans: list[tuple[int, int, str]] = []
    spans += identifiers.find(text)
    spans += fields.find(text)
    spans += people.find(text)
    spans += places.find(text)
    spans += addresses.find(text)
    if known is not None:
        spans += known_identity.find(text, known)
    spans += _repeat_elsewhere(text, spans)
    spans += _devanagari_titled(text)
    return _with_titles(text, merge(text, _with_transliterations(text, spans)))


# A title that is part of how a person is written ("Mrs. Kamla Rani", "Late Sh. Mohan Lal",
# "श्रीमती कमला रानी") goes with the name: a box that leaves "Mrs." visible shows where the
# name was and whom it names. A doctor's title stays: it says who is speaking, not who.
_TITLE_BEFORE = re.compile(
    r"(?:(?i:\blate|\blt\.?|स्व\.?)[ \t]+)?"
    r"(?:(?i:\b(?:mr|mrs|ms|miss|mister|smt|shri|shrimati|sri|sh|kumari|km|master|baby|b/o))"
    r"\.?|श्रीमती|श्री|सुश्री|कुमारी|स्व\.)[ \t]*$"
)
_DEVANAGARI_TITLED = re.compile(
    r"(?:स्व\.?\s*)?(?:श्रीमती|श्री|सुश्री|कुमारी|सुश्री)\s*"
    r"((?:[\u0900-\u097F]+)(?:[ ][\u0900-\u097F]+){0,3})"
)


def _devanagari_titled(text: str) -> list[tuple[int, int, str]]:
    """Names in Devanagari after a Hindi title (Shri, Shrimati, Kumari)."""
    return [
        (m.start(1), m.end(1), "NAME")
        for m in _DEVANAGARI_TITLED.finditer(text)
        if not any(word in m.group(1) for word in _DEVANAGARI_BUSINESS)
    ]


# "श्री साईं पैथोलॉजी" is a laboratory named for a saint, not a person: pathology, diagnostics,
# lab, hospital, clinic, centre.
_DEVANAGARI_BUSINESS = (
    "पैथोलॉजी",
    "डायग्नो",
    "लैब",
    "अस्पताल",
    "हॉस्पिटल",
    "क्लिनिक",
    "चिकित्सालय",
    "केंद्र",
    "सेंटर",
    "मेडिकल",
)


def _with_titles(text: str, findings: list[Finding]) -> list[Finding]:
    result: list[Finding] = []
    for finding in findings:
        if finding.type == "NAME":
            line_start = text.rfind("\n", 0, finding.start) + 1
            previous_end = result[-1].end if result else 0
            title = _TITLE_BEFORE.search(text, max(line_start, previous_end), finding.start)
            if title:
                start = title.start()
                finding = Finding("NAME", start, finding.end, text[start : finding.end])
        result.append(finding)
    return result


# The same name in another script right after it: "श्री बलदेव (Baldev)",
# "श्री हरिओम वर्मा / HARIOM VERMA".
_TRANSLITERATION = re.compile(
    r"[ \t]*(?:\(|/)[ \t]*((?:[A-Z][A-Za-z'.]*)(?:[ \t]+[A-Z][A-Za-z'.]*){0,4})[ \t]*"
    r"(?:\)|(?=\s{2,}|\t|$))",
    re.MULTILINE,
)


def _with_transliterations(
    text: str, spans: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    added: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if kind != "NAME" or text[start:end].isascii():
            continue
        match = _TRANSLITERATION.match(text, end)
        if match is None:
            continue
        words = re.findall(r"[A-Za-z']+", match.group(1))
        relations = ("wife", "husband", "son", "daughter", "father", "mother")
        if (
            words
            and not any(is_clinical(w) or w.lower() in relations for w in words)
            and not all(
                is_word(w) and w.lower() not in ("mr", "mrs", "smt", "shri", "late", "sh")
                for w in words
            )
        ):
            added.append((match.start(1), match.end(1), "NAME"))
    return spans + added


_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")


def _repeat_elsewhere(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A name or place found once through its context is masked wherever else it appears in
    the same text ("Dr. Lavely ordered ..." then "LAVELY AWARE"), unless it is an ordinary word."""
    kinds: dict[str, str] = {}
    for start, end, kind in spans:
        if kind in ("NAME", "LOCATION"):
            words = _WORD.findall(text, start, end)
            for word in words:
                lower = word.lower().removesuffix("'s")
                if not is_word(lower):
                    kinds.setdefault(lower, kind)
            if len(words) > 1:  # "Holy Cross", "Mary Hulse": the whole phrase
                kinds.setdefault(" ".join(w.lower() for w in words), kind)
    if not kinds:
        return []
    pattern = re.compile(
        r"(?i)\b("
        + "|".join(
            re.escape(w).replace(r"\ ", r"\s+") for w in sorted(kinds, key=len, reverse=True)
        )
        + r")\b"
    )
    return [
        (m.start(), m.end(), kinds[" ".join(m.group().lower().split())])
        for m in pattern.finditer(text)
    ]


def redact(text: str, findings: list[Finding]) -> str:
    """Replaces each finding's characters by a marker naming its type, e.g. "[NAME]"."""
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:
            continue
        parts.append(text[position : finding.start])
        parts.append(f"[{finding.type}]")
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)
