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
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from consilium.insights.labs import LabResult
from consilium.insights.oncology import OncologyFacts


@dataclass(frozen=True)
class Missing:
    item: str
    why: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Evidence:
    facts: OncologyFacts
    labs: Sequence[LabResult]
    text: str

    def marker(self, name: str) -> bool:
        return any(b.name == name for b in self.facts.biomarkers)

    def lab(self, *names: str) -> bool:
        return any(lab.name in names for lab in self.labs)

    def says(self, pattern: str) -> bool:
        return re.search(pattern, self.text, re.I) is not None


Check = Callable[[Evidence], bool]


def _her2_ish_needed(e: Evidence) -> bool:
    equivocal = any(b.name == "HER2" and b.status == "equivocal" for b in e.facts.biomarkers)
    ish_done = any(b.name == "HER2" and b.method == "ISH" for b in e.facts.biomarkers)
    return equivocal and not ish_done


def _m_unknown(e: Evidence) -> bool:
    tnm = e.facts.tnm
    return bool(tnm) and "M" not in tnm.upper().split("N", 1)[-1] and not e.facts.stage


# (item, why, present?) per condition. Texts are gettext'd at call time.
RULES: dict[str, list[tuple[str, str, Check]]] = {
    "breast": [
        (
            "ER (oestrogen receptor) status",
            "ER status decides whether hormone therapy such as tamoxifen or an aromatase inhibitor "
            "will help.",
            lambda e: e.marker("ER"),
        ),
        (
            "PR (progesterone receptor) status",
            "PR status adds to ER in choosing hormone therapy and judging the outlook.",
            lambda e: e.marker("PR"),
        ),
        (
            "HER2 status",
            "HER2 status decides whether HER2-targeted therapy such as trastuzumab is an option.",
            lambda e: e.marker("HER2"),
        ),
        (
            "HER2 in situ hybridisation (FISH) for the equivocal (2+) result",
            "An IHC 2+ result is equivocal; only FISH/ISH shows whether trastuzumab will help.",
            lambda e: not _her2_ish_needed(e),
        ),
        (
            "Tumour grade",
            "Grade shows how fast the cancer is likely to grow and guides chemotherapy.",
            lambda e: bool(e.facts.grade),
        ),
        (
            "Stage (TNM)",
            "Stage decides between surgery first, chemotherapy first or treatment "
            "for spread disease.",
            lambda e: bool(e.facts.tnm or e.facts.stage),
        ),
        (
            "Staging for distant spread (M category)",
            "Whether the cancer has spread beyond the breast and nodes changes the whole treatment "
            "plan.",
            lambda e: not _m_unknown(e),
        ),
    ],
    "non-small cell lung cancer": [
        (
            "EGFR mutation test",
            "An EGFR mutation means tablets such as osimertinib may work better than chemotherapy.",
            lambda e: e.marker("EGFR"),
        ),
        (
            "ALK rearrangement test",
            "An ALK rearrangement means targeted tablets such as "
            "alectinib may work better than chemotherapy.",
            lambda e: e.marker("ALK"),
        ),
        (
            "ROS1 rearrangement test",
            "A ROS1 rearrangement can be treated with targeted tablets "
            "such as crizotinib or entrectinib.",
            lambda e: e.marker("ROS1"),
        ),
        (
            "KRAS mutation test",
            "A KRAS G12C mutation can be treated with sotorasib or adagrasib.",
            lambda e: e.marker("KRAS"),
        ),
        (
            "BRAF mutation test",
            "A BRAF V600E mutation can be treated with dabrafenib and trametinib.",
            lambda e: e.marker("BRAF"),
        ),
        (
            "MET exon 14 skipping test",
            "MET exon 14 skipping can be treated with capmatinib or tepotinib.",
            lambda e: e.marker("MET"),
        ),
        (
            "RET fusion test",
            "A RET fusion can be treated with selpercatinib or pralsetinib.",
            lambda e: e.marker("RET"),
        ),
        (
            "NTRK fusion test",
            "An NTRK fusion can be treated with larotrectinib or entrectinib.",
            lambda e: e.marker("NTRK"),
        ),
        (
            "PD-L1 expression (TPS)",
            "PD-L1 level decides whether immunotherapy such as "
            "pembrolizumab is an option, alone or with chemotherapy.",
            lambda e: e.marker("PD-L1"),
        ),
    ],
    "colorectal cancer": [
        (
            "Mismatch repair (MMR) or MSI status",
            "dMMR/MSI-high cancers respond well to "
            "immunotherapy and it screens for Lynch syndrome.",
            lambda e: e.marker("MSI/MMR"),
        ),
        (
            "KRAS and NRAS mutation tests",
            "Anti-EGFR drugs such as cetuximab only help when KRAS "
            "and NRAS are normal (wild-type).",
            lambda e: e.marker("KRAS") and e.marker("NRAS"),
        ),
        (
            "BRAF mutation test",
            "A BRAF V600E mutation changes the outlook and allows encorafenib with cetuximab.",
            lambda e: e.marker("BRAF"),
        ),
        (
            "CEA blood test",
            "A baseline CEA is needed to follow the cancer after treatment.",
            lambda e: e.lab("CEA") or e.says(r"\bcea\b[^.\n]{0,20}\d"),
        ),
    ],
    "prostate cancer": [
        (
            "PSA blood test",
            "PSA level is part of the risk group that decides treatment.",
            lambda e: e.lab("PSA") or e.marker("PSA"),
        ),
        (
            "Gleason score / Grade Group",
            "Gleason score (Grade Group) is the strongest guide to how aggressive the cancer is.",
            lambda e: e.marker("Gleason") or e.facts.grade.startswith("Grade Group"),
        ),
    ],
    "lymphoma": [
        (
            "Excisional biopsy with immunohistochemistry",
            "The exact lymphoma type, which decides "
            "treatment, needs a whole node examined with IHC; a needle sample is often not enough.",
            lambda e: e.says(r"excision|excisional|immunohisto|\bihc\b|\bcd20\b|\bcd30\b"),
        ),
        (
            "PET-CT scan",
            "PET-CT stages lymphoma and is the baseline to judge response.",
            lambda e: e.says(r"pet[- /]?ct|\bpet\b"),
        ),
        (
            "LDH blood test",
            "LDH is part of the prognostic index (IPI) used to choose treatment intensity.",
            lambda e: e.lab("LDH"),
        ),
    ],
}
GENERAL: list[tuple[str, str, Check]] = [
    (
        "Recent complete blood count",
        "Blood counts show whether it is safe to start chemotherapy or surgery.",
        lambda e: e.lab("Haemoglobin", "White blood cell count", "Platelet count"),
    ),
    (
        "Kidney function (creatinine)",
        "Kidney function sets the safe doses of many cancer drugs.",
        lambda e: e.lab("Creatinine", "Urea", "Blood urea nitrogen"),
    ),
    (
        "Liver function tests",
        "Liver function sets the safe doses of many cancer drugs and can show spread to the liver.",
        lambda e: e.lab("Total bilirubin", "ALT", "AST"),
    ),
]


def _condition(facts: OncologyFacts) -> str | None:
    kind = facts.cancer_type
    if kind in RULES:
        return kind
    if facts.site == "breast" or kind == "breast cancer":
        return "breast"
    return None


def missing_investigations(
    *, facts: OncologyFacts, labs: Sequence[LabResult], text: str = ""
) -> list[Missing]:
    """Lists what the condition's minimum work-up needs and the documents do not show."""
    evidence = Evidence(facts=facts, labs=labs, text=text)
    rules: list[tuple[str, str, Check]] = []
    condition = _condition(facts)
    if condition:
        rules.extend(RULES[condition])
    rules.extend(GENERAL)
    return [Missing(_(item), _(why)) for item, why, present in rules if not present(evidence)]


def as_dicts(items: Sequence[Missing]) -> list[dict[str, Any]]:
    return [m.as_dict() for m in items]
