"""Oncology facts out of pathology and molecular reports: site, histology, grade, stage, biomarkers.

Rules, not a model: reports follow the CAP/ICCR synoptic wording closely enough that patterns find
most facts, and a rule that misses says nothing rather than something wrong. Every biomarker
carries what the report asserts about it (consilium.insights.context): a result is stored only
when the report states one; a test it recommends, says was not done, quotes from an earlier
report or reports for a relative is kept with an empty status.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from consilium.insights.context import (
    _TERMINATOR,
    LABEL_PHRASES,
    RESULT_TERMS,
    Category,
    Context,
)
from consilium.insights.reading import Page

Status = Literal[
    "",  # no result: the report recommends the test, did not do it, or quotes someone else's
    "positive",
    "negative",
    "equivocal",
    "value",
    "mutated",
    "rearranged",
    "amplified",
    "VUS",
    "wild-type",
    "not detected",
    "retained",
    "lost",  # mismatch repair proteins
]
Assertion = Literal["stated", "not_tested", "recommended", "historical", "family"]


@dataclass
class Biomarker:
    name: str
    status: Status
    value: str = ""  # "90%", "2+", "L858R (c.2573T>G)", "TPS 60%", "3+4=7", "Grade Group 2"
    method: str = ""  # "IHC", "ISH", "NGS", "PCR" when the report says
    page: int | None = None
    assertion: Assertion = "stated"
    vaf: str = ""  # variant allele fraction as printed, "23.4%"
    origin: str = ""  # "germline" or "somatic" when the report says
    note: str = ""  # why a test was not done, when the report says ("insufficient tissue")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class OncologyFacts:
    cancer_type: str = ""  # "breast cancer", "non-small cell lung cancer", "lymphoma"
    site: str = ""  # where the cancer started; empty for lymphomas and leukaemias
    histology: str = ""
    grade: str = ""
    tnm: str = ""
    stage: str = ""
    biomarkers: list[Biomarker] = field(default_factory=list)
    # The page each of the fields above was first found on ("histology": 2), where known.
    pages: dict[str, int | None] = field(default_factory=dict)

    @property
    def results(self) -> list[Biomarker]:
        """The biomarkers with a result stated by the report."""
        return [b for b in self.biomarkers if b.assertion == "stated" and b.status]

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.cancer_type,
            "site": self.site,
            "histology": self.histology,
            "grade": self.grade,
            "tnm": self.tnm,
            "stage": self.stage,
        }


# What a tumour mention can be, for histology and site: a relative's cancer, a negated one or a
# question is not the patient's diagnosis.
_NOT_THE_DIAGNOSIS: frozenset[Category] = frozenset({"negated", "family", "hypothetical"})

# --- Site, histology ------------------------------------------------------------------------

# Lymph nodes, marrow and the pleura are where cancers are biopsied or spread to; a lymphoma's
# site is "lymphoma" by its type, not the node it was found in.
_SITES: tuple[tuple[str, str], ...] = (
    (r"\bbreast|\bmammary|mastectomy|lumpectomy", "breast"),
    (
        r"\blungs?\b|\bpulmonary\b|\bbronch\w*|lobectomy|\b(?:right|left) (?:upper|middle|lower) "
        r"lobe\b(?! of (?:the )?(?:liver|thyroid))|(?-i:\b(?:RUL|RML|RLL|LUL|LLL)\b)",
        "lung",
    ),
    (
        r"\bcolon\b|\bcolonic\b|\bca?ecum\b|\bcaecal\b|\bsigmoid\b|\brect(?:um|al)\b|colorectal|"
        r"hemicolectomy|colectomy|\brecto-?sigmoid",
        "colorectum",
    ),
    (r"\bprostat\w*", "prostate"),
    (r"\bovar(?:y|ies|ian)\b|fallopian", "ovary"),
    (r"\bcervix\b|\bcervical (?:biopsy|growth|cancer|carcinoma|primary)", "cervix"),
    (r"\bendometri\w*|\buterus\b|\buterine\b", "uterus"),
    (r"\bstomach\b|\bgastric\b|gastrectomy", "stomach"),
    (r"\boesophag\w*|\besophag\w*", "oesophagus"),
    (
        r"buccal mucosa|\btongue\b|oral cavity|\bgingiv\w*|\balveolus\b|floor of (?:the )?mouth",
        "oral cavity",
    ),
    (r"\blarynx\b|\blaryngeal\b|\bpharynx\b|\bpharyngeal\b|\btonsil\w*", "head and neck"),
    (r"\bliver\b|\bhepatic\b(?! flexure)|hepatocellular", "liver"),
    (r"\bpancrea\w*", "pancreas"),
    (r"gall ?bladder", "gallbladder"),
    (r"\bthyroid\b", "thyroid"),
    (r"urinary bladder|\bbladder\b|urothelial", "bladder"),
    (r"\bkidneys?\b|\brenal\b", "kidney"),
    (r"\bbrain\b|\bcerebr\w*", "brain"),
)
_SITE_RE = re.compile("|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(_SITES)), re.I)
_SITE_WORDS = "|".join(f"(?:{p})" for p, _ in _SITES)


def _site_name(match: re.Match[str]) -> str:
    index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
    return _SITES[index][1]


_HISTOLOGIES: tuple[tuple[str, str], ...] = (
    (
        r"invasive (?:breast )?carcinoma,? (?:of )?no special type|carcinoma,? nst|ibc-?nst",
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
        r"consistent with|type:?)?\s*adenocarcinoma",
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
    (r"mantle cell lymphoma", "mantle cell lymphoma"),
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
    (r"\b(?:malignant |non-hodgkin'?s? |b-cell |t-cell )?lymphoma\b", "lymphoma"),
    (r"(?:poorly|moderately|well)[- ]differentiated carcinoma|carcinoma", "carcinoma"),
    (
        r"\bca\.?\s+(?:of\s+)?(?:the\s+)?(?:(?:left|right|rt|lt)\.?\s+)?(?:[a-z]+\s+)?(?:breast|lung|cervix|"
        r"ovary|prostate|colon|rectum|stomach|o?esophagus|tongue|buccal|pancreas|thyroid|"
        r"bladder|endometrium|gall ?bladder)\b",
        "carcinoma",
    ),
)

_NEGATED_BEFORE = re.compile(
    r"(?:\bno\b|\bnot\b|negative for|free of|without|absence of|ruled? out|r/o)"
    r"[^.;\n]{0,40}$",
    re.I,
)


def _affirmed(text: str, ctx: Context, start: int, end: int) -> bool:
    if _NEGATED_BEFORE.search(text[max(0, start - 50) : start]):
        return False
    return ctx.assertion(start, end, _NOT_THE_DIAGNOSIS) is None


def _histology(text: str, ctx: Context | None = None) -> tuple[str, int]:
    """The first histology in the table's order (specific names beat the generic "carcinoma",
    whatever comes first in the text) that the report affirms; and where it was found."""
    ctx = ctx or Context(text)
    for pattern, name in _HISTOLOGIES:
        for match in re.finditer(pattern, text, re.I):
            if _affirmed(text, ctx, match.start(), match.end()):
                return name, match.start()
    return "", -1


# Where a report names the primary: "consistent with lung primary", "primary adenocarcinoma of
# the lung", "metastatic breast carcinoma", "metastasis from the colorectal primary".
_PRIMARY_PATTERNS = (
    rf"(?P<site>{_SITE_WORDS})\s+(?:primary|origin)\b",
    rf"\bprimary\s+(?:(?:site|tumou?r)\s*[:\-]?\s*)?(?P<site>{_SITE_WORDS})",
    rf"\bprimary\s+(?:[a-z-]+\s+){{0,2}}?(?:of|in|from)\s+(?:the\s+)?(?:[a-z-]+\s+){{0,2}}?"
    rf"(?P<site>{_SITE_WORDS})",
    rf"\bmetastatic\s+(?P<site>{_SITE_WORDS})\s+(?:cancer|carcinoma|adenocarcinoma|malignancy|"
    rf"tumou?r)",
    rf"(?:metasta\w*|deposits?)\s+(?:[a-z-]+\s+){{0,3}}?from\s+(?:an?\s+|the\s+)?"
    rf"(?:[a-z-]+\s+){{0,2}}?(?P<site>{_SITE_WORDS})",
    rf"\btumou?r\s+site\s*[:\-]?\s*(?:[a-z-]+\s+){{0,2}}?(?P<site>{_SITE_WORDS})",
)
_PRIMARY_RES = [re.compile(p, re.I) for p in _PRIMARY_PATTERNS]
_SPREAD_BEFORE = re.compile(
    r"(?:metasta\w*|\bmets\b|secondar\w*|deposits?|distant spread)(?:(?!primary|from|origin)"
    r"[^.;\n]){0,40}$",
    re.I,
)
_SPREAD_AFTER = re.compile(
    r"^[\s\w,():–-]{0,25}?\b(?:metasta\w*|mets\b|secondar\w*|deposits?)", re.I
)
_CANCER_WORDS = re.compile(
    r"carcinoma|cancer|malignan\w*|neoplasm|tumou?r|sarcoma|melanoma|\bca\b\.?|growth|mass|"
    r"lump|biopsy|resection|\w+ectomy|specimen",
    re.I,
)


def _site_from(text: str, ctx: Context, histology_at: int) -> tuple[str, int]:
    """The primary site: the report's own statement of the primary, else a site named beside a
    tumour word and not as somewhere it spread to."""
    for pattern in _PRIMARY_RES:
        for match in pattern.finditer(text):
            start, end = match.span("site")
            if ctx.assertion(start, end, _NOT_THE_DIAGNOSIS) is not None:
                continue
            site = _site_name(_SITE_RE.match(text, start))  # type: ignore[arg-type]
            return site, start
    candidates: list[tuple[int, str, int]] = []
    for match in _SITE_RE.finditer(text):
        start, end = match.span()
        if ctx.assertion(start, end, frozenset({"negated", "family"})) is not None:
            continue
        low, high = ctx.sentence(start, end)
        if _SPREAD_BEFORE.search(text[low:start]) or _SPREAD_AFTER.search(text[end:high]):
            continue
        near_tumour = bool(_CANCER_WORDS.search(text[low:high]))
        same_sentence = histology_at >= 0 and low <= histology_at < high
        rank = 0 if same_sentence else 1 if near_tumour else 2
        candidates.append((rank, _site_name(match), start))
    if not candidates:
        return "", -1
    rank, site, start = min(candidates, key=lambda c: (c[0], c[2]))
    if rank == 2 and histology_at < 0:
        return "", -1  # a site word with no tumour anywhere near it is not a diagnosis
    return site, start


_CANCER_NAMES = {
    "ovary": "ovarian cancer",
    "stomach": "gastric cancer",
    "oesophagus": "oesophageal cancer",
    "uterus": "uterine cancer",
    "cervix": "cervical cancer",
    "pancreas": "pancreatic cancer",
    "oral cavity": "oral cancer",
}


def _cancer_type(site: str, histology: str, text: str) -> str:
    if "lymphoma" in histology.lower():
        return "lymphoma"
    if "leukaemia" in histology or "myeloma" in histology:
        return histology
    if not histology:
        return ""
    if site == "lung":
        if histology == "small cell carcinoma":
            return "small cell lung cancer"
        return "non-small cell lung cancer"
    if site == "colorectum":
        return "colorectal cancer"
    if site:
        return _CANCER_NAMES.get(site, f"{site} cancer")
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
    r"(?:y?[pc])?N(?P<n>[0-3][a-c]?(?:\((?:sn|mi|i\+)\))?|x)"
    r"(?:\s*(?:y?[pc])?M(?P<m>[01][a-d]?|x))?\b",
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


# --- Biomarker vocabulary ------------------------------------------------------------------

Kind = Literal[
    "receptor",
    "her2",
    "ki67",
    "gene",
    "ihc",
    "mmr",
    "mmr_all",
    "msi",
    "tmb",
    "pdl1",
    "gleason",
    "grade_group",
    "nottingham",
]

_CD_NUMBERS = ("3", "5", "10", "15", "19", "20", "23", "30", "34", "45", "56", "99", "117", "138")

_MARKERS: tuple[tuple[str, str, Kind], ...] = (
    ("ER", r"o?estrogen\s+receptors?(?:\s*\((?:ER|ERα)\))?|(?-i:\bER\b|\bERα)", "receptor"),
    ("PR", r"progesterone\s+receptors?(?:\s*\(Pg?R\))?|(?-i:\bPg?R\b)", "receptor"),
    ("AR", r"androgen\s+receptors?(?:\s*\(AR\))?", "receptor"),
    (
        "HER2",
        r"her[- ]?2(?:\s*/\s*neu|[- ]neu)?(?:\s*\(erbb2\))?|c-?erb-?b-?2|\berbb2\b"
        r"(?:\s*\(her[- ]?2\))?",
        "her2",
    ),
    ("Ki-67", r"ki[- ]?67(?:\s*(?:proliferation\s*)?index)?|\bmib[- ]?1\b", "ki67"),
    ("EGFR", r"(?-i:\bEGFR\b)", "gene"),
    ("ALK", r"(?-i:\bALK\b)", "gene"),
    ("ROS1", r"\bros[- ]?1\b", "gene"),
    ("KRAS", r"\bk-?ras\b", "gene"),
    ("NRAS", r"\bn-?ras\b", "gene"),
    ("BRAF", r"\bbraf\b", "gene"),
    ("MET", r"(?-i:\bc-?MET\b|\bMET\b)", "gene"),
    ("RET", r"(?-i:\bRET\b)", "gene"),
    ("NTRK", r"(?-i:\bNTRK[1-3]?(?:/[1-3])*)\b|\bpan-?trk\b", "gene"),
    ("PIK3CA", r"\bpik3ca\b", "gene"),
    ("TP53", r"(?-i:\bTP53\b)", "gene"),
    ("IDH1", r"\bidh-?1\b", "gene"),
    ("IDH2", r"\bidh-?2\b", "gene"),
    ("KIT", r"(?-i:\bc-?KIT\b|\bKIT\b)", "gene"),
    ("PDGFRA", r"\bpdgfra\b", "gene"),
    ("PALB2", r"\bpalb2\b", "gene"),
    ("ESR1", r"(?-i:\bESR1\b)", "gene"),
    ("ATM", r"(?-i:\bATM\b)", "gene"),
    (
        "BRCA1/2",
        r"\bbrca\s*-?\s*1\s*(?:/|and|&|,)\s*(?:brca\s*-?\s*)?2\b|\bbrca\b(?!\s*-?\s*[12])",
        "gene",
    ),
    ("BRCA1", r"\bbrca\s*-?\s*1\b", "gene"),
    ("BRCA2", r"\bbrca\s*-?\s*2\b", "gene"),
    ("TMB", r"tumou?r mutation(?:al)?(?:\s+burden)?(?:\s*\(TMB\))?|\btmb\b", "tmb"),
    (
        "MSI",
        r"\bmsi[- ]?(?:h|high|l|low)\b|\bmss\b|microsatellite\s+(?:instability|stable|status)"
        r"(?:[- ](?:high|low))?(?:\s*\((?:MSI|MSS)(?:-[HL])?\))?|\bmsi\b",
        "msi",
    ),
    (
        "MMR",
        r"\b[dp]mmr\b|mismatch repair(?:\s*\(mmr\))?(?:\s*(?:proteins?|status|enzymes?))?"
        r"|\bmmr\b(?:\s*(?:proteins?|status))?",
        "mmr_all",
    ),
    ("MLH1", r"\bmlh-?1\b", "mmr"),
    ("PMS2", r"\bpms-?2\b", "mmr"),
    ("MSH2", r"\bmsh-?2\b", "mmr"),
    ("MSH6", r"\bmsh-?6\b", "mmr"),
    ("PD-L1", r"pd[- ]?l1(?:\s*\((?:22c3|sp263|sp142|28-8|73-10)\))?", "pdl1"),
    ("Gleason", r"gleason(?:'s)?(?:\s+(?:score|sum|grade|pattern))?", "gleason"),
    ("Grade Group", r"(?:isup\s+|who\s*/\s*isup\s+|who\s+)?grade\s+group", "grade_group"),
    (
        "Nottingham grade",
        r"nottingham|(?:modified\s+)?(?:scarff[- ])?bloom[- ]richardson|(?-i:\bm?SBR\b|\bMBR\b)"
        r"|elston[- ]ellis",
        "nottingham",
    ),
    ("CK7", r"\bck[- ]?7\b|cytokeratin[- ]?7\b", "ihc"),
    ("CK20", r"\bck[- ]?20\b|cytokeratin[- ]?20\b", "ihc"),
    ("CK5/6", r"\bck\s?5/6\b", "ihc"),
    ("CK", r"\bpan-?ck\b|pan-?cytokeratin|\bae1\s*/\s*ae3\b|\bcytokeratin\b(?![- ]?\d)", "ihc"),
    ("TTF-1", r"\bttf[- ]?1\b", "ihc"),
    ("Napsin A", r"\bnapsin[- ]?a?\b", "ihc"),
    ("p40", r"(?-i:\bp40\b)", "ihc"),
    ("p63", r"(?-i:\bp63\b)", "ihc"),
    ("p16", r"(?-i:\bp16\b)", "ihc"),
    ("GATA3", r"\bgata[- ]?3\b", "ihc"),
    ("CDX2", r"\bcdx[- ]?2\b", "ihc"),
    ("SATB2", r"\bsatb[- ]?2\b", "ihc"),
    ("PAX8", r"\bpax[- ]?8\b", "ihc"),
    ("WT1", r"\bwt[- ]?1\b", "ihc"),
    ("Synaptophysin", r"\bsynaptophysin\b", "ihc"),
    ("Chromogranin", r"\bchromogranin(?:[- ]?a)?\b", "ihc"),
    ("INSM1", r"\binsm1\b", "ihc"),
    ("S100", r"\bs[- ]?100\b(?![- ]?p)", "ihc"),
    ("SOX10", r"\bsox[- ]?10\b", "ihc"),
    ("SOX11", r"\bsox[- ]?11\b", "ihc"),
    ("HMB-45", r"\bhmb[- ]?45\b", "ihc"),
    ("Melan-A", r"\bmelan[- ]?a\b", "ihc"),
    ("E-cadherin", r"\be[- ]?cadherin\b", "ihc"),
    ("AMACR", r"\bamacr\b(?:\s*\(p504s\))?|\bp504s\b", "ihc"),
    (
        "HMWCK",
        r"\bhmwck\b(?:\s*\(34\s?(?:β|beta|b)e12\))?|\b34\s?(?:β|beta|b)e12\b"
        r"|high[- ]molecular[- ]weight cytokeratin",
        "ihc",
    ),
    ("Calretinin", r"\bcalretinin\b", "ihc"),
    ("DOG1", r"\bdog[- ]?1\b", "ihc"),
    ("BCL2", r"\bbcl[- ]?2\b", "ihc"),
    ("BCL6", r"\bbcl[- ]?6\b", "ihc"),
    ("MYC", r"\bc-?myc\b|(?-i:\bMYC\b)", "ihc"),
    ("MUM1", r"\bmum[- ]?1\b(?:\s*/\s*irf4)?|\birf4\b", "ihc"),
    ("Cyclin D1", r"\bcyclin[- ]?d1\b", "ihc"),
    ("TdT", r"\btdt\b", "ihc"),
    (
        "EBER",
        r"\bebv\s*\(\s*eber(?:[- ]ish)?\s*\)|\beber(?:[- ]ish)?\b|ebv[- ]encoded (?:small )?rnas?",
        "ihc",
    ),
    ("CD79a", r"\bcd[- ]?79\s?(?:a|alpha)\b", "ihc"),
    *((f"CD{n}", rf"\bcd[- ]?{n}\b", "ihc") for n in _CD_NUMBERS),
)
_MARKER_RE = re.compile("|".join(f"(?P<m{i}>{p})" for i, (_, p, _) in enumerate(_MARKERS)), re.I)
_KIND = {name: kind for name, _, kind in _MARKERS}

# Variants that name their gene: "T790M: not detected" is a statement about EGFR.
_HALLMARKS: tuple[tuple[str, str], ...] = (
    (r"(?-i:\bT790M\b|\bL858R\b|\bC797S\b|\bL861Q\b|\bS768I\b|\bG719[XSAC]\b)", "EGFR"),
    (r"(?-i:\bV600[EK]\b)", "BRAF"),
    (r"(?-i:\bG12C\b)", "KRAS"),
)

# --- Reading a result --------------------------------------------------------------------------

_VARIANT_RE = re.compile(
    r"c\.\s?[-*]?\d+(?:[+-]\d+)?(?:_[-*]?\d+(?:[+-]\d+)?)?(?:[ACGT]+>[ACGT]+|del[ACGT]*"
    r"(?:ins[ACGT]+)?|dup[ACGT]*|ins[ACGT]+|inv)"
    r"|p\.\([^()\s]{2,40}\)|p\.[A-Z][A-Za-z]{0,2}\d+[A-Za-z_*0-9]*"
    r"|\b[A-Z]\d{2,4}_[A-Z]\d{2,4}(?:delins|del|ins|dup)\w*"
    r"|\b[ACDEFGHIKLMNPQRSTVWY]\d{1,4}(?:fs\*?\d*|del|dup|ins|[ACDEFGHIKLMNPQRSTVWYX*])(?![\w*])"
    r"|\b\d{2,5}(?:del|ins|dup)[ACGT]+\b"
    r"|(?i:exon\s*\d{1,2}\s*(?:in-frame\s+)?(?:deletions?|del\b|insertions?|ins\b|skipping|"
    r"duplications?|splice[- ]site\s+(?:variants?|mutations?)))"
    r"|\b(?:EML4|KIF5B|CD74|CCDC6|NCOA4|SLC34A2|EZR|TPM3|ETV6|SDC4|TRIM24|LMNA|KIF5B)"
    r"[-:](?:ALK|ROS1|RET|NTRK[1-3])\b"
)
_GENE_NEG = re.compile(
    r"\bnot (?:detected|identified|found|present|amplified|rearranged|mutated)\b|\bundetected\b"
    r"|\bnone (?:detected|identified|found)\b|\bnegative\b|\bneg\b|\bwild[- ]?type\b|\bwt\b"
    r"|\bno (?:clinically |other )?(?:significant |relevant |reportable |pathogenic |actionable |"
    r"known |likely pathogenic |detectable )*(?:or likely pathogenic )?(?:variants?|mutations?|"
    r"alterations?|rearrangements?|fusions?|amplifications?|abnormalit\w+|evidence)\b"
    # "No pathogenic / likely pathogenic variant", also when a narrow cell wraps after "likely".
    r"|\bno\s+pathogenic\s*(?:/|or|and/or)\s*likely\b"
    r"|\babsen(?:t|ce)\b|\bnon-?amplified\b|\bunmutated\b|\bnon-?mutated\b",
    re.I,
)
_GENE_POS = re.compile(
    r"\bdetected\b|\bidentified\b|\bpresent\b|\bpositive\b|\bmutated\b|\bmutant\b|\bharbou?rs?\b"
    r"|\bcarrier\b|\b(?:likely )?pathogenic\b|\brearranged\b|\brearrangement (?:is )?(?:seen|"
    r"found)\b|\bamplified\b|\bfusion (?:is )?(?:seen|found)\b|\bfound\b",
    re.I,
)
_VUS_RE = re.compile(r"\bvus\b|uncertain[- ]significance|unknown significance", re.I)
_TABLE_HINT = re.compile(
    r"\bvaf\b|allele (?:frequency|fraction)|\d+(?:\.\d+)?\s*%|\btier\b|\b(?:hetero|homo|hemi)zyg"
    r"\w*|\bclass\s*[45]\b",
    re.I,
)
_VAF_RE = re.compile(
    r"(?:\bvaf\b|(?:variant )?allele (?:frequency|fraction)|\bmaf\b|\baf\b)[^\d%]{0,12}"
    r"(\d{1,3}(?:\.\d+)?)\s*%",
    re.I,
)
_PERCENT_RE = re.compile(
    r"(?P<cmp>[<>≤≥~]|approx(?:imately|\.)?\s|about\s)?\s*(?P<n>\d{1,3}(?:\.\d+)?"
    r"(?:\s*[-–]\s*\d{1,3}(?:\.\d+)?)?)\s*%"
)
_POS_IHC = re.compile(
    r"\bpositive\b|\bpos\b|\(\+\)|^\W{0,3}\+(?!\s*\d)|\bexpressed\b|\boverexpress\w*"
    r"|\bimmunoreactive\b|\bstrongly stained\b",
    re.I,
)
_NEG_IHC = re.compile(
    r"\bnegative\b|\bneg\b|\(-\)|^\s*[-−–](?=\s*(?:[,;)]|$))|\bnot expressed\b"
    r"|\bno (?:\w+ )?(?:staining|expression|immunoreactivity)\b|\bnon-?reactive\b|\babsent\b"
    r"|\bloss of (?:\w+ )?expression\b|\blost\b",
    re.I,
)
_EQUIVOCAL = re.compile(r"\bequivocal\b|\bborderline\b|\bindeterminate\b", re.I)
_MMR_LOST = re.compile(
    r"\blost\b|\bloss\b|\babsent\b|\bnegative\b|\bdeficien\w*|\bnot expressed\b|\baberrant\b"
    r"|\bno (?:nuclear )?(?:staining|expression)\b|\bdmmr\b",
    re.I,
)
_MMR_KEPT = re.compile(
    r"\bretained\b|\bintact\b|\bpreserved\b|\bpositive\b|\bexpressed\b|\bpresent\b"
    r"|\bproficien\w*|\bpmmr\b",
    re.I,
)
_HER2_SCORE_RE = re.compile(
    r"(?:score\s*[:\-]?\s*|ihc\s*[:\-]?\s*)?\b([0-3])\s*\+(?!\s*\d)|\bscore\s*[:\-]?\s*(0)\b", re.I
)
_HER2_IHC: dict[str, Status] = {"0": "negative", "1": "negative", "2": "equivocal", "3": "positive"}
_ISH_WORDS = re.compile(
    r"\bfish\b|\bish\b|in[- ]situ hybridi[sz]ation|\bsish\b|\bcish\b|\bddish\b|cep\s?17|"
    r"copy number|signals? per|break[- ]apart",
    re.I,
)
# Text that looks like a result and is not one: controls, cut-offs, thresholds.
_NOISE = re.compile(
    r"(?:(?:internal|external|positive|negative|appropriate|adequate|on-slide|tissue)\s+"
    r"(?:and\s+(?:internal|external|positive|negative)\s+)?)+controls?(?:\s+(?:were|was|are|is|"
    r"stained|reacted|showed|show|worked|positive|negative|appropriate(?:ly)?|satisfactory|"
    r"adequate))*"
    r"|(?:internal|external)\s+and\s+(?:internal|external)\s+controls?(?:\s+\w+){0,2}"
    r"|as internal control|cut[-\s\u00ad\ufffe]?off[^.;\n]{0,30}"
    r"|\([^()]*(?:[≥≤]|cut-?off|threshold|"
    r"positive if|ref\.)[^()]*\)|signal\s+amplification|reportable range[^.;\n]{0,30}"
    r"|limit of detection[^.;\n]{0,30}",
    re.I,
)


def _method(text: str) -> str:
    if _ISH_WORDS.search(text):
        return "ISH"
    if re.search(
        r"\bihc\b|immunohisto|\b(?:d5f3|d4d6|sp263|sp142|22c3|28-8|4b5|sp1|1e2|"
        r"30-9|mib-1|ventana)\b",
        text,
        re.I,
    ):
        return "IHC"
    if re.search(r"\bngs\b|next[- ]generation|sequencing|\bpanel\b", text, re.I):
        return "NGS"
    if re.search(r"\bpcr\b|real[- ]time|\barms\b", text, re.I):
        return "PCR"
    return ""


def _percent(text: str) -> str:
    m = _PERCENT_RE.search(text)
    if not m:
        return ""
    comparator = (m.group("cmp") or "").strip()
    comparator = "~" if comparator.lower().startswith(("approx", "about")) else comparator
    return f"{comparator}{m.group('n').replace(' ', '')}%"


def _earliest(text: str, patterns: dict[str, re.Pattern[str]]) -> tuple[str, re.Match[str]] | None:
    found = [
        (m.start(), -len(m.group()), key, m) for key, p in patterns.items() if (m := p.search(text))
    ]
    if not found:
        return None
    _, _, key, match = min(found, key=lambda f: (f[0], f[1]))
    return key, match


Result = tuple[Status, str, str]  # status, value, method


def _call(window: str, method: str, value: str = "") -> Result | None:
    """A positive/negative/equivocal call, the earliest in the window."""
    hit = _earliest(window, {"pos": _POS_IHC, "neg": _NEG_IHC, "eq": _EQUIVOCAL})
    if hit is None:
        return None
    status: Status = {"pos": "positive", "neg": "negative", "eq": "equivocal"}[hit[0]]  # type: ignore[assignment]
    return status, value, method


def _read_receptor(window: str, method: str) -> list[Result]:
    pct = _percent(window)
    called = _call(window, method or "IHC", pct)
    if called:
        return [called]
    return [("value", pct, method or "IHC")] if pct else []


def _read_ihc(window: str, method: str) -> list[Result]:
    if re.search(r"\brearrange", window, re.I):
        neg = re.search(
            r"\bnot rearranged\b|\bno (?:\w+ )?rearrangement|\bnegative\b", window, re.I
        )
        return [("not detected" if neg else "rearranged", "", "ISH")]
    pct = _percent(window)
    called = _call(window, method, pct)
    if called:
        return [called]
    return [("value", pct, method)] if pct else []


def _read_ki67(window: str, method: str) -> list[Result]:
    pct = _percent(window)
    return [("value", pct, method)] if pct else []


def _read_mmr(window: str, method: str, before: str) -> list[Result]:
    if re.search(r"\bloss of (?:nuclear )?(?:expression (?:of|for) )?$", before, re.I):
        return [("lost", "", method or "IHC")]
    hit = _earliest(window, {"lost": _MMR_LOST, "kept": _MMR_KEPT})
    if hit is None:
        return []
    return [("lost" if hit[0] == "lost" else "retained", "", method or "IHC")]


def _read_mmr_all(window: str, method: str) -> list[Result]:
    hit = _earliest(window, {"lost": _MMR_LOST, "kept": _MMR_KEPT})
    if hit is None:
        return []
    if hit[0] == "lost":
        return [("lost", "dMMR", method or "IHC")]
    return [("retained", "pMMR", method or "IHC")]


def _read_msi(window: str, method: str) -> list[Result]:
    hit = _earliest(
        window,
        {
            "high": re.compile(r"msi[- ]?h(?:igh)?\b|instability[- ]high|\bhigh\b", re.I),
            "low": re.compile(r"msi[- ]?l(?:ow)?\b|instability[- ]low|\blow\b", re.I),
            "stable": re.compile(r"\bmss\b|\bstable\b", re.I),
            "score": re.compile(r"\bscore\b[^.;\n]{0,15}?\d", re.I),
        },
    )
    if hit is None:
        return []
    if hit[0] == "high":
        return [("positive", "MSI-H", method)]
    if hit[0] == "low":
        return [("negative", "MSI-L", method)]
    if hit[0] == "stable":
        return [("negative", "MSS", method)]
    number = re.search(r"\d+(?:\.\d+)?\s*%?", window[hit[1].start() :])
    return [("value", f"score {number.group().strip()}", method)] if number else []


def _read_tmb(window: str, method: str) -> list[Result]:
    number = re.search(
        r"(?<![≥≤<>=\d.])\s*(\d+(?:\.\d+)?)\s*(?:mut(?:ation)?s?\s*/\s*(?:mb|megabase)|"
        r"mutations? per megabase|"
        r"/\s*mb\b)",
        window,
        re.I,
    )
    if number:
        return [("value", f"{number.group(1)} mut/Mb", method or "NGS")]
    if re.search(r"\bhigh\b|tmb[- ]h\b", window, re.I):
        return [("positive", "high", method or "NGS")]
    if re.search(r"\blow\b|tmb[- ]l\b", window, re.I):
        return [("negative", "low", method or "NGS")]
    return []


def _read_pdl1(window: str) -> list[Result]:
    label = re.search(
        r"\b(tps|cps|tc|ic|tumou?r proportion score|combined positive score)\b", window, re.I
    )
    kind = ""
    if label:
        word = label.group(1).lower()
        kind = (
            "TPS"
            if word.startswith("tum")
            else "CPS"
            if word.startswith("comb")
            else (word.upper())
        )
    after = window[label.end() :] if label else window
    window = LABEL_PHRASES.sub(lambda m: " " * len(m.group()), window)
    number = re.search(r"^[^\d<>≤≥]{0,20}?([<>≤≥]?\s*\d{1,3}(?:\.\d+)?)\s*(%?)", after)
    value = ""
    if number and (number.group(2) or label):
        figure = number.group(1).replace(" ", "")
        suffix = "" if kind == "CPS" else "%" if (number.group(2) or kind in ("TPS", "TC")) else ""
        value = f"{kind} {figure}{suffix}".strip()
    elif pct := _percent(window):
        value = pct
    if re.search(r"\bnegative\b|not expressed|no expression", window, re.I):
        return [("negative", value, "IHC")]
    if re.search(r"\bpositive\b", window, re.I) and not value:
        return [("positive", value, "IHC")]
    return [("value", value, "IHC")] if value else []


def _read_gleason(window: str) -> list[Result]:
    m = re.search(r"\b([1-5])\s*\+\s*([1-5])(?:\s*=\s*(\d{1,2}))?", window)
    if m:
        total = m.group(3) or str(int(m.group(1)) + int(m.group(2)))
    else:
        m = re.search(r"\b(\d{1,2})\s*\(\s*([1-5])\s*\+\s*([1-5])\s*\)", window)
        if not m:
            return []
        total, first, second = m.group(1), m.group(2), m.group(3)
        return [("value", f"{first}+{second}={total}", "")]
    value = f"{m.group(1)}+{m.group(2)}={total}"
    tertiary = re.search(r"tertiary (?:pattern|grade)?\s*[:\-]?\s*([3-5])", window, re.I)
    if tertiary:
        value += f", tertiary pattern {tertiary.group(1)}"
    return [("value", value, "")]


def _read_grade_group(window: str) -> list[Result]:
    m = re.match(r"\s*[:\-]?\s*(?:of\s*)?([1-5])\b", window)
    return [("value", f"Grade Group {m.group(1)}", "")] if m else []


def _read_nottingham(window: str) -> list[Result]:
    m = re.match(
        r"[^.;\n]{0,25}?\bgrade\s*[:\-]?\s*(III|II|I|[1-3])\b(?:\s*\((?:total\s+)?score\s*[:\-]?"
        r"\s*(\d)\s*/\s*9\))?",
        window,
        re.I,
    )
    if not m:
        return []
    grade = {"I": "1", "II": "2", "III": "3"}.get(m.group(1).upper(), m.group(1))
    return [("value", f"Grade {grade}" + (f" (score {m.group(2)}/9)" if m.group(2) else ""), "")]


def _read_her2(window: str, method: str) -> list[Result]:
    if re.search(r"\bmutat\w*|\bvariants?\b|\bexon\b|insertion", window, re.I):
        return _read_gene("HER2", window, "", method or "NGS")
    results: list[Result] = []
    ish = bool(_ISH_WORDS.search(window))
    score = _HER2_SCORE_RE.search(window)
    if score:
        s = score.group(1) or score.group(2)
        results.append((_HER2_IHC[s], f"{s}+" if s != "0" else "0", "IHC"))
    if re.search(r"not amplified|non-?amplified|no amplification|amplification not", window, re.I):
        results.append(("negative", "not amplified", "ISH"))
    elif re.search(
        r"(?<!not )(?<!non-)(?<!non )\bamplified\b|amplification (?:is )?"
        r"(?:detected|seen|present|observed)",
        window,
        re.I,
    ):
        results.append(("positive", "amplified", "ISH"))
    if results:
        return results
    called = _call(window, "ISH" if ish else method)
    return [called] if called else []


_NEGATION_BEFORE = re.compile(
    r"(?:\bno\b(?!\.)|\bnot\b(?! (?:been )?(?:tested|done|performed|assessed|evaluated|"
    r"evaluable|available))|negative for|absence of|without)[^.;\n]{0,30}$",
    re.I,
)


# "Repeat biopsy shows EGFR T790M", "the tumour harbours a KRAS G12C mutation".
_POSITIVE_BEFORE = re.compile(
    r"\b(?:show(?:s|ed|ing)?|reveal(?:s|ed|ing)?|demonstrat\w+|harbou?r\w*|carr(?:ies|ying)|"
    r"confirm(?:s|ed)?|positive for)\s+(?:an?\s+|the\s+)?$",
    re.I,
)


def _read_gene(
    name: str, window: str, before: str, method: str, chained: bool = False
) -> list[Result]:
    """Mutations, fusions and amplifications: the earliest statement in the window decides. A
    negation before a list ("No EGFR, KRAS or BRAF mutation") covers it, unless a marker of the
    list names its own variant."""
    variants = [m.group().strip() for m in _VARIANT_RE.finditer(window)]
    if _NEGATION_BEFORE.search(before) and not (chained and variants):
        return [("not detected", _variant_value(variants), method)]
    hit = _earliest(
        window,
        {
            "variant": _VARIANT_RE,
            "neg": _GENE_NEG,
            "pos": _GENE_POS,
            "vus": _VUS_RE,
        },
    )
    shown_before = bool(_POSITIVE_BEFORE.search(before))
    if hit is None:
        if shown_before and re.match(
            r"\W*(?:gene\s+)?(?:mutation|rearrangement|fusion|"
            r"amplification)",
            window,
            re.I,
        ):
            return [(_positive_status(name, window), "", method)]
        return []
    key, match = hit
    if key == "variant":
        rest = window[match.end() :]
        after = _earliest(rest, {"neg": _GENE_NEG, "pos": _GENE_POS, "vus": _VUS_RE})
        shown = [
            m.group().strip()
            for m in _VARIANT_RE.finditer(
                window[: match.end() + (after[1].start() if after else len(rest))]
            )
        ]
        if after and after[0] == "neg":
            return [("not detected", _variant_value(shown), method)]
        if after and after[0] == "vus":
            return [("VUS", _variant_value(shown), method)]
        # A variant with no word after it is a result only in a results table (its VAF, tier
        # or zygosity beside it) or in HGVS, which reports print only for variants found.
        hgvs = bool(re.search(r"\b[cp]\.", match.group()))
        if after is None and not hgvs and not _TABLE_HINT.search(rest) and not shown_before:
            return []
        return [(_positive_status(name, window), _variant_value(shown), method)]
    if key == "vus":
        return [("VUS", _variant_value(variants), method)]
    if key == "neg":
        # A row that says no for one column and names a variant found in the next ("BRCA2  No
        # pathogenic variant (germline)  c.6486_6489del ... DETECTED (somatic)"): the variant
        # found is the result; a negation never hides it.
        for found in _VARIANT_RE.finditer(window, match.end()):
            if not re.search(r"\b[cp]\.", found.group()):
                continue
            after = _earliest(window[found.end() :], {"neg": _GENE_NEG, "pos": _GENE_POS})
            if after and after[0] == "pos":
                shown = [
                    m.group().strip()
                    for m in _VARIANT_RE.finditer(
                        window, found.start(), found.end() + after[1].start()
                    )
                ]
                return [(_positive_status(name, window), _variant_value(shown), method)]
        word = match.group().lower()
        if "wild" in word or word == "wt":
            return [("wild-type", "", method)]
        if word in ("negative", "neg"):
            return [("negative", _variant_value(variants[:1]), method)]
        return [("not detected", "", method)]
    status = _positive_status(name, window)
    if match.group().lower() == "positive" and status == "mutated" and method == "IHC":
        status = "positive"
    return [(status, _variant_value(variants), method)]


def _positive_status(name: str, window: str) -> Status:
    if re.search(r"rearrang|fusion|break[- ]apart|split signal", window, re.I):
        return "rearranged"
    if re.search(r"\bamplifi", window, re.I):
        return "amplified"
    if name in ("ALK", "ROS1", "RET", "NTRK") and not re.search(
        r"mutat|variant|c\.\d|p\.", window, re.I
    ):
        return "positive" if re.search(r"\bpositive\b", window, re.I) else "rearranged"
    return "mutated"


def _variant_value(variants: Sequence[str]) -> str:
    """The protein change as labs print it, with its HGVS beside it: "L858R (c.2573T>G
    p.(Leu858Arg))"."""
    unique: list[str] = []
    for v in variants:
        if v not in unique:
            unique.append(v)
    short = [v for v in unique if not re.match(r"[cp]\.", v)]
    hgvs = [v for v in unique if re.match(r"[cp]\.", v)]
    if short and hgvs:
        return f"{short[0]} ({' '.join(hgvs)})"
    return ", ".join(short) if short else " ".join(hgvs)


