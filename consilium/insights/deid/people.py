"""Names of people: after titles and relation words, before credentials, and from name lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from consilium.insights.deid.lexicon import (
    FUNCTION_WORDS,
    first_names,
    is_clinical,
    is_misspelt_word,
    is_name,
    is_ordinary,
    is_word,
)

Span = tuple[int, int, str]

WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*")
# Context patterns end where the name they announce begins, on the same line.
TITLE = re.compile(
    r"(?i)\b(?:dr|drs|doctor|docter|mr|mrs|miss|mister|prof|professor|smt|shri|shrimati|"
    r"sri|kumari)\b'?\.?[ \t]*"
)
WEAK_TITLE = re.compile(r"(?i)\b(?:ms|md|master|baby|sister|nurse|madam|sir)\b\.?[ \t]*")
CONTACT_VERBS = frozenset(
    (
        "called",
        "calls",
        "phoned",
        "visited",
        "visits",
        "arrived",
        "updated",
        "informed",
        "notified",
        "states",
        "stated",
        "says",
        "said",
        "agrees",
        "agreed",
        "wants",
        "wishes",
        "requests",
        "requested",
        "left",
        "came",
    )
)
SIGNATURE = re.compile(r"(?m)^[ \t]*([A-Za-z][a-z']+(?:[ \t]+[A-Za-z][A-Za-z'\-]+){1,2})[ \t]*$")
UNKNOWN_CAPITALISED = True
NEVER_AFTER_TITLE = frozenset(
    ("the", "and", "is", "was", "aware", "notified", "in", "at", "to", "no")  # "MR No."
)
LIST_GAP = re.compile(r"\s*(?:,|&|\band\b|/)\s*$")
INITIAL_NAME = re.compile(r"(?<![\w'/&.])[A-Z]\.\s?([A-Za-z][a-z']+|[A-Z][A-Z']+)\b")
RELATION = re.compile(
    r"(?i)\b(?:wife|husband|spouse|son|sons|daughter|daughters|dtr|dau|child|children|kids?|"
    r"mother|mom|mum|father|dad|brother|bro|sister|sis|sibling|niece|nephew|aunt|uncle|"
    r"cousin|grandson|granddaughter|grandchild|grandmother|grandfather|grandma|grandpa|"
    r"in-law|in\s+law|stepson|stepdaughter|step\s+daughter|step\s+son|fiance|fiancee|"
    r"girlfriend|boyfriend|partner|friend|neighbou?r|proxy|hcp|poa|guardian|lawyer|"
    r"attorney|caseworker|case\s+manager|social\s+worker|sw|chaplain|interpreter|"
    r"pcp|attending|resident|fellow|intern|nurse|np|ho|therapist|cardiologist|surgeon|"
    r"oncologist|physician|doctor|docter|consultant|significant\s+other|contact\s+person|"
    r"caregiver|companion|s/o|d/o|w/o)\b(?:'s)?[ \t]*[,:\-(]*[ \t]*"
)
SPEECH = re.compile(
    r"(?i)\b(?:spoke|spoken|speak|talked|talk|met|meet|discussed|called|phoned|paged|page|"
    r"notified|notify|update|updated|informed|per|seen\s+by|followed\s+by|visit\s+from|"
    r"visited\s+by|call\s+from|message\s+from|work|worked|contact|contacted|ask\s+for|"
    r"ask\s+to\s+page|name\s+is|named|contacts|reach)\b(?:\s+(?:with|to|w/|w|by|from|for))?[ \t]*"
)
CREDENTIAL = re.compile(
    r"(?:,\s*|\s+)(?:BSN/RN|RN/BSN|RN|R\.N\.|RRT|CRT|MD|M\.D\.|NP|PA|PA-C|LPN|MSW|LICSW|LCSW|BSN|CNS|"
    r"RD|PharmD|SRNA|CRNA|MBBS|DNB|MCh|FRCS|MRCP|DCH|DGO|DPB)\b",
    re.IGNORECASE,
)
INITIAL_BEFORE = re.compile(r"\b[A-Za-z]\.\s?$")
INITIAL_AFTER = re.compile(r"^\s[A-Z]\.(?!\w)")


@dataclass
class Token:
    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower().removesuffix("'s")


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.7 * len(letters)


def _name_like(token: Token, *, upper: bool = True, strong: bool = False) -> bool:
    """Could be a name given its context: a word no dictionary knows, a first name, or any
    listed name when the context is strong (a title) or the word is capitalised in mixed case."""
    word = token.lower
    if len(word) < 2 or is_clinical(word) or not word.replace("'", "").replace("-", "").isalpha():
        return False
    if not is_ordinary(word) or word in first_names():
        return True
    return is_name(word) and (strong or (token.text[0].isupper() and not upper))


def _same_phrase(text: str, left: Token, right: Token) -> bool:
    gap = text[left.end : right.start]
    return (
        gap in (" ", "  ", "-")
        or re.fullmatch(r"\.?\s?", gap) is not None
        and (len(left.text) == 1)
    )


def find(text: str) -> list[Span]:
    tokens = [Token(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    upper = _mostly_upper(text)
    flagged = [False] * len(tokens)

    def take_following(index: int, limit: int = 3, strong: bool = False) -> None:
        """Flags tokens from index on while they look like parts of one name, and goes on
        through lists ("sons Smokey, Morris and Roger")."""
        count = 0
        pending_list = False
        while index < len(tokens) and count < limit:
            token = tokens[index]
            listed = pending_list
            pending_list = False
            if count and token.lower == "and" and _same_phrase(text, tokens[index - 1], token):
                pending_list = True  # "Sons Smokey, Morris and Roger"
                index += 1
                continue
            if count and not listed and not _same_phrase(text, tokens[index - 1], token):
                gap = text[tokens[index - 1].end : token.start]
                one_line = "\n" not in gap
                listed = bool(LIST_GAP.fullmatch(gap)) or (one_line and gap.strip() in (",", "&"))
                listed = listed or gap.strip().lower() == "and"
                if not listed:
                    break
            capital_in_mixed = token.text[0].isupper() and not upper
            if len(token.text) == 1 and text[token.end : token.end + 1] == ".":
                flagged[index] = True  # an initial: "Dr. A. Verma"
            elif strong and len(token.text) == 1 and token.text.isupper():
                flagged[index] = True  # "Dr B Muse", "mr I"
            elif (
                strong
                and capital_in_mixed
                and token.lower not in NEVER_AFTER_TITLE
                and (count == 0 and not listed or token.lower not in FUNCTION_WORDS)
            ):
                flagged[index] = True  # "Dr. Foley", "Dr Will Cole", not "Dr. Rao, MD"
            elif listed and token.lower == "and":
                index += 1
                continue
            elif _name_like(token, upper=upper, strong=strong and not listed):
                flagged[index] = True
            elif capital_in_mixed and not is_word(token.lower) and len(token.lower) > 2:
                flagged[index] = True  # "Sons Smokey": capitalised after a relation
            elif strong and count == 0 and not is_clinical(token.lower) and len(token.lower) > 2:
                flagged[index] = True  # "Dr Tyro": after a doctor's title, any non-clinical word
            else:
                break
            if listed:
                count = 0
                limit = 2
            index += 1
            count += 1

    for i, token in enumerate(tokens[:-1]):
        if token.lower in first_names() and not is_clinical(token.lower) and len(token.lower) > 2:
            following = tokens[i + 1]
            if following.lower in CONTACT_VERBS and _same_phrase(text, token, following):
                flagged[i] = True

    def ends(pattern: re.Pattern[str]) -> set[int]:
        return {m.end() for m in pattern.finditer(text)}

    after_title, after_speech = ends(TITLE), ends(SPEECH)
    after_relation = ends(RELATION) | ends(WEAK_TITLE)
    for i, token in enumerate(tokens):
        if token.start in after_title:
            take_following(i, strong=True)
        elif token.start in after_relation:
            take_following(i)
        elif token.start in after_speech and is_name(token.lower) and not is_clinical(token.lower):
            capital = token.text[0].isupper() and not upper
            if not is_word(token.lower) or capital or token.lower in first_names():
                take_following(i)
        elif (
            len(token.lower) >= 3
            and is_name(token.lower)
            and not is_word(token.lower)
            and _name_like(token)
            # Without context, a listed surname one slip from a word ("ballon") is the word.
            and not is_misspelt_word(token.lower, even_names=True)
        ):
            flagged[i] = True
        credential = CREDENTIAL.match(text, token.end)
        if credential and "\n" not in text[token.end : credential.end()]:
            tail = text[credential.end() : credential.end() + 12]
            # "irene snell, rn" or "B. KARGAS PA AWARE", but not "skin care RN" or "PA line".
            signed = re.match(r"\s*(?:$|\n|[,.;:)\-]|aware\b|notified\b)", tail, re.IGNORECASE)
            sign_off = re.match(r"[ \t]*(?:$|\n)", tail)
            comma = "," in text[token.end : credential.end()] or bool(sign_off)
            unusual = any(
                len(t.lower) > 2 and not is_ordinary(t.lower) for t in tokens[max(0, i - 2) : i + 1]
            )
            if signed or unusual:
                j = i
                while (
                    j >= 0
                    and i - j < 3
                    and (
                        _name_like(tokens[j], upper=upper, strong=comma)
                        or (
                            len(tokens[j].text) == 1
                            and text[tokens[j].end : tokens[j].end + 1] == "."
                        )
                    )
                ):
                    if j < i and not _same_phrase(text, tokens[j], tokens[j + 1]):
                        break
                    flagged[j] = True
                    j -= 1

    # A line holding only a first name and a surname is a signature: "Mary Rueping".
    for match in SIGNATURE.finditer(text):
        words = match.group(1).split()
        if words[0].lower() in first_names() and all(
            not is_clinical(w) and (is_name(w) or not is_word(w)) for w in words[1:]
        ):
            for token in tokens:
                if match.start(1) <= token.start < match.end(1):
                    flagged[tokens.index(token)] = True

    # In mixed-case text, a capitalised word that no dictionary knows, next to another
    # capitalised name-like word, is most often a name ("Lopie Certusi"); drug names come alone.
    def capitalised_name_part(k: int) -> bool:
        other = tokens[k]
        return (
            other.text[:1].isupper()
            and other.text[1:].islower()
            and not is_clinical(other.lower)
            and (is_name(other.lower) or not is_ordinary(other.lower))
        )

    if not upper and UNKNOWN_CAPITALISED:
        for i, token in enumerate(tokens):
            word = token.lower
            if (
                token.text[:1].isupper()
                and token.text[1:].islower()
                and len(word) >= 4
                and word.isalpha()
                and not is_ordinary(word)
                and any(
                    0 <= k < len(tokens)
                    and _same_phrase(text, *sorted((token, tokens[k]), key=lambda t: t.start))
                    and capitalised_name_part(k)
                    for k in (i - 1, i + 1)
                )
            ):
                flagged[i] = True

    starts = {token.start: i for i, token in enumerate(tokens)}
    for match in INITIAL_NAME.finditer(text):
        word = match.group(1).lower()
        line_start = text.rfind("\n", 0, match.start()) + 1
        heading = (
            text[line_start : match.start()].strip() == ""
            or text[max(0, match.start() - 2) : match.start()] == "  "
        )
        if heading and match.group()[0] in "SOAPI":
            continue  # "S. intubated / O. see flowsheet / A. stable / P. continue"
        capital = match.group(1)[0].isupper()
        if not is_clinical(word) and (not is_word(word) or (is_name(word) and (upper or capital))):
            i = starts[match.start(1)]
            flagged[i] = True
            flagged[i - 1] = True

    # Grow each name over neighbouring name parts: "Mary Hulse", "KATIE MAHONEY", "A. Verma".
    changed = True
    while changed:
        changed = False
        for i, token in enumerate(tokens):
            if flagged[i]:
                continue
            neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(tokens) and flagged[j]]
            for j in neighbours:
                left, right = (tokens[i], tokens[j]) if j > i else (tokens[j], tokens[i])
                if not _same_phrase(text, left, right):
                    continue
                word = token.lower
                if len(token.text) == 1 and token.text.isupper():
                    grow = True
                elif is_clinical(word) or len(word) < 2:
                    grow = False
                elif not is_word(word):
                    grow = True
                else:
                    capital = token.text[0].isupper() and not upper
                    after_first = (
                        j < i and tokens[j].lower in first_names() and (is_name(word) or capital)
                    )
                    grow = (word in first_names() and j > i) or (is_name(word) and capital)
                    grow = grow or after_first
                if grow:
                    flagged[i] = True
                    changed = True
                    break

    # A first name listed with a found name is a name too: "Both Suzette and Hank".
    for i in range(len(tokens) - 1):
        gap = text[tokens[i].end : tokens[i + 1].start].strip().lower()
        if gap in ("and", "&", ",", "or") and flagged[i] != flagged[i + 1]:
            other = i + 1 if flagged[i] else i
            if tokens[other].lower in first_names() and not is_clinical(tokens[other].lower):
                flagged[other] = True

    spans: list[Span] = []
    for i, token in enumerate(tokens):
        if flagged[i]:
            end = token.end
            if len(token.text) == 1 and text[end : end + 1] == ".":
                end += 1
            if spans and text[spans[-1][1] : token.start] == "-":
                spans[-1] = (spans[-1][0], end, "NAME")  # "Retterer-Moore"
            else:
                spans.append((token.start, end, "NAME"))
    return spans
