"""Oncology facts out of pathology and molecular reports: site, histology, grade, stage, biomarkers.

Rules, not a model: reports follow the CAP/ICCR synoptic wording closely enough that patterns find
most facts, and a rule that misses says nothing rather than something wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from consilium.insights.reading import Page

Status = Literal[
    "positive", "negative", "equivocal", "mutated", "wild-type", "not detected", "value"
]


@dataclass
class Biomarker:
    name: str
    status: Status
    value: str = ""  # "90%", "2+", "exon 19 deletion", "TPS 60%", "3+4=7"
    method: str = ""  # "IHC", "FISH", "NGS", "PCR" when the report says
    page: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class OncologyFacts:
    cancer_type: str = ""  # "breast cancer", "non-small cell lung cancer", "lymphoma"
    site: str = ""
    histology: str = ""
    grade: str = ""
    tnm: str = ""
    stage: str = ""
    biomarkers: list[Biomarker] = field(default_factory=list)
    # The page each of the fields above was first found on ("histology": 2), where known.
    pages: dict[str, int | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.cancer_type,
            "site": self.site,
            "histology": self.histology,
            "grade": self.grade,
            "tnm": self.tnm,
            "stage": self.stage,
        }


# --- Site, histology ------------------------------------------------------------------------

_SITES: tuple[tuple[str, str], ...] = (
    (r"breast|mammary|mastectomy|lumpectomy", "breast"),
    (r"lung|pulmonary|bronch\w*|pleura\w*|lobectomy", "lung"),
    (r"colon|colonic|caecum|cecum|sigmoid|rect(?:um|al)|colorectal|hemicolectomy", "colorectum"),
    (r"prostat\w*", "prostate"),
    (r"ovar(?:y|ian)|fallopian", "ovary"),
    (r"cervix|cervical (?:biopsy|growth|cancer|carcinoma)", "cervix"),
    (r"endometri\w*|uterus|uterine", "uterus"),
    (r"stomach|gastric|gastrectomy", "stomach"),
    (r"oesophag\w*|esophag\w*", "oesophagus"),
    (r"buccal mucosa|tongue|oral cavity|gingiv\w*|alveolus|floor of (?:the )?mouth", "oral cavity"),
    (r"larynx|laryngeal|pharynx|pharyngeal|tonsil", "head and neck"),
    (r"liver|hepat\w*", "liver"),
    (r"pancrea\w*", "pancreas"),
    (r"gall ?bladder", "gallbladder"),
    (r"thyroid", "thyroid"),
    (r"urinary bladder|bladder", "bladder"),
    (r"kidney|renal", "kidney"),
    (r"lymph node|nodal", "lymph node"),
    (r"bone marrow", "bone marrow"),
    (r"brain|cerebr\w*", "brain"),
)

_HISTOLOGIES: tuple[tuple[str, str], ...] = (
    (
        r"invasive (?:breast )?carcinoma,? (?:of )?no special type|carcinoma nst|ibc-?nst",
        "invasive carcinoma of no special type (ductal)",
    ),
    (
        r"invasive ductal carcinoma|infiltrating ductal carcinoma|\bidc\b",
        "invasive ductal carcinoma",
    ),
    (
        r"invasive lobular carcinoma|infiltrating lobular carcinoma|\bilc\b",
        "invasive lobular carcinoma",
    ),
    (r"ductal carcinoma in situ|\bdcis\b", "ductal carcinoma in situ"),
    (
        r"non[- ]?small cell (?:lung )?(?:carcinoma|cancer),?\s*(?:favou?r(?:ing)?|suggestive of|"
        r"consistent with)\s*adenocarcinoma",
        "adenocarcinoma",
    ),
    (
        r"non[- ]?small cell (?:lung )?(?:carcinoma|cancer),?\s*(?:favou?r(?:ing)?|suggestive of|"
        r"consistent with)\s*squamous",
        "squamous cell carcinoma",
    ),
    (r"non[- ]?small cell (?:lung )?carcinoma|\bnsclc\b", "non-small cell carcinoma"),
    (r"diffuse large b[- ]?cell lymphoma|\bdlbcl\b", "diffuse large B-cell lymphoma"),
    (r"follicular lymphoma", "follicular lymphoma"),
    (r"hodgkin'?s? lymphoma|classical hodgkin", "Hodgkin lymphoma"),
    (
        r"(?<!non[- ])(?<!non)small cell (?:lung )?(?:carcinoma|cancer)|(?<!n)\bsclc\b",
        "small cell carcinoma",
    ),
    (r"squamous cell carcinoma|\bscc\b", "squamous cell carcinoma"),
    (r"acinar adenocarcinoma", "acinar adenocarcinoma"),
    (r"adenocarcinoma", "adenocarcinoma"),
    (r"hepatocellular carcinoma|\bhcc\b", "hepatocellular carcinoma"),
    (r"papillary (?:thyroid )?carcinoma", "papillary carcinoma"),
    (r"serous carcinoma|high[- ]grade serous", "serous carcinoma"),
    (r"urothelial carcinoma", "urothelial carcinoma"),
    (r"renal cell carcinoma|\brcc\b", "renal cell carcinoma"),
    (r"glioblastoma", "glioblastoma"),
    (r"acute myeloid leuk(?:a)?emia|\baml\b", "acute myeloid leukaemia"),
    (r"acute lymphoblastic leuk(?:a)?emia", "acute lymphoblastic leukaemia"),
    (r"multiple myeloma|plasma cell myeloma", "multiple myeloma"),
    (r"(?:poorly|moderately|well)[- ]differentiated carcinoma|carcinoma", "carcinoma"),
)

_NEGATED_BEFORE = re.compile(
    r"(?:\bno\b|\bnot\b|negative for|free of|without|absence of|ruled? out|r/o)"
    r"[^.;\n]{0,40}$",
    re.I,
)


def _first(patterns: Iterable[tuple[str, str]], text: str) -> tuple[str, int]:
    best = ("", len(text) + 1)
    for pattern, name in patterns:
        for match in re.finditer(pattern, text, re.I):
            if _NEGATED_BEFORE.search(text[max(0, match.start() - 50) : match.start()]):
                continue
            if match.start() < best[1]:
                best = (name, match.start())
            break
    return best


def _histology(text: str) -> str:
    # Specific names beat the generic "carcinoma", whatever comes first in the text.
    for pattern, name in _HISTOLOGIES:
        for match in re.finditer(pattern, text, re.I):
            if _NEGATED_BEFORE.search(text[max(0, match.start() - 50) : match.start()]):
                continue
            return name
    return ""


def _cancer_type(site: str, histology: str, text: str) -> str:
    if "lymphoma" in histology.lower() or re.search(r"\blymphoma\b", text, re.I):
        return "lymphoma"
    if "leukaemia" in histology or "myeloma" in histology:
        return histology
    if site == "lung":
        if histology == "small cell carcinoma":
            return "small cell lung cancer"
        return "non-small cell lung cancer"
    if site == "colorectum":
        return "colorectal cancer"
    if site and histology:
        return f"{site} cancer"
    if re.search(r"non[- ]?small cell|nsclc", text, re.I):
        return "non-small cell lung cancer"
    return ""


# --- Grade and stage ------------------------------------------------------------------------

_GRADE_RE = re.compile(
    r"(?:nottingham|bloom[- ]richardson|sbr|mbr|histologic(?:al)?|tumou?r|overall|who|fnclcc)?"
    r"\s*grade\s*(?:group)?\s*[:\-]?\s*(?P<g>I{1,3}V?|[1-4])\b(?:\s*(?:/|of)\s*(?:I{1,3}|3))?"
    r"(?:\s*\((?:score\s*)?(?P<score>\d)\s*/\s*9\)|\s*\(?score\s*[:\-]?\s*(?P<score2>\d)\s*/\s*9\)?)?"
    r"|\bG(?P<gshort>[1-4X])\b"
    r"|(?P<diff>well|moderately|poorly|un)[- ]differentiated",
    re.I,
)
_NOTTINGHAM_SCORE_RE = re.compile(
    r"(?:total|nottingham)\s+score\s*[:\-]?\s*(?P<s>\d)\s*(?:/\s*9)?", re.I
)
_TNM_RE = re.compile(
    r"\b(?P<prefix>y?[pcr]|yp|yc)?T(?P<t>[0-4][a-d]?(?:\(m\))?|is|x)\s*"
    r"N(?P<n>[0-3][a-c]?(?:\((?:sn|mi|i\+)\))?|x)"
    r"(?:\s*(?:c|p)?M(?P<m>[01][a-d]?|x))?\b",
    re.I,
)
_STAGE_RE = re.compile(
    r"\b(?:ajcc\s+|figo\s+|clinical\s+|pathologic(?:al)?\s+|prognostic\s+)?stage"
    r"(?:\s+group)?\s*[:\-]?\s*(?P<s>IV[ABC]?|I{1,3}[ABC]?[1-3]?|[0-4][ABC]?)\b",
    re.I,
)
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def _grade(text: str) -> str:
    group = re.search(r"(?:isup\s+)?grade group\s*[:\-]?\s*([1-5])\b", text, re.I)
    if group:
        return f"Grade Group {group.group(1)}"
    gleason_free = re.sub(r"grade group\s*\d", " ", text, flags=re.I)
    for match in _GRADE_RE.finditer(gleason_free):
        if match.group("g"):
            g = match.group("g").upper()
            label = f"Grade {_ROMAN.get(g, g)}"
            score = match.group("score") or match.group("score2")
            if not score:
                nearby = _NOTTINGHAM_SCORE_RE.search(gleason_free)
                score = nearby.group("s") if nearby else None
            return f"{label} (Nottingham score {score}/9)" if score else label
        if match.group("gshort"):
            return f"G{match.group('gshort').upper()}"
        if match.group("diff"):
            return (
                f"{match.group('diff').lower()}ly differentiated".replace("lyly", "ly")
                if match.group("diff").lower() == "un"
                else f"{match.group('diff').lower()} differentiated"
            )
    return ""


def _tnm(text: str) -> str:
    for match in _TNM_RE.finditer(text):
        prefix = (match.group("prefix") or "").lower()
        t = match.group("t")
        value = f"{prefix}T{t.lower() if t.lower() in ('is', 'x') else t}N{match.group('n')}"
        if match.group("m"):
            value += f"M{match.group('m')}"
        return value
    return ""


def _stage(text: str) -> str:
    match = _STAGE_RE.search(text)
    if not match:
        return ""
    s = match.group("s").upper()
    if s[0].isdigit():
        s = _ROMAN.get(s[0], s[0]) + s[1:]
    return f"Stage {s}"


# --- Biomarkers ----------------------------------------------------------------------------

_MARKERS: tuple[tuple[str, str], ...] = (
    ("ER", r"oestrogen receptors?|estrogen receptors?|(?-i:\bER\b|\bERα)"),
    ("PR", r"progesterone receptors?|(?-i:\bPg?R\b)"),
    ("HER2", r"her[- ]?2(?:\s*/\s*neu|[- ]neu)?|c-?erb-?b-?2|\berbb2\b"),
    ("Ki-67", r"ki[- ]?67(?:\s*(?:proliferation\s*)?index)?|mib[- ]?1"),
    ("EGFR", r"\begfr\b"),
    ("ALK", r"\balk\b(?:\s*(?:\(d5f3\)|d5f3|rearrangement|fusion|gene))?"),
    ("ROS1", r"\bros[- ]?1\b"),
    ("KRAS", r"\bk-?ras\b"),
    ("NRAS", r"\bn-?ras\b"),
    ("BRAF", r"\bbraf\b"),
    (
        "MSI/MMR",
        r"\bmsi[- ]?(?:h|high|l|low)\b|\bmss\b|microsatellite (?:instability|stable)[- ]?"
        r"(?:high|low)?|\bmsi\b|\b[dp]mmr\b|mismatch repair(?: proteins?)?|\bmmr\b(?: proteins?)?",
    ),
    ("PD-L1", r"pd[- ]?l1(?:\s*\((?:22c3|sp263|sp142|28-8)\))?"),
    ("BRCA1", r"\bbrca[- ]?1\b"),
    ("BRCA2", r"\bbrca[- ]?2\b"),
    ("BRCA", r"\bbrca\b(?![- ]?[12])"),
    ("NTRK", r"\bntrk[1-3]?\b"),
    ("MET", r"(?-i:\bMET\b)(?:\s*exon\s*14)?|c-met"),
    ("RET", r"(?-i:\bRET\b)(?:\s*(?:fusion|rearrangement))?"),
    ("Gleason", r"gleason(?:'s)?(?:\s*score)?"),
    ("PSA", r"\bpsa\b|prostate[- ]specific antigen"),
)
_MARKER_RE = re.compile("|".join(f"(?P<m{i}>{p})" for i, (_, p) in enumerate(_MARKERS)), re.I)

_VARIANT_RE = re.compile(
    r"(?i:exon\s*(?:19|20|21|18|14)\s*(?:deletion|del|insertion|ins|skipping)?)"
    r"|\b[A-Z]\d{2,4}[A-Z]\b|\bG12[CDVRAS]\b|\bV600[EK]\b|\bT790M\b|\bL858R\b|\bEML4-ALK\b"
    r"|\bamplifi(?:cation|ed)\b",
)
_PERCENT_RE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
_HER2_SCORE_RE = re.compile(r"(?:score\s*[:\-]?\s*)?\b([0-3])\s*\+|\bscore\s*[:\-]?\s*(0)\b", re.I)


_HER2_IHC: dict[str, Status] = {"0": "negative", "1": "negative", "2": "equivocal", "3": "positive"}


def _status_of(name: str, window: str, before: str) -> tuple[Status, str, str] | None:
    """Reads a status from the words after a marker (and a negation just before it)."""
    w = window.lower()
    method = ""
    if re.search(r"\bfish\b|\bish\b|in situ hybridi[sz]ation|sish|cish|ddish", w):
        method = "ISH"
    elif re.search(r"\bihc\b|immunohisto", w):
        method = "IHC"
    elif re.search(r"\bngs\b|next[- ]generation", w):
        method = "NGS"
    elif re.search(r"\bpcr\b", w):
        method = "PCR"

    percent = _PERCENT_RE.search(window)
    pct = f"{percent.group(1)}%" if percent else ""

    if name == "Ki-67":
        return ("value", pct, method) if pct else None
    if name == "PSA":
        num = re.search(r"(\d+(?:\.\d+)?)\s*(?:ng\s*/\s*ml)?", window, re.I)
        return ("value", f"{num.group(1)} ng/mL", "") if num else None
    if name == "Gleason":
        g = re.search(r"(\d)\s*\+\s*(\d)(?:\s*=\s*(\d+))?", window)
        if not g:
            return None
        total = g.group(3) or str(int(g.group(1)) + int(g.group(2)))
        value = f"{g.group(1)}+{g.group(2)}={total}"
        group = re.search(r"grade group\s*[:\-]?\s*(\d)", window, re.I)
        if group:
            value += f", Grade Group {group.group(1)}"
        return ("value", value, "")
    if name == "PD-L1":
        if re.search(r"<\s*1\s*%", w):
            return ("negative", "TPS <1%", "IHC")
        kind = re.search(r"\b(tps|cps|tc|ic)\b", w)
        score = re.search(
            r"(?:tps|cps|score)\s*[:\-]?\s*(?:of\s*)?([<>]?\s*\d{1,3}(?:\.\d+)?)\s*%?", w
        )
        if pct or score:
            label = kind.group(1).upper() if kind else "TPS"
            number = pct.rstrip("%") if pct else score.group(1).replace(" ", "")  # type: ignore[union-attr]
            suffix = "" if label == "CPS" else "%"
            status: Status = (
                "negative"
                if number.startswith("<") and number[1:] in ("1",) or number in ("0",)
                else "positive"
            )
            if re.search(r"\bnegative\b|not expressed|no expression", w):
                status = "negative"
            return (status, f"{label} {number}{suffix}", "IHC")
    if name == "MSI/MMR":
        if re.search(
            r"msi[- ]?(?:h|high)|instability[- ]high|\bdmmr\b|deficien|loss of (?:nuclear )?"
            r"(?:expression|staining)|lost",
            w,
        ):
            return ("positive", "dMMR/MSI-H", method)
        if re.search(
            r"\bmss\b|microsatellite stable|msi[- ]?(?:l|low)|\bpmmr\b|proficien|intact|"
            r"retained|preserved",
            w,
        ):
            return ("negative", "pMMR/MSS", method)
        return None
    if name == "HER2":
        amplified = re.search(
            r"(?<!not )(?<!non-)(?<!non )amplified|amplification (?:detected|seen|present)", w
        )
        not_amplified = re.search(
            r"not amplified|non-?amplified|no amplification|amplification not", w
        )
        if not_amplified:
            return ("negative", "not amplified", method or "ISH")
        if amplified:
            return ("positive", "amplified", method or "ISH")
        score = _HER2_SCORE_RE.search(window)
        if score:
            s = score.group(1) or score.group(2)
            return (
                _HER2_IHC[s],
                f"{s}+" if s != "0" else "0",
                method or "IHC",
            )
    if re.search(r"\bequivocal\b|borderline|indeterminate", w):
        return ("equivocal", pct, method)
    negated_before = re.search(
        r"(?:\bno\b|\bnot\b|negative for|absence of|without)[^.;\n]{0,30}$", before, re.I
    )
    for variant in _VARIANT_RE.finditer(window):
        if negated_before:
            return ("not detected", variant.group(0), method)
        value = variant.group(0)
        if name == "ALK" and value.lower().startswith("exon"):
            continue
        negated = re.search(r"\bnot?\b|negative|absent|wild", window[: variant.start()], re.I)
        if negated:
            continue
        if re.search(r"not detected|negative|absent|not identified", w[variant.end() :][:25]):
            return ("not detected", value, method)
        return ("mutated" if "amplif" not in value.lower() else "positive", value, method)
    if re.search(r"wild[- ]?type|\bwt\b", w):
        return ("wild-type", "", method)
    if re.search(
        r"not detected|no (?:\w+ )?(?:mutations?|alterations?|variants?|rearrangements?|"
        r"fusions?)[^.]{0,20}detected|undetected|not identified|none detected",
        w,
    ):
        return ("not detected", "", method)
    if re.search(
        r"\bnegative\b|\bneg\b|\(-\)|\babsent\b|no (?:nuclear )?(?:staining|expression)", w
    ):
        return ("negative", pct, method)
    if re.search(r"\bpositive\b|\bpos\b|\(\+\)|\bexpressed\b", w):
        return ("positive", pct, method)
    if re.search(
        r"\bdetected\b|\bmutat(?:ed|ion)\b|\brearrange(?:d|ment)\b|\bfusion\b", w
    ) and name not in ("ER", "PR"):
        return ("mutated", "", method)
    if re.search(r"(?:negative|no\b)[^.;\n]{0,25}$", before, re.I):
        return ("negative" if name in ("ER", "PR") else "not detected", "", method)
    if name in ("ER", "PR") and pct:
        return ("positive" if float(pct.rstrip("%")) >= 1 else "negative", pct, method)
    return None


def extract_biomarkers(text: str, *, page: int | None = None) -> list[Biomarker]:
    """Finds biomarker results; a marker listed with others ('EGFR, ALK and ROS1 negative')
    takes the status of the group."""
    mentions: list[tuple[str, int, int]] = []
    for match in _MARKER_RE.finditer(text):
        index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
        mentions.append((_MARKERS[index][0], match.start(), match.end()))
    found: list[Biomarker] = []
    pending: list[str] = []
    for i, (name, start, end) in enumerate(mentions):
        nxt = mentions[i + 1][1] if i + 1 < len(mentions) else len(text)
        stop = _window_end(text, end, nxt)
        # "MSI-High", "dMMR" and "MSS" carry their status in the name itself.
        window = text[start if name == "MSI/MMR" else end : stop]
        # A negation before the marker counts only on its own line and after the previous marker.
        previous_end = mentions[i - 1][2] if i else 0
        before = text[max(0, start - 40, previous_end) : start].rsplit("\n", 1)[-1]
        result = _status_of(name, window, before)
        if result is None:
            if re.fullmatch(r"[\s,/&:]*(?:and|or|&)?[\s,/]*", window, re.I):
                pending.append(name)  # part of a list; it takes the status that ends the list
            else:
                pending.clear()
            continue
        status, value, method = result
        for other in pending:
            if status in ("negative", "not detected", "wild-type", "positive", "mutated"):
                found.append(Biomarker(other, status, "", method, page))
        pending.clear()
        found.append(Biomarker(name, status, value, method, page))
    return _dedupe(found)


def _window_end(text: str, start: int, next_mention: int) -> int:
    stop = min(next_mention, start + 160)
    sentence = re.search(r"(?<!\d)\.(?!\d)\s|\n\s*\n|;", text[start:stop])
    if sentence:
        stop = start + sentence.start()
    # A table row ends at the line end unless the value is on the next line.
    newline = text.find("\n", start, stop)
    if newline != -1 and text[start:newline].strip(" :-\t"):
        stop = newline
    return stop


def _dedupe(found: list[Biomarker]) -> list[Biomarker]:
    """One result per marker and method; a later, more specific line replaces a summary."""
    by_key: dict[tuple[str, str], Biomarker] = {}
    for marker in found:
        key = (marker.name, marker.method if marker.name == "HER2" else "")
        current = by_key.get(key)
        if current is None or (not current.value and marker.value):
            by_key[key] = marker
    return list(by_key.values())


def extract_oncology(pages_or_text: Sequence[Page] | str) -> OncologyFacts:
    """Collects the tumour's facts over a document's pages; the first clear mention wins."""
    if isinstance(pages_or_text, str):
        sources: list[tuple[int | None, str]] = [(None, pages_or_text)]
    else:
        sources = [(page.number, page.text) for page in pages_or_text if not isinstance(page, str)]
    facts = OncologyFacts()
    markers: list[Biomarker] = []
    finders = {
        "histology": _histology,
        "site": lambda text: _first(_SITES, text)[0],
        "grade": _grade,
        "tnm": _tnm,
        "stage": _stage,
    }
    for number, text in sources:
        for name, find in finders.items():
            if not getattr(facts, name):
                value = find(text)
                if value:
                    setattr(facts, name, value)
                    facts.pages[name] = number
        markers.extend(extract_biomarkers(text, page=number))
    full = "\n".join(text for _, text in sources)
    facts.cancer_type = _cancer_type(facts.site, facts.histology, full)
    if facts.cancer_type:
        facts.pages["type"] = facts.pages.get("histology", facts.pages.get("site"))
    facts.biomarkers = _dedupe(markers)
    return facts