def _read(
    kind: Kind, name: str, window: str, before: str, method: str, chained: bool = False
) -> list[Result]:
    readers: dict[Kind, Callable[[], list[Result]]] = {
        "receptor": lambda: _read_receptor(window, method),
        "her2": lambda: _read_her2(window, method),
        "ki67": lambda: _read_ki67(window, method),
        "gene": lambda: _read_gene(name, window, before, method, chained),
        "ihc": lambda: _read_ihc(window, method),
        "mmr": lambda: _read_mmr(window, method, before),
        "mmr_all": lambda: _read_mmr_all(window, method),
        "msi": lambda: _read_msi(window, method),
        "tmb": lambda: _read_tmb(window, method),
        "pdl1": lambda: _read_pdl1(window),
        "gleason": lambda: _read_gleason(window),
        "grade_group": lambda: _read_grade_group(window),
        "nottingham": lambda: _read_nottingham(window),
    }
    results = readers[kind]()
    if (
        not results
        and kind in ("receptor", "ihc", "gene", "her2")
        and _NEGATION_BEFORE.search(before)
    ):
        return [("negative" if kind != "gene" else "not detected", "", method)]
    return results


# --- Finding the mentions ----------------------------------------------------------------------

_ASSERTED: frozenset[Category] = frozenset(
    {"not_tested", "recommended", "historical", "family", "hypothetical", "generic"}
)
# A marker named as part of a drug or a therapy ("EGFR tyrosine kinase inhibitor",
# "anti-EGFR therapy", "HER2-targeted") is not a test.
_DRUG_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,12}\)\s*)?[- ]?(?:targeted|directed|tyrosine[- ]kinase inhibitors?|tkis?\b|"
    r"inhibitors?\b|blockers?\b|antagonists?\b|antibod\w+|therap\w+)",
    re.I,
)
_LIST_FILLER = re.compile(
    r"(?:[\s,/&:]|\band\b|\bor\b|\([^()]{0,20}\)|\b(?:ihc|fish|ish|ngs|pcr|gene|genes|mutations?"
    r"|rearrangements?|fusions?|testing|tests?|status|proteins?|expression|analysis|by)\b)*",
    re.I,
)
_PROPAGATES = frozenset({"positive", "negative", "not detected", "wild-type", "retained", "lost"})


