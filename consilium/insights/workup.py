"""Investigations a second opinion needs but the documents do not show.

Minimum work-ups follow published guidance: ASCO/CAP ER/PR (2020) and HER2 (2018, 2023) testing
guidelines and the AJCC 8th edition for breast; CAP/IASLC/AMP molecular testing guideline (2018)
and ESMO/NCCN NSCLC guidelines for lung; NCCN/ESMO colorectal guidelines (MMR/MSI for every
patient, RAS/BRAF before anti-EGFR therapy, baseline CEA); NCCN prostate (PSA, Gleason/ISUP Grade
Group); the Lugano classification (2014) for lymphoma (excisional biopsy with IHC, PET-CT, LDH).
The general set is what any oncologist asks for before treatment: a recent blood count and kidney
and liver function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from consilium.insights.context import Category, Context
from consilium.insights.labs import LabResult
from consilium.insights.oncology import Biomarker, OncologyFacts


@dataclass(frozen=True)
class Missing:
    item: str
    why: str
    # The biomarkers the item is about, so a test the report recommends is listed once.
    markers: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {"item": self.item, "why": self.why}


# A test the report only recommends, plans, says was not done, or names for a relative does not
# show its result; one from an earlier report does.
_NOT_DONE: frozenset[Category] = frozenset(
    {"not_tested", "recommended", "family", "hypothetical", "generic", "negated"}
)
_ASKED: frozenset[Category] = frozenset({"not_tested", "recommended"})


@dataclass(frozen=True)
class Evidence:
    facts: OncologyFacts
    labs: Sequence[LabResult]
    text: str

    @cached_property
    def context(self) -> Context:
        return Context(self.text)

    def marker(self, *names: str) -> bool:
        """Whether the documents give a result for one of the markers (an earlier report's
        counts: the test was done)."""
        return any(
            b.name in names
            and (b.assertion == "historical" or (b.assertion == "stated" and b.status))
            for b in self.facts.biomarkers
        )

    def lab(self, *names: str) -> bool:
        return any(lab.name in names for lab in self.labs)

    def says(self, pattern: str) -> bool:
        """Whether the text names the test as done (not recommended, planned or not done)."""
        return any(
            self.context.assertion(m.start(), m.end(), _NOT_DONE) is None
            for m in re.finditer(pattern, self.text, re.I)
        )

    def asked(self, markers: Sequence[str], mentions: str = "") -> tuple[set[str], str]:
        """What the report says of the tests it did not do: recommended, not tested, and why."""
        said: set[str] = set()
        note = ""
        for b in self.facts.biomarkers:
            if b.name in markers and b.assertion in _ASKED:
                said.add(b.assertion)
                note = note or b.note
        if mentions:
            for m in re.finditer(mentions, self.text, re.I):
                category = self.context.assertion(m.start(), m.end(), _ASKED)
                if category is not None:
                    said.add(category)
        return said, note


Check = Callable[[Evidence], bool]


@dataclass(frozen=True)
class Rule:
    item: str
    why: str
    present: Check
    markers: tuple[str, ...] = ()
    mentions: str = ""  # the test's name in words, for tests that are not biomarkers


def _her2_ish_needed(e: Evidence) -> bool:
    """HER2 IHC 2+ (equivocal) needs reflex in situ hybridisation; a printed ISH result closes
    it (ASCO/CAP 2018, 2023)."""
    stated = [b for b in e.facts.biomarkers if b.name == "HER2" and b.assertion == "stated"]
    equivocal = any(b.status == "equivocal" and b.method != "ISH" for b in stated)
    ish_done = any(b.method == "ISH" and b.status for b in stated)
    return equivocal and not ish_done


def _m_unknown(e: Evidence) -> bool:
    """No stage group and no M category: unstaged, or a TNM without M (a core biopsy or a
    resection before staging scans)."""
    tnm = e.facts.tnm
    return not e.facts.stage and (not tnm or "M" not in tnm.upper().split("N", 1)[-1])


def _staged(e: Evidence) -> bool:
    return bool(e.facts.tnm or e.facts.stage)


STAGE_WHY = (
    "Stage decides between surgery first, chemotherapy first or treatment for spread disease."
)

# The rules per condition. Texts are gettext'd at call time.
RULES: dict[str, list[Rule]] = {
    "breast": [
        Rule(
            "ER (oestrogen receptor) status",
            "ER status decides whether hormone therapy such as tamoxifen or an aromatase inhibitor "
            "will help.",
            lambda e: e.marker("ER"),
            ("ER",),
        ),
        Rule(
            "PR (progesterone receptor) status",
            "PR status adds to ER in choosing hormone therapy and judging the outlook.",
            lambda e: e.marker("PR"),
            ("PR",),
        ),
        Rule(
            "HER2 status",
            "HER2 status decides whether HER2-targeted therapy such as trastuzumab is an option.",
            lambda e: e.marker("HER2"),
            ("HER2",),
        ),
        Rule(
            "HER2 in situ hybridisation (FISH) for the equivocal (2+) result",
            "An IHC 2+ result is equivocal; only FISH/ISH shows whether trastuzumab will help.",
            lambda e: not _her2_ish_needed(e),
            ("HER2",),
        ),
        Rule(
            "Tumour grade",
            "Grade shows how fast the cancer is likely to grow and guides chemotherapy.",
            lambda e: bool(e.facts.grade),
        ),
        Rule("Stage (TNM)", STAGE_WHY, _staged),
        Rule(
            "Staging for distant spread (M category)",
            "Whether the cancer has spread beyond the breast and nodes changes the whole treatment "
            "plan.",
            lambda e: not _m_unknown(e),
        ),
    ],
    "non-small cell lung cancer": [
        Rule(
            "EGFR mutation test",
            "An EGFR mutation means tablets such as osimertinib may work better than chemotherapy.",
            lambda e: e.marker("EGFR"),
            ("EGFR",),
        ),
        Rule(
            "ALK rearrangement test",
            "An ALK rearrangement means targeted tablets such as "
            "alectinib may work better than chemotherapy.",
            lambda e: e.marker("ALK"),
            ("ALK",),
        ),
        Rule(
            "ROS1 rearrangement test",
            "A ROS1 rearrangement can be treated with targeted tablets "
            "such as crizotinib or entrectinib.",
            lambda e: e.marker("ROS1"),
            ("ROS1",),
        ),
        Rule(
            "KRAS mutation test",
            "A KRAS G12C mutation can be treated with sotorasib or adagrasib.",
            lambda e: e.marker("KRAS"),
            ("KRAS",),
        ),
        Rule(
            "BRAF mutation test",
            "A BRAF V600E mutation can be treated with dabrafenib and trametinib.",
            lambda e: e.marker("BRAF"),
            ("BRAF",),
        ),
        Rule(
            "MET exon 14 skipping test",
            "MET exon 14 skipping can be treated with capmatinib or tepotinib.",
            lambda e: e.marker("MET"),
            ("MET",),
        ),
        Rule(
            "RET fusion test",
            "A RET fusion can be treated with selpercatinib or pralsetinib.",
            lambda e: e.marker("RET"),
            ("RET",),
        ),
        Rule(
            "NTRK fusion test",
            "An NTRK fusion can be treated with larotrectinib or entrectinib.",
            lambda e: e.marker("NTRK"),
            ("NTRK",),
        ),
        Rule(
            "PD-L1 expression (TPS)",
            "PD-L1 level decides whether immunotherapy such as "
            "pembrolizumab is an option, alone or with chemotherapy.",
            lambda e: e.marker("PD-L1"),
            ("PD-L1",),
        ),
        Rule("Stage (TNM)", STAGE_WHY, _staged),
    ],
    "colorectal cancer": [
        Rule(
            "Mismatch repair (MMR) or MSI status",
            "dMMR/MSI-high cancers respond well to "
            "immunotherapy and it screens for Lynch syndrome.",
            lambda e: e.marker("MMR", "MSI", "MLH1", "PMS2", "MSH2", "MSH6"),
            ("MMR", "MSI", "MLH1", "PMS2", "MSH2", "MSH6"),
        ),
        Rule(
            "KRAS and NRAS mutation tests",
            "Anti-EGFR drugs such as cetuximab only help when KRAS "
            "and NRAS are normal (wild-type).",
            lambda e: e.marker("KRAS") and e.marker("NRAS"),
            ("KRAS", "NRAS"),
        ),
        Rule(
            "BRAF mutation test",
            "A BRAF V600E mutation changes the outlook and allows encorafenib with cetuximab.",
            lambda e: e.marker("BRAF"),
            ("BRAF",),
        ),
        Rule(
            "CEA blood test",
            "A baseline CEA is needed to follow the cancer after treatment.",
            lambda e: e.lab("CEA") or e.says(r"\bcea\b[^.\n]{0,20}\d"),
            mentions=r"\bcea\b",
        ),
        Rule("Stage (TNM)", STAGE_WHY, _staged),
    ],
    "prostate cancer": [
        Rule(
            "PSA blood test",
            "PSA level is part of the risk group that decides treatment.",
            lambda e: e.lab("PSA") or e.says(r"\bpsa\b[^.\n]{0,20}\d"),
            mentions=r"\bpsa\b",
        ),
        Rule(
            "Gleason score / Grade Group",
            "Gleason score (Grade Group) is the strongest guide to how aggressive the cancer is.",
            lambda e: e.marker("Gleason", "Grade Group") or e.facts.grade.startswith("Grade Group"),
            ("Gleason", "Grade Group"),
        ),
    ],
    "lymphoma": [
        Rule(
            "Excisional biopsy with immunohistochemistry",
            "The exact lymphoma type, which decides "
            "treatment, needs a whole node examined with IHC; a needle sample is often not enough.",
            lambda e: (
                e.says(r"excision|excisional|immunohisto|\bihc\b")
                or e.marker("CD20", "CD3", "CD30")
            ),
        ),
        Rule(
            "PET-CT scan",
            "PET-CT stages lymphoma and is the baseline to judge response.",
            lambda e: e.says(r"pet[- /]?ct|\bpet\b"),
            mentions=r"pet[- /]?ct|\bpet\b",
        ),
        Rule(
            "LDH blood test",
            "LDH is part of the prognostic index (IPI) used to choose treatment intensity.",
            lambda e: e.lab("LDH"),
            mentions=r"\bldh\b|lactate dehydrogenase",
        ),
    ],
}
GENERAL: list[Rule] = [
    Rule(
        "Recent complete blood count",
        "Blood counts show whether it is safe to start chemotherapy or surgery.",
        lambda e: e.lab("Haemoglobin", "White blood cell count", "Platelet count"),
    ),
    Rule(
        "Kidney function (creatinine)",
        "Kidney function sets the safe doses of many cancer drugs.",
        lambda e: e.lab("Creatinine", "Urea", "Blood urea nitrogen"),
    ),
    Rule(
        "Liver function tests",
        "Liver function sets the safe doses of many cancer drugs and can show spread to the liver.",
        lambda e: e.lab("Total bilirubin", "ALT", "AST"),
    ),
]
# HER2 IHC 2+ needs ISH whatever the cancer (breast and stomach alike); breast lists it above.
HER2_ISH = RULES["breast"][3]


def _condition(facts: OncologyFacts) -> str | None:
    kind = facts.cancer_type
    if kind in RULES:
        return kind
    if facts.site == "breast" or kind == "breast cancer":
        return "breast"
    return None


def _said(said: set[str], note: str) -> str:
    """What the report itself says of a test it did not do, in one sentence."""
    if "not_tested" in said:
        reason = f" ({note})" if note else ""
        if "recommended" in said:
            return _("The report says it was not done%(reason)s and recommends it.") % {
                "reason": reason
            }
        return _("The report says it was not done%(reason)s.") % {"reason": reason}
    if "recommended" in said:
        return _("The report recommends it.")
    return ""


_MALIGNANT = re.compile(
    r"carcinoma|sarcoma|lymphoma|leuk(?:a)?emia|myeloma|melanoma|glioma|blastoma|mesothelioma"
    r"|malignan|cancer|metasta",
    re.I,
)


def shows_cancer(facts: OncologyFacts) -> bool:
    """Whether the documents state a cancer: a type, a site, a stage or a malignant histology."""
    return bool(
        facts.cancer_type
        or facts.site
        or facts.tnm
        or facts.stage
        or _MALIGNANT.search(facts.histology)
    )


def missing_investigations(
    *, facts: OncologyFacts, labs: Sequence[LabResult], text: str = "", cancer: bool | None = None
) -> list[Missing]:
    """Lists what the condition's minimum work-up needs and the documents do not show; an item
    the report itself recommends or says was not done says so.

    The work-up is a cancer's: with no cancer (`cancer` False, or None and the documents state
    none) nothing is listed, rather than asking a heart or thyroid case for chemotherapy bloods.
    """
    if not (shows_cancer(facts) if cancer is None else cancer):
        return []
    evidence = Evidence(facts=facts, labs=labs, text=text)
    rules: list[Rule] = []
    condition = _condition(facts)
    if condition:
        rules.extend(RULES[condition])
    if condition != "breast":
        rules.append(HER2_ISH)
    rules.extend(GENERAL)
    missing = []
    for rule in rules:
        if rule.present(evidence):
            continue
        said = _said(*evidence.asked(rule.markers, rule.mentions))
        why = f"{_(rule.why)} {said}" if said else _(rule.why)
        missing.append(Missing(_(rule.item), why, rule.markers))
    return missing


def asked_by_report(*, facts: OncologyFacts, missing: Sequence[Missing] = ()) -> list[Missing]:
    """The tests the report recommends or says were not done and that no work-up item covers
    ("MYC FISH is recommended", "EBER not performed"), each once, with what the report says."""
    covered = {name for m in missing for name in m.markers}
    asked: dict[str, list[Biomarker]] = {}
    for b in facts.biomarkers:
        if (
            b.assertion in _ASKED
            and b.name not in covered
            and not any(
                r.name == b.name and (r.method == b.method or not b.method) for r in facts.results
            )
        ):
            asked.setdefault(b.name, []).append(b)
    items = []
    for name, mentions in asked.items():
        said: set[str] = {b.assertion for b in mentions}
        note = next((b.note for b in mentions if b.note), "")
        methods = sorted({b.method for b in mentions if b.method})
        item = _("%(name)s test") % {"name": name}
        if methods:
            item = _("%(name)s test (%(method)s)") % {"name": name, "method": "/".join(methods)}
        items.append(Missing(item, _said(said, note), (name,)))
    return items


def as_dicts(items: Sequence[Missing]) -> list[dict[str, Any]]:
    return [m.as_dict() for m in items]
