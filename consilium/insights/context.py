"""What a mention in a report asserts, read the ConText way (Harkema et al., J Biomed Inform
2009;42:839-51).

A trigger term ("not done", "is recommended", "previous", "mother") modifies the mentions in its
scope: forward from the trigger, backward to it, or both, up to the end of the sentence or the
first terminator ("but", "as", ";", a new table row). A stated result ("detected", "positive",
"40%") also ends the scope of a not-tested, planned or historical trigger, so "EGFR exon 19
deletion detected and ALK not tested" leaves EGFR stated. Pseudo-triggers ("if not already done",
"suggestive of", "prior to") look like triggers and are not. Headings add what medspaCy's
sectionizer adds: a result quoted under "Clinical history" is historical, one under "Family history"
a relative's, and a panel's list of genes, its method and its limitations state no result at all.

medspaCy implements the same method but needs numpy < 2 here; the rules below are the part we use.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Literal

Category = Literal[
    "negated",  # the finding is absent ("no evidence of carcinoma")
    "not_tested",  # the test was not done, failed or could not be read
    "recommended",  # the test is recommended, requested, planned or pending
    "historical",  # a result from an earlier report the page refers to
    "family",  # about a relative
    "hypothetical",  # the purpose of a test or a question ("to exclude", "? primary")
    "generic",  # what a test covers or can detect, not what it found
]
Direction = Literal["forward", "backward", "both"]

# Categories whose backward (and forward) scope stops at a stated result.
_STOPPED_BY_RESULTS = frozenset({"not_tested", "recommended", "historical", "hypothetical"})

_TRIGGERS: tuple[tuple[str, Category, Direction], ...] = (
    # Not tested: not done, failed, not evaluable, insufficient material.
    (
        r"\bnot (?:been )?(?:tested|done|performed|assessed|evaluated|evaluable|assessable|"
        r"interpretable|analy[sz]ed|attempted|carried out|undertaken|possible|available)\b",
        "not_tested",
        "backward",
    ),
    (
        r"\bnot (?:been )?(?:tested|done|performed|assessed|evaluated|analy[sz]ed) (?:for|on)\b"
        r"|\b(?:no|without) (?:\w+ )?(?:testing|analysis) (?:for|of)\b",
        "not_tested",
        "forward",
    ),
    (
        r"\b(?:could|can) ?not be (?:tested|assessed|evaluated|determined|performed|done|"
        r"interpreted|analy[sz]ed|sequenced|reported)\b|\bunable to (?:test|assess|evaluate|"
        r"determine|perform|interpret|analy[sz]e)\b",
        "not_tested",
        "both",
    ),
    (
        r"\b(?:insufficient|inadequate|scanty|suboptimal|poor)\s+(?:\w+\s+)?(?:tissue|material|"
        r"sample|specimen|tumou?r|cells|cellularity|dna|rna|quantity|quality|yield)\b",
        "not_tested",
        "both",
    ),
    (
        r"\b(?:failed|failure|unsuccessful|not evaluable|non-?evaluable|inconclusive|"
        r"uninterpretable|invalid result|no result|qc fail\w*|quantity not sufficient|qns)\b",
        "not_tested",
        "backward",
    ),
    # Recommended, requested, planned, pending.
    (
        r"\b(?:recommend|suggest|advise|consider|request)(?:s|ing)?\b(?!ive)|"
        r"\b(?:please|kindly) (?:do|send|arrange|perform|advise|correlate with)\b|"
        r"\b(?:plan(?:ned)? for|to be (?:done|performed|sent|tested)|awaiting|sent for|send for|"
        r"referred for|further (?:testing|evaluation|work-?up) (?:with|for|by))\b|"
        r"\b(?:would|may|might) (?:help|be (?:helpful|useful|advisable|considered))\b",
        "recommended",
        "forward",
    ),
    (
        r"\b(?:recommended|suggested|advised|advisable|requested|planned|pending|awaited|"
        r"ordered|indicated|to follow|in progress|under process|will be (?:done|performed|"
        r"reported|sent|tested|issued))\b",
        "recommended",
        "both",
    ),
    (
        r"\b(?:advice|plan|suggestions?|recommendations?|tests? (?:advised|requested|"
        r"recommended|pending))\s*[:\-–]",
        "recommended",
        "forward",
    ),
    # Historical: an earlier report.
    (
        r"\b(?:previous(?:ly)?|prior|earlier|past|old (?:report|biopsy|records?|slides?)|"
        r"outside (?:report|laboratory|lab|hospital|centre|center|test(?:ing)?|results?)|"
        r"(?:at|from|in) (?:an)?other (?:laboratory|lab|centre|center|hospital|institution)|"
        r"at (?:the time of )?(?:initial )?diagnosis|history of|h/o|k/c/o|known case of|"
        r"in (?:19|20)\d\d|\d+ (?:years?|months?|weeks?) (?:ago|back|earlier))\b",
        "historical",
        "both",
    ),
    # Family.
    (
        r"\b(?:mother|father|sister|brother|daughter|son|aunt|uncle|cousin|niece|nephew|"
        r"grand(?:mother|father|parent|daughter|son)|sibling|parent|relative|maternal|paternal|"
        r"first[- ]degree|second[- ]degree|family member|family history)s?\b",
        "family",
        "both",
    ),
    # Hypothetical: what a test is for, a question.
    (
        r"\b(?:to (?:exclude|rule out|look for|check for|assess for|evaluate for|screen for|"
        r"confirm|determine|establish)|rule out|r/o|whether|in case of|eligib\w+ for|"
        r"suspicious (?:of|for)|suspected|possible|probable|cannot be (?:excluded|ruled out))\b"
        r"|\?(?=\s*[a-z(])",
        "hypothetical",
        "forward",
    ),
    # Generic: what a panel covers or can detect.
    (
        r"\b(?:includ(?:es|ing|ed)|cover(?:s|ing|ed)|hotspots? (?:in|of)|genes? (?:covered|"
        r"analy[sz]ed|tested|included|assessed|screened|targeted)|panel (?:of|includes|covers|"
        r"comprising)|screen(?:s|ed)? for|detect(?:s|ing)|designed to detect|does not detect|"
        r"(?:may|will) not (?:be )?detect\w*|limit of detection|such as|e\.g\.)",
        "generic",
        "forward",
    ),
    # Negated findings ("no evidence of carcinoma", "carcinoma: not seen").
    (
        r"\b(?:no(?!\.)|not|without|negative for|free of|absence of|no evidence of|"
        r"no signs? of|nil)\b",
        "negated",
        "forward",
    ),
    (r"\b(?:ruled out|excluded|not (?:seen|identified|present))\b", "negated", "backward"),
)
_PSEUDO = re.compile(
    r"\b(?:if not (?:already )?(?:done|performed|tested|available)|unless (?:already )?"
    r"(?:done|performed)|where not (?:already )?done|suggestive of|prior to|no prior|"
    r"no previous|previously untreated|as per|according to|as clinically indicated|"
    r"if (?:clinically )?indicated|where indicated|not otherwise specified|not only|"
    r"no\.|not applicable|not significant|no other|non-?contributory|detection of|"
    r"consider(?:ed)? for (?:an? )?\w+ (?:tyrosine kinase )?inhibitor)",
    re.I,
)
_TRIGGER_RES = [(re.compile(p, re.I), c, d) for p, c, d in _TRIGGERS]

_TERMINATOR = re.compile(
    r"\b(?:but|however|although|though|whereas|except|as(?! per\b| well\b| a\b| an\b)|since|"
    r"because|given|due to|owing to|which|while)\b|;",
    re.I,
)
_FAMILY_TERMINATOR = re.compile(
    r"\b(?:the patient|patient|proband|this (?:individual|patient|lady|man|woman)|index case)\b",
    re.I,
)
# Result words inside a label are not a result ("combined positive score", "positive controls").
LABEL_PHRASES = re.compile(
    r"combined positive score|tumou?r proportion score|(?:positive|negative)(?: and| or|/)"
    r" (?:positive|negative) controls?|(?:positive|negative) controls?|positivity cut-?off"
    r"|signal\s+amplification|percent(?:age)? positive",
    re.I,
)
RESULT_TERMS = re.compile(
    r"\b(?:detected|positive|negative|identified|wild[- ]?type|amplified|rearranged|retained|"
    r"intact|lost|loss|equivocal|present|absent|expressed|mutated|stable)\b|\d+(?:\.\d+)?\s*%"
    r"|\b[0-3]\s*\+(?!\s*\d)",
    re.I,
)

# --- Sections -----------------------------------------------------------------------------

_HEADINGS: tuple[tuple[str, Category | None], ...] = (
    (r"family history|family h/o|family background|pedigree", "family"),
    (
        r"initial (?:diagnosis|presentation|treatment|work-?up)|(?:treatment|oncological|"
        r"disease) history|past (?:treatment|reports?)"
        r"|clinical (?:details?|history|information|indications?|summary|notes?|data|background)"
        r"|(?:relevant |past |previous |medical |treatment |oncological )?history"
        r"(?: of (?:present(?:ing)? )?illness)?|clinical indication|indications?"
        r"|presenting complaints?|previous (?:reports?|investigations?|results?|treatment)|hpi",
        "historical",
    ),
    (
        r"methods?|methodology|limitations?|genes? (?:covered|analy[sz]ed|tested|included|"
        r"assessed|targeted)|panel (?:content|description|genes)|quality (?:metrics|control)|"
        r"disclaimers?|notes?|test (?:description|information|details)|technical (?:notes?|"
        r"details)|assay (?:description|details|information)|background|references?|"
        r"about (?:this|the) test|glossary",
        "generic",
    ),
    (
        r"results?(?: summary)?|(?:final |provisional )?diagnosis|impression|interpretation|"
        r"comments?|recommendations?|immunohisto\w*|ihc|microscop\w*|gross\w*|specimens?"
        r"(?: received)?|synoptic\w*|conclusions?|summary|findings|variant details|addendum|"
        r"opinion|advice|plan|investigations?",
        None,
    ),
)
_HEADING_RE = [(re.compile(rf"^\s*(?:\d+[.)]\s*)?(?:{p})\b", re.I), c) for p, c in _HEADINGS]
_HEADING_REST = re.compile(
    r"^(?:\s*(?:[&/,]|and)\s*[A-Za-z]+)*\s*(?:\([^)]{0,60}\))?\s*[:\-–]?\s*$"
)
_INLINE_REST = re.compile(r"^\s*(?:\([^)]{0,60}\))?\s*[:\-–]\s*\S")
_FUNCTION_END = re.compile(
    r"(?:[,:/(]|\b(?:for|and|or|of|the|to|with|by|in|on|a|an|including|as|is|are|was|were|"
    r"at|from|than|per|into))\s*$",
    re.I,
)


@dataclass(frozen=True)
class Modifier:
    category: Category
    start: int  # the trigger
    end: int
    scope_start: int
    scope_end: int


@dataclass(frozen=True)
class Section:
    category: Category | None
    start: int
    end: int


class Context:
    """The modifiers and sections of one text; ask it what a span asserts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._stop_text = LABEL_PHRASES.sub(lambda m: " " * len(m.group()), text)
        self._boundaries = self._find_boundaries(text)
        self.sections = self._find_sections(text)
        self.modifiers = self._find_modifiers(text)

    # Boundaries: sentence ends, blank lines, page breaks and new table rows.

    @staticmethod
    def _find_boundaries(text: str) -> list[int]:
        found = {m.start() for m in re.finditer(r"(?<!\d)\.(?!\d)(?=\s|$)|[!]|\n\s*\n|\f", text)}
        found |= {m.start() for m in re.finditer(r"\?(?=\s*(?:[A-Z\n]|$))", text)}
        lines = text.split("\n")
        offset = 0
        for index, line in enumerate(lines[:-1]):
            offset += len(line)
            following = lines[index + 1].lstrip()
            if not _continues(line, following):
                found.add(offset)
            offset += 1
        return sorted(found)

    def boundary_between(self, start: int, end: int) -> bool:
        """Whether a sentence end or a new row lies between two offsets."""
        i = bisect_left(self._boundaries, start)
        return i < len(self._boundaries) and self._boundaries[i] < end

    def _previous_boundary(self, at: int) -> int:
        i = bisect_right(self._boundaries, at - 1)
        return self._boundaries[i - 1] + 1 if i else 0

    def _next_boundary(self, at: int) -> int:
        i = bisect_left(self._boundaries, at)
        return self._boundaries[i] if i < len(self._boundaries) else len(self.text)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        return self._previous_boundary(start), self._next_boundary(end)

    # Sections.

    @staticmethod
    def _find_sections(text: str) -> list[Section]:
        sections: list[Section] = []
        current: tuple[Category | None, int] | None = None
        offset = 0
        previous = ""
        for line in text.split("\n"):
            end = offset + len(line)
            heading = _heading(line)
            if heading is not None:
                category, inline = heading
                if current is not None and current[0] is not None:
                    sections.append(Section(current[0], current[1], offset))
                current = None
                if inline:
                    if category is not None:
                        sections.append(Section(category, offset, end))
                else:
                    current = (category, end)
            elif _is_caps_heading(line) or _is_title(line, previous):
                if current is not None and current[0] is not None:
                    sections.append(Section(current[0], current[1], offset))
                current = None
            offset = end + 1
            previous = line
        if current is not None and current[0] is not None:
            sections.append(Section(current[0], current[1], len(text)))
        return sections

    def section_of(self, at: int) -> Category | None:
        for section in self.sections:
            if section.start <= at < section.end:
                return section.category
        return None

    # Triggers and their scopes.

    def _find_modifiers(self, text: str) -> list[Modifier]:
        pseudo = [(m.start(), m.end()) for m in _PSEUDO.finditer(text)]
        matches: list[tuple[int, int, Category, Direction]] = []
        for pattern, category, direction in _TRIGGER_RES:
            for m in pattern.finditer(text):
                if any(s < m.end() and m.start() < e for s, e in pseudo):
                    continue
                matches.append((m.start(), m.end(), category, direction))
        # Of overlapping triggers the longest wins ("not tested" over "not").
        matches.sort(key=lambda t: (t[0], -(t[1] - t[0])))
        kept: list[tuple[int, int, Category, Direction]] = []
        for match in matches:
            if kept and match[0] < kept[-1][1]:
                if match[1] - match[0] > kept[-1][1] - kept[-1][0]:
                    kept[-1] = match
                continue
            kept.append(match)
        modifiers = []
        for start, end, category, direction in kept:
            low, high = self.sentence(start, end)
            scope_start, scope_end = start, end
            if direction in ("backward", "both"):
                scope_start = self._scope_back(category, low, start)
            if direction in ("forward", "both"):
                scope_end = self._scope_forward(category, end, high)
            modifiers.append(Modifier(category, start, end, scope_start, scope_end))
        return modifiers

    def _stops(self, category: Category) -> list[re.Pattern[str]]:
        stops = [_TERMINATOR]
        if category in _STOPPED_BY_RESULTS:
            stops.append(RESULT_TERMS)
        if category == "family":
            stops.append(_FAMILY_TERMINATOR)
        return stops

    def _scope_back(self, category: Category, low: int, start: int) -> int:
        begin = low
        for stop in self._stops(category):
            for m in stop.finditer(self._stop_text, low, start):
                begin = max(begin, m.end())
        return begin

    def _scope_forward(self, category: Category, end: int, high: int) -> int:
        finish = high
        for stop in self._stops(category):
            m = stop.search(self._stop_text, end, high)
            if m:
                finish = min(finish, m.start())
        return finish

    def modifier(
        self, start: int, end: int, among: frozenset[Category] | set[Category]
    ) -> Modifier | None:
        """The trigger that modifies the span: a relative wins, then the nearest trigger."""
        covering = [
            m
            for m in self.modifiers
            if m.category in among
            and m.scope_start <= start
            and end <= m.scope_end
            and not (m.start < end and start < m.end)
        ]
        family = [m for m in covering if m.category == "family"]
        if family:
            return family[0]
        if covering:
            return min(covering, key=lambda m: min(abs(m.start - end), abs(start - m.end)))
        return None

    def assertion(
        self, start: int, end: int, among: frozenset[Category] | set[Category]
    ) -> Category | None:
        """The category that modifies the span: its trigger, else its section's heading."""
        found = self.modifier(start, end, among)
        if found is not None:
            return found.category
        section = self.section_of(start)
        return section if section in among else None

    def triggers_in(
        self, start: int, end: int, among: frozenset[Category] | set[Category]
    ) -> list[Modifier]:
        return [m for m in self.modifiers if m.category in among and start <= m.start < end]