@dataclass(frozen=True)
class _Mention:
    name: str
    start: int
    end: int
    kind: Kind
    implied: bool = False  # a variant that names its gene ("T790M")


# A marker named with a year, as guidelines are cited: "HER2 2023", "ER/PR 2020,".
_CITED_AFTER = re.compile(r"(?:\s*/\s*[A-Za-z][\w-]{0,10})?\s+(?:19|20)\d\d\b(?!\s*%)")


def _mentions(text: str) -> list[_Mention]:
    found: list[_Mention] = []
    for match in _MARKER_RE.finditer(text):
        index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
        name, _, kind = _MARKERS[index]
        before = text[max(0, match.start() - 6) : match.start()]
        after = text[match.end() : match.end() + 40]
        if _DRUG_AFTER.search(after) or re.search(r"anti[- ]?$", before, re.I):
            continue
        if _CITED_AFTER.match(after):
            continue  # a guideline's edition ("ASCO/CAP (ER/PR 2020, HER2 2023)"): no result
        if name == "EGFR" and re.search(r"^[^a-z\n]{0,12}\d[\d.]*\s*ml\s*/\s*min", after, re.I):
            continue  # the kidney's eGFR printed in capitals
        found.append(_Mention(name, match.start(), match.end(), kind))
    for pattern, gene in _HALLMARKS:
        for match in re.finditer(pattern, text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            preceding = [
                m for m in found if m.name == gene and line_start <= m.start < match.start()
            ]
            stated = re.match(
                r"\s*[:\-–]?\s*(?:mutation\s*)?(?:\([^)]{0,40}\)\s*)?(?:not\b|"
                r"detected|negative|positive|absent|present)",
                text[match.end() :],
                re.I,
            )
            absent_before = re.search(
                r"(?:absence of|\bno\b(?!\.))\s*$", text[line_start : match.start()], re.I
            )
            if not preceding and (stated or absent_before):
                found.append(_Mention(gene, match.start(), match.end(), "gene", implied=True))
    found.sort(key=lambda m: m.start)
    return found


def _join_wrapped_cells(text: str) -> str:
    """Puts back together a table's first cell that wrapped over several lines while the next
    column went on ("KRAS, NRAS,   No variant detected" / "PIK3CA, MET"), when the wrapped parts
    are only marker names; the text keeps its length, so offsets and pages still hold."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        gap = re.search(r"\S(\s{3,})\S", lines[i])
        first = lines[i][: gap.start(1)] if gap else ""
        if not gap or not first.rstrip().endswith((",", ":")):
            i += 1
            continue
        taken: list[tuple[int, str, str]] = []  # line, cell, what is left of the line
        j = i + 1
        while j < len(lines):
            cell_gap = re.search(r"\S(\s{3,})\S", lines[j])
            cell = lines[j][: cell_gap.start(1)] if cell_gap else lines[j]
            if not cell.strip() or not _only_markers(cell):
                break
            taken.append((j, cell.strip(), lines[j][len(cell) :]))
            if not cell.rstrip().endswith(","):
                break
            j += 1
        if not taken:
            i += 1
            continue
        original = "\n".join(lines[i : taken[-1][0] + 1])
        merged = [
            first.rstrip() + " " + " ".join(c for _, c, _ in taken) + lines[i][gap.start(1) :]
        ]
        merged += [rest for _, _, rest in taken]
        block = "\n".join(merged)
        while len(block) > len(original) and re.search(r"\s{3,}", block):
            run = re.search(r"\s{3,}", block)
            if run is None:
                break
            block = block[: run.start()] + block[run.start() + 1 :]
        if len(block) != len(original) and len(block) > len(original):
            i += 1
            continue
        block += " " * (len(original) - len(block))
        lines[i : taken[-1][0] + 1] = block.split("\n")
        i = taken[-1][0] + 1
    return "\n".join(lines)


def _only_markers(cell: str) -> bool:
    rest = _MARKER_RE.sub(" ", cell)
    rest = re.sub(r"\([^()]{0,20}\)|[,/&;]|\band\b|\bor\b", " ", rest, flags=re.I)
    return not rest.strip() and bool(_MARKER_RE.search(cell))


def _window_end(text: str, ctx: Context, start: int, next_mention: int, kind: Kind) -> int:
    """A marker's result lies after it: up to the next marker, the end of the sentence, or the
    end of its table row; a row whose result is on the next line (a wrapped cell) goes on."""
    stop = min(next_mention, start + 240)
    sentence = re.search(
        r"(?<!\d)\.(?!\d)(?=\s)|\n\s*\n|\f" + ("" if kind == "her2" else "|;"), text[start:stop]
    )
    if sentence:
        stop = start + sentence.start()
    for trigger in ctx.triggers_in(start, stop, _ASSERTED - {"historical", "family"}):
        stop = min(stop, trigger.start)
    position = start
    for _ in range(5):
        newline = text.find("\n", position, stop)
        if newline == -1:
            return stop
        if _RESULT_HINT.search(text[start:newline]) or _VARIANT_RE.search(text[start:newline]):
            return newline
        position = newline + 1
    return text.find("\n", position, stop) if text.find("\n", position, stop) != -1 else stop


_RESULT_HINT = re.compile(
    RESULT_TERMS.pattern
    + r"|\b(?:no|not|wild|wt|score|tps|cps|mut\w*|neg|pos|equivocal|borderline|carrier|"
    r"pathogenic|vus|uncertain|deficient|proficient|high|low|stable)\b|\d\s*\+|[<>≥≤]\s*\d",
    re.I,
)


def _in_list(text: str, ctx: Context, end: int, next_start: int) -> bool:
    """Whether only separators ("," "and" a clone in brackets) lie between two mentions."""
    return bool(_LIST_FILLER.fullmatch(text[end:next_start])) and not ctx.boundary_between(
        end, next_start
    )


def _note(text: str, ctx: Context, start: int, end: int) -> str:
    """Why a test was not done, when the report says."""
    trigger = ctx.modifier(start, end, frozenset({"not_tested"}))
    if trigger is None:
        return ""
    low, high = ctx.sentence(trigger.start, trigger.end)
    reason = re.search(
        r"\b(?:insufficient|inadequate|scanty|suboptimal|poor)\s+(?:\w+\s+)?(?:tissue|material|"
        r"sample|specimen|tumou?r|cells|cellularity|dna|rna|quantity|quality|yield)\b",
        text[low:high],
        re.I,
    )
    if reason:
        return reason.group()[0].lower() + reason.group()[1:]
    after = re.match(
        r"\W{0,3}(?:\(([^()]{3,60})\)|(?:due to|because of|owing to)\s+([^.;\n()]{3,60}))",
        text[trigger.end : high],
        re.I,
    )
    if after:
        said = (after.group(1) or after.group(2)).strip()
        return said[0].lower() + said[1:]
    return ""


def _origin(name: str, text: str, ctx: Context, start: int, end: int, document: str) -> str:
    if not name.startswith("BRCA") and name != "PALB2":
        return ""
    low, high = ctx.sentence(start, end)
    local = text[low:high]
    for source in (local, document):
        germline = re.search(r"\bgermline\b|\bhereditary\b|\bconstitutional\b", source, re.I)
        somatic = re.search(r"\bsomatic\b|\btumou?r (?:tissue|dna|sample|testing)\b", source, re.I)
        if germline and not somatic:
            return "germline"
        if somatic and not germline:
            return "somatic"
    return ""


def _biomarkers(text: str, ctx: Context, page_of: Callable[[int], int | None]) -> list[Biomarker]:
    mentions = _mentions(text)
    cleaned = _NOISE.sub(lambda m: " " * len(m.group()), text)
    outside_boilerplate = (
        "".join(ch if ctx.section_of(i) != "generic" else " " for i, ch in enumerate(text))
        if any(s.category == "generic" for s in ctx.sections)
        else text
    )
    document_has_vaf = bool(re.search(r"\bvaf\b|allele (?:frequency|fraction)", text, re.I))
    found: list[Biomarker] = []
    pending: list[_Mention] = []
    chain_start = 0  # the first mention of the list this one belongs to ("No EGFR, KRAS or BRAF")
    for i, mention in enumerate(mentions):
        names = ("BRCA1", "BRCA2") if mention.name == "BRCA1/2" else (mention.name,)
        page = page_of(mention.start)
        next_start = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        assertion = ctx.assertion(mention.start, mention.end, _ASSERTED)
        sentence_start = ctx.sentence(mention.start, mention.end)[0]
        if not i or not _in_list(text, ctx, mentions[i - 1].end, mention.start):
            chain_start = i
        previous_end = mentions[chain_start - 1].end if chain_start else 0
        first = mentions[chain_start].start
        before = cleaned[max(sentence_start, previous_end, first - 60) : first]
        before = _TERMINATOR.split(before)[-1]
        method = _method(before + text[mention.end : min(next_start, mention.end + 80)])
        if assertion in ("hypothetical", "generic"):
            pending.clear()
            continue
        if assertion is not None:
            note = _note(text, ctx, mention.start, mention.end) if assertion == "not_tested" else ""
            if not method:
                # "FISH for MYC, BCL2 and BCL6 is recommended": the sentence's one method.
                low, high = ctx.sentence(mention.start, mention.end)
                methods = {
                    _method(m.group())
                    for m in re.finditer(r"\b\w[\w-]*\b", text[low:high])
                    if _method(m.group())
                }
                method = methods.pop() if len(methods) == 1 else ""
            for name in names:
                found.append(Biomarker(name, "", "", method, page, assertion, note=note))  # type: ignore[arg-type]
            pending.clear()
            continue
        stop = _window_end(text, ctx, mention.end, next_start, mention.kind)
        starts_with_status = mention.kind in ("msi", "mmr_all") or mention.implied
        window = cleaned[mention.start if starts_with_status else mention.end : stop]
        results = []
        for name in names:
            results = _read(mention.kind, name, window, before, method, chain_start != i)
        if not results:
            if _in_list(text, ctx, mention.end, next_start) and mention.kind not in (
                "gleason",
                "grade_group",
                "nottingham",
                "tmb",
            ):
                pending.append(mention)  # part of a list; it takes the status that ends it
            else:
                pending.clear()
            continue
        for status, value, result_method in results:
            for other in pending:
                if (
                    status in _PROPAGATES
                    and _KIND[other.name] == mention.kind
                    or (
                        status in _PROPAGATES
                        and {_KIND[other.name], mention.kind} <= {"gene", "her2"}
                    )
                ):
                    for other_name in (
                        ("BRCA1", "BRCA2") if other.name == "BRCA1/2" else (other.name,)
                    ):
                        found.append(
                            Biomarker(
                                other_name,
                                status,
                                "",
                                result_method,
                                page_of(other.start),
                                origin=_origin(
                                    other_name,
                                    text,
                                    ctx,
                                    other.start,
                                    other.end,
                                    outside_boilerplate,
                                ),
                            )
                        )
            vaf = ""
            if status in ("mutated", "VUS", "rearranged", "amplified"):
                labelled = _VAF_RE.search(window)
                if labelled:
                    vaf = f"{labelled.group(1)}%"
                elif document_has_vaf and value:
                    bare = re.search(
                        r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*%",
                        window[max(0, window.find(value.split(" ")[0])) :],
                    )
                    vaf = f"{bare.group(1)}%" if bare else ""
            for name in names:
                found.append(
                    Biomarker(
                        name,
                        status,
                        value,
                        result_method,
                        page,
                        vaf=vaf,
                        origin=_origin(
                            name, text, ctx, mention.start, mention.end, outside_boilerplate
                        ),
                    )
                )
        pending.clear()
    return _dedupe(found)


def _variant_tokens(value: str) -> set[str]:
    return {m.group().strip().lower() for m in _VARIANT_RE.finditer(value)}


def _dedupe(found: list[Biomarker]) -> list[Biomarker]:
    """One entry per marker, method, assertion and result; a later, more specific line (with a
    value, a variant or a VAF) replaces a summary line. The overall MMR call is left out when the
    report gives the four proteins, and a marker's "not detected" variants are listed together."""
    kept: list[Biomarker] = []
    for marker in found:
        twin = next((k for k in kept if _same(k, marker)), None)
        if twin is None:
            kept.append(marker)
            continue
        index = kept.index(twin)
        fuller = _variant_tokens(marker.value) > _variant_tokens(twin.value) or (
            bool(twin.value)
            and marker.value.startswith(twin.value)
            and len(marker.value) > len(twin.value)
        )
        if (marker.value and not twin.value) or fuller or (marker.vaf and not twin.vaf):
            kept[index] = replace(
                marker,
                vaf=marker.vaf or twin.vaf,
                page=twin.page if twin.page is not None else marker.page,
            )
    called = {k.name for k in kept if k.status in ("positive", "negative", "equivocal")}
    kept = [
        k
        for k in kept
        if not (
            k.status == "value" and k.name in called and _KIND.get(k.name) in ("ihc", "receptor")
        )
    ]
    proteins = {"MLH1", "PMS2", "MSH2", "MSH6"}
    if any(k.name in proteins and k.status for k in kept):
        kept = [k for k in kept if not (k.name == "MMR" and k.status)]
    merged: list[Biomarker] = []
    for marker in kept:
        if marker.status == "not detected" and marker.value:
            other = next(
                (
                    m
                    for m in merged
                    if m.name == marker.name
                    and m.status == "not detected"
                    and m.value
                    and m.method == marker.method
                ),
                None,
            )
            if other is not None:
                if marker.value not in other.value.split(", "):
                    merged[merged.index(other)] = replace(
                        other, value=f"{other.value}, {marker.value}"
                    )
                continue
        merged.append(marker)
    # Grading scores repeat the tumour's grade; the markers come first.
    scores = ("Gleason", "Grade Group", "Nottingham grade")
    return [m for m in merged if m.name not in scores] + [m for m in merged if m.name in scores]


def _same(a: Biomarker, b: Biomarker) -> bool:
    if a.name != b.name or a.assertion != b.assertion:
        return False
    if a.assertion != "stated":
        return True
    if a.status != b.status:
        return False
    methods_differ = a.method and b.method and a.method != b.method
    if methods_differ:
        return False
    if a.status in ("mutated", "VUS", "rearranged", "amplified"):
        ta, tb = _variant_tokens(a.value), _variant_tokens(b.value)
        return not ta or not tb or bool(ta & tb)
    if a.status == "not detected":
        return a.value == b.value or not a.value or not b.value
    return True


def extract_biomarkers(text: str, *, page: int | None = None) -> list[Biomarker]:
    """Finds biomarkers and what the report asserts about each; a marker listed with others
    ('EGFR, ALK and ROS1 negative') takes the status of the group."""
    text = text.replace("\r", " ")
    text = _join_wrapped_cells(text)
    return _biomarkers(text, Context(text), lambda _offset: page)


def extract_oncology(pages_or_text: Sequence[Page] | str) -> OncologyFacts:
    """Collects the tumour's facts over a document's pages; the first clear mention wins."""
    if isinstance(pages_or_text, str):
        sources: list[tuple[int | None, str]] = [(None, pages_or_text)]
    else:
        sources = [(page.number, page.text) for page in pages_or_text if not isinstance(page, str)]
    facts = OncologyFacts()
    for number, text in sources:
        for name, find in (("grade", _grade), ("tnm", _tnm), ("stage", _stage)):
            if not getattr(facts, name):
                value = find(text)
                if value:
                    setattr(facts, name, value)
                    facts.pages[name] = number
    # The rest reads the document as a whole: a section, a list or a sentence may run on from
    # one page to the next.
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for _, text in sources:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 3
    full = _join_wrapped_cells("\n\f\n".join(parts).replace("\r", " "))
    numbers = [number for number, _ in sources]

    def page_of(at: int) -> int | None:
        return numbers[bisect_right(starts, at) - 1] if numbers else None

    ctx = Context(full)
    facts.histology, histology_at = _histology(full, ctx)
    if facts.histology:
        facts.pages["histology"] = page_of(histology_at)
    site, site_at = _site_from(full, ctx, histology_at)
    facts.cancer_type = _cancer_type(site, facts.histology, full)
    haematological = facts.cancer_type == "lymphoma" or facts.cancer_type in (
        "acute myeloid leukaemia",
        "acute lymphoblastic leukaemia",
        "multiple myeloma",
    )
    if site and not haematological:
        facts.site = site
        facts.pages["site"] = page_of(site_at)
    if facts.cancer_type:
        facts.pages["type"] = facts.pages.get("histology", facts.pages.get("site"))
    facts.biomarkers = _biomarkers(full, ctx, page_of)
    return facts
