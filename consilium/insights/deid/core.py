"""The public types and the merge of every detector's spans."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class KnownIdentity:
    """The patient's identity as registered; every field is optional."""

    names: tuple[str, ...] = ()
    date_of_birth: datetime.date | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    address_parts: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    text: str


# When spans of different types overlap, the merged span keeps the most specific type:
# a checksum-validated identifier says more than "a name-like word was here".
PRIORITY = {
    "AADHAAR": 0, "PAN": 0, "ABHA": 0, "EMAIL": 1, "PHONE": 2, "ID": 3, "DATE": 4,
    "NAME": 5, "PIN": 6, "ADDRESS": 7, "AGE": 8, "LOCATION": 9,
}


def merge(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Finding]:
    """Sorts spans and merges overlapping ones into single findings."""
    ordered = sorted(
        ((s, e, t) for s, e, t in spans if e > s), key=lambda x: (x[0], -x[1])
    )
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
    from consilium.insights.deid import fields, identifiers, known_identity, people, places

    spans: list[tuple[int, int, str]] = []
    spans += identifiers.find(text)
    spans += fields.find(text)
    spans += people.find(text)
    spans += places.find(text)
    if known is not None:
        spans += known_identity.find(text, known)
    spans += _repeat_elsewhere(text, spans)
    return merge(text, spans)


_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")


def _repeat_elsewhere(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A name or place found once through its context is masked wherever else it appears in
    the same text ("Dr. Lavely ordered ..." then "LAVELY AWARE"), unless it is an ordinary word."""
    from consilium.insights.deid.lexicon import is_word

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