def _heading(line: str) -> tuple[Category | None, bool] | None:
    """(category, inline) when the line starts a section; inline headings ("Clinical details:
    ...") hold their content on the same line."""
    stripped = line.strip()
    if not stripped or len(stripped) > 90:
        return None
    for pattern, category in _HEADING_RE:
        m = pattern.match(stripped)
        if not m:
            continue
        rest = stripped[m.end() :]
        if _HEADING_REST.match(rest):
            return category, False
        if _INLINE_REST.match(rest):
            return category, True
    return None


def _is_caps_heading(line: str) -> bool:
    stripped = line.strip().rstrip(":")
    words = stripped.split()
    letters = [c for c in stripped if c.isalpha()]
    return (
        1 <= len(words) <= 5
        and len(letters) >= 4
        and all(c.isupper() for c in letters)
        and not any(c.isdigit() for c in stripped)
        and not stripped.endswith((".", ","))
    )


def _is_title(line: str, previous: str) -> bool:
    """A short title on its own line after a finished paragraph ("Recurrence (2024)", "Current
    status"): it starts a new part of a letter, so the part before it ends."""
    stripped = line.strip()
    bare = re.sub(r"\([^()]*\)", "", stripped).strip()
    words = bare.split()
    return (
        1 <= len(words) <= 5
        and bare[:1].isupper()
        and not re.search(r"[:;,.\d]", bare)
        and not RESULT_TERMS.search(bare)
        and previous.rstrip().endswith((".", ")"))
        and not stripped.endswith((".", ",", ";"))
    )


def _continues(line: str, following: str) -> bool:
    """Whether a line break falls inside a sentence (wrapped prose, a wrapped table cell)."""
    if not line.strip() or not following:
        return False
    if following[0].islower():
        return True
    if _FUNCTION_END.search(line):
        return True
    if re.match(r"[A-Z][\w /()&-]{0,40}:", following):
        return False  # a new labelled row
    return False
