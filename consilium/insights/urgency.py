"""Reasons a case should jump the queue: critical lab values and red-flag findings.

Red flags are the oncological emergencies of the UK NICE guideline NG151 (metastatic spinal cord
compression, neutropenic sepsis) and the standard lists (superior vena cava obstruction, acute
leukaemia, hypercalcaemia, tumour lysis), and the acute findings a radiologist phones about (a
large or tension pneumothorax, bleeding or mass effect in the skull, a perforated gut, sepsis).
A phrase inside a negation ("no evidence of cord compression") does not count, NegEx-style: a
negation cue in the same clause a few words before (more over a list), or "ruled out" after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from consilium.insights.labs import LabResult

RED_FLAGS: tuple[tuple[str, str], ...] = (
    (
        r"(?:spinal )?cord compression|compressi\w+ (?:of|on) the (?:spinal )?cord|cauda equina",
        "spinal cord compression",
    ),
    (
        r"acute (?:myeloid|lymphoblastic|lymphocytic|promyelocytic|myelogenous)? ?leuk(?:a)?emia"
        r"|\bAML\b|\bAPML\b|\bB-ALL\b|\bT-ALL\b",
        "acute leukaemia",
    ),
    (
        r"superior vena cava (?:obstruction|syndrome|compression)"
        r"|\bSVCO? (?:obstruction|syndrome)|\bSVCO\b",
        "superior vena cava obstruction",
    ),
    (r"febrile neutropenia|neutropenic (?:fever|sepsis)", "febrile neutropenia"),
    (
        r"(?:\d+(?:\.\d+)?\s*%\s*)?blasts?(?:\s*(?:cells?)?\s*[:\-]?\s*(?:seen|present|noted|\d+(?:\.\d+)?"
        r"\s*%))?",
        "blasts in the blood",
    ),
    (r"tumou?r lysis syndrome", "tumour lysis syndrome"),
    (r"hypercalca?emia", "high calcium (hypercalcaemia)"),
    (
        r"(?:raised|increased) intracranial pressure|midline shift|brain herniation",
        "raised pressure in the skull",
    ),
    (r"cardiac tamponade|pericardial tamponade", "cardiac tamponade"),
    (r"massive ha?emoptysis", "massive coughing of blood"),
    (r"(?:bowel|intestinal) obstruction", "bowel obstruction"),
    (r"pulmonary embol(?:ism|us)", "pulmonary embolism"),
    (
        r"tension pneumothorax|(?:large|massive)\s+(?:(?:left|right)(?:[- ]sided)?\s+)?pneumothorax"
        r"|pneumothorax with (?:\w+ ){0,2}mediastinal shift",
        "large or tension pneumothorax",
    ),
    (
        r"(?:intracranial|intracerebral|intraparenchymal|subdural|extradural|subarachnoid)"
        r" (?:ha?emorrhage|bleed(?:ing)?|ha?ematoma)|mass effect",
        "bleeding or mass effect in the skull",
    ),
    (
        r"(?:bowel|intestinal|gastric|duodenal|colonic|hollow viscus) perforation"
        r"|perforated (?:bowel|viscus|ulcer|appendix)|pneumoperitoneum",
        "perforation of the gut",
    ),
    (r"septic shock|\bsepsis\b", "sepsis"),
    (r"hyperviscosity", "hyperviscosity"),
    (r"disseminated intravascular coagulation|\bDIC\b", "disseminated intravascular coagulation"),
)
_FLAG_RE = re.compile("|".join(f"(?P<f{i}>{p})" for i, (p, _) in enumerate(RED_FLAGS)), re.I)

_NEGATION_CUE = re.compile(
    r"\bno\b|\bnot\b|\bnil\b|negative for|free of|without|absence of|absent|ruled? out|"
    r"rule out|r/o|exclude[ds]?|unlikely|no evidence of|no signs? of|no features of",
    re.I,
)
# Where a negation's scope ends (NegEx's termination terms): a sentence or clause boundary, a new
# line that starts a new item, or a conjunction that turns the sentence ("no effusion, but ...").
_SCOPE_END = re.compile(
    r"[.;:!?]|\n\s*\n|\n(?=\s*(?:[-\u2022*]|\d+[.)]|[A-Z]))"
    r"|(?i:\b(?:but|however|although|though|except|apart from|aside from|yet|whereas|while)\b)",
)
# Words that say something is present: a list joined by commas and "or" stays negated only
# while none of them comes between ("no trauma, presented with cord compression" is not).
_ASSERTING = re.compile(
    r"\b(?:is|are|was|were|has|have|had|shows?|showed|presents?|presented|noted|seen|found|"
    r"developed|with)\b",
    re.I,
)
# NegEx's window: a cue counts for the next six words, or twelve over a list ("without posterior
# element involvement, epidural soft tissue or cord compression").
_SCOPE_WORDS = 6
_LIST_SCOPE_WORDS = 12


def _negated_before(before: str) -> bool:
    ends = list(_SCOPE_END.finditer(before))
    clause = before[ends[-1].end() :] if ends else before
    cues = list(_NEGATION_CUE.finditer(clause))
    if not cues:
        return False
    gap = clause[cues[-1].end() :]
    words = len(gap.split())
    if words <= _SCOPE_WORDS:
        return True
    is_list = re.search(r",|\bor\b|\bnor\b", gap, re.I) and not _ASSERTING.search(gap)
    return bool(is_list) and words <= _LIST_SCOPE_WORDS


_NEGATION_AFTER = re.compile(
    r"^[^.;\n]{0,25}?(?:ruled out|excluded|not seen|not (?:present|noted|identified|detected)|"
    r"absent|: ?(?:nil|none|absent|negative|0\s*%?)\b)",
    re.I,
)


@dataclass(frozen=True)
class UrgentReason:
    reason: str
    kind: str  # "lab" or "finding"
    page: int | None = None
    # What it is, untranslated: the red flag's English label, or the analyte's name.
    code: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def red_flags(text: str, *, page: int | None = None) -> list[UrgentReason]:
    """Finds red-flag phrases that are not negated."""
    reasons: list[UrgentReason] = []
    seen: set[str] = set()
    for match in _FLAG_RE.finditer(text):
        label = RED_FLAGS[int(next(k for k, v in match.groupdict().items() if v)[1:])][1]
        if label in seen:
            continue
        before = text[max(0, match.start() - 120) : match.start()]
        after = text[match.end() : match.end() + 40]
        uncertain = re.match(r"[^.;\n]{0,15}?can ?not be (?:ruled out|excluded)", after, re.I)
        if not uncertain and (_negated_before(before) or _NEGATION_AFTER.search(after)):
            continue
        if label == "blasts in the blood" and not _blasts_present(match.group(0)):
            continue
        seen.add(label)
        reasons.append(UrgentReason(finding_reason(label), "finding", page, code=label))
    return reasons


def finding_reason(label: str) -> str:
    """The sentence shown for a red-flag finding, in the current language."""
    return _("Report mentions %(finding)s") % {"finding": _(label)}


def _blasts_present(phrase: str) -> bool:
    numbers = re.findall(r"(\d+(?:\.\d+)?)\s*%", phrase)
    if numbers:
        return any(float(n) > 0 for n in numbers)
    return bool(re.search(r"seen|present|noted", phrase, re.I))


def unread_critical_reason(name: str, flag: str) -> str:
    """The alarm for a value that read as critical but may have been misread: no number."""
    template = (
        _("%(name)s may be critically low (the value may have been misread: read it on the page)")
        if flag == "critical_low"
        else _(
            "%(name)s may be critically high (the value may have been misread: read it on the page)"
        )
    )
    return template % {"name": name}


def critical_labs(labs: Sequence[LabResult]) -> list[UrgentReason]:
    reasons = []
    for lab in labs:
        if lab.withheld and lab.flag in ("critical_low", "critical_high"):
            reasons.append(
                UrgentReason(
                    unread_critical_reason(lab.name, lab.flag), "lab", lab.page, code=lab.name
                )
            )
        elif lab.flag in ("critical_low", "critical_high"):
            template = (
                _("%(name)s %(value)s %(unit)s is critically low")
                if lab.flag == "critical_low"
                else _("%(name)s %(value)s %(unit)s is critically high")
            )
            reasons.append(
                UrgentReason(
                    template % {"name": lab.name, "value": f"{lab.value:g}", "unit": lab.unit},
                    "lab",
                    lab.page,
                    code=lab.name,
                )
            )
    return reasons


def urgent_reasons(
    *, pages: Sequence[tuple[int | None, str]], labs: Sequence[LabResult]
) -> list[UrgentReason]:
    """Critical lab values first, then red-flag findings, each once."""
    reasons = critical_labs(labs)
    seen: set[str] = set()
    for number, text in pages:
        for reason in red_flags(text, page=number):
            if reason.reason not in seen:
                seen.add(reason.reason)
                reasons.append(reason)
    return reasons
