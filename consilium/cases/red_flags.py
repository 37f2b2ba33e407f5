"""The red-flag screen: does the intake describe an emergency happening now?

Two sources: the boxes the patient ticks under "Right now, does the patient have any of these?",
and phrases in the free text (English, Hindi and Hinglish). The screen errs on the side of
flagging: a false alarm costs the patient one extra page; a missed emergency can cost a life. A
flag never blocks the request, it only tells the patient to seek care now and marks the case
urgent for the coordinator.

Every rule is a list of regular expressions below, one block per emergency, so a clinician can
read and review them without reading code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class RedFlag(models.TextChoices):
    CHEST_PAIN = "chest_pain", _("Chest pain now")
    STROKE = "stroke", _("Signs of a stroke: face drooping, arm weakness, slurred speech")
    SPINAL = "spinal", _(
        "Sudden weakness of the legs, or loss of bladder or bowel control"
    )
    BLEEDING = "bleeding", _("Heavy bleeding")
    BREATHLESS = "breathless", _("Breathlessness at rest")


# The checkbox that says "none of these"; it is an answer, not a flag.
NONE_OF_THESE = "none"


@dataclass(frozen=True)
class Rule:
    flag: RedFlag
    patterns: tuple[str, ...]


RULES: tuple[Rule, ...] = (
    Rule(
        RedFlag.CHEST_PAIN,
        (
            r"chest\s+pain",
            r"pain\s+in\s+(?:the\s+|my\s+|his\s+|her\s+)?chest",
            r"chest\s+(?:tightness|pressure|heaviness)",
            r"tight(?:ness)?\s+in\s+(?:the\s+|my\s+|his\s+|her\s+)?chest",
            r"heart\s+attack",
            r"(?:seene|sine|seena|chhati|chati|chaati)\s+(?:me|mein|main|mai|mei)\s+dard",
            r"(?:सीने|छाती)\s+में\s+दर्द",
        ),
    ),
    Rule(
        RedFlag.STROKE,
        (
            r"slurr(?:ed|ing)\s+(?:speech|words)",
            r"speech\s+(?:is\s+)?slurred",
            r"(?:face|mouth)\s+(?:is\s+)?droop(?:ing|ed|s)?",
            r"droop(?:ing|y)\s+(?:face|mouth)",
            r"facial\s+droop",
            r"(?:weakness|numbness)\s+(?:in|of)\s+(?:(?:one|the|his|her|my|left|right)\s+){0,2}"
            r"(?:arm|hand|side)",
            r"(?:arm|one[-\s]sided)\s+weakness",
            r"(?:having|signs\s+of)\s+a\s+stroke",
            r"lakwa|laqwa|lakva|लकवा",
            r"(?:muh|munh|mooh)\s+(?:tedha|tedhha|terha)",
            r"(?:zubaan|zuban|jubaan)\s+(?:ladkhada|ladkhara|latak)",
        ),
    ),
    Rule(
        RedFlag.SPINAL,
        (
            r"(?:loss\s+of|lost|no|losing)\s+(?:bladder|bowel|urine|stool)\s+control",
            r"(?:can(?:no|')?t|cannot|unable\s+to)\s+(?:control|hold)\s+"
            r"(?:(?:his|her|my|the)\s+)?(?:urine|stool|bladder|bowels?|pee)",
            r"(?:sudden\s+)?weakness\s+(?:in|of)\s+(?:both\s+|the\s+|his\s+|her\s+|my\s+)?legs",
            r"legs\s+(?:suddenly\s+)?(?:gave\s+way|went\s+weak|are\s+weak|became\s+weak)",
            r"(?:peshab|pishab|latrine|potty)\s+(?:par\s+)?(?:control|kaabu|kabu)\s+nah?in?",
            r"(?:पेशाब|मल)\s+(?:पर\s+)?(?:नियंत्रण|काबू)\s+नहीं",
            r"(?:pairon|pair|pero|pairo)\s+(?:me|mein|main)\s+(?:kamzori|kamjori)",
        ),
    ),
    Rule(
        RedFlag.BLEEDING,
        (
            r"bleeding\s+(?:heavily|a\s+lot|badly|profusely|non[-\s]?stop)",
            r"(?:heavy|severe|profuse|uncontrolled|massive)\s+bleeding",
            r"(?:won'?t|will\s+not|does\s+not|doesn'?t)\s+stop\s+bleeding",
            r"(?:vomiting|coughing|throwing\s+up)\s+(?:up\s+)?blood",
            r"blood\s+in\s+(?:the\s+)?vomit",
            r"(?:bahut|bohot|bahot|zyada|jyada)\s+khoon",
            r"khoon\s+(?:beh|bah|ruk\s+nahi|nahi\s+ruk)",
            r"खून\s+बह|बहुत\s+खून",
        ),
    ),
    Rule(
        RedFlag.BREATHLESS,
        (
            r"(?:can(?:no|')?t|cannot|can\s+not|unable\s+to|struggling\s+to)\s+breathe?",
            r"(?:short(?:ness)?\s+of\s+breath|breathless(?:ness)?)\s+(?:at|while\s+at|even\s+at)\s+"
            r"rest",
            r"(?:short(?:ness)?\s+of\s+breath|breathless(?:ness)?)\s+(?:while|when)\s+"
            r"(?:resting|sitting|lying)",
            r"gasping",
            r"(?:difficulty|trouble)\s+breathing",
            r"saans\s+(?:nahi|nahin|nhi)\s+(?:aa|le\s+pa)",
            r"\bsaans\b",
            r"\bsans\s+(?:phool|ful|fool|lene)",
            r"सांस|साँस|श्वास",
        ),
    ),
)

# A negation shortly before the phrase ("no chest pain", "denies chest pain") or a Hindi one just
# after it ("seene mein dard nahi hai") means the patient says they do NOT have it.
NEGATION_BEFORE = re.compile(
    r"\b(?:no|not|never|without|denies|denied|deny|free\s+of|absence\s+of|negative\s+for|"
    r"history\s+of|h/o|nil)\b",
    re.IGNORECASE,
)
NEGATION_AFTER = re.compile(r"(?:\b(?:nahi|nahin|nhi|none|absent|resolved|gone)\b|नहीं)",
                            re.IGNORECASE)
WORDS_BEFORE = 4
WORDS_AFTER = 4

# Negation does not cross a clause: "no fever but chest pain since morning" is a chest pain.
CLAUSE_BREAK = re.compile(
    r"[.;,:!?\n।]|\b(?:but|however|although|though|lekin|magar|parantu)\b|लेकिन|मगर",
    re.IGNORECASE,
)

_COMPILED: tuple[tuple[RedFlag, tuple[re.Pattern[str], ...]], ...] = tuple(
    (rule.flag, tuple(re.compile(p, re.IGNORECASE) for p in rule.patterns)) for rule in RULES
)


def _is_negated(clause: str, match: re.Match[str]) -> bool:
    before = " ".join(clause[: match.start()].split()[-WORDS_BEFORE:])
    after = " ".join(clause[match.end() :].split()[:WORDS_AFTER])
    return bool(NEGATION_BEFORE.search(before) or NEGATION_AFTER.search(after))


def flags_in_text(text: str) -> set[RedFlag]:
    """The emergencies a free text describes, leaving out the ones it negates."""
    found: set[RedFlag] = set()
    for clause in CLAUSE_BREAK.split(text or ""):
        if not clause.strip():
            continue
        for flag, patterns in _COMPILED:
            if flag in found:
                continue
            for pattern in patterns:
                if any(not _is_negated(clause, m) for m in pattern.finditer(clause)):
                    found.add(flag)
                    break
    return found


def screen(*, ticked: Iterable[str], texts: Iterable[str]) -> list[str]:
    """The red-flag codes, in a stable order, from the ticked boxes and the free texts."""
    found = {RedFlag(code) for code in ticked if code in RedFlag.values}
    for text in texts:
        found |= flags_in_text(text)
    return [flag.value for flag in RedFlag if flag in found]
