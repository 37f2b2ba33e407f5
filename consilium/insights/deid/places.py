"""Places: institutions named before a facility word, saints' hospitals, states and big cities,
and unknown acronyms a patient is sent to or from ("transferred to GH")."""

from __future__ import annotations

import functools
import re

from consilium.insights.deid.lexicon import (
    cities,
    first_names,
    is_clinical,
    is_name,
    is_ordinary,
    is_word,
)

Span = tuple[int, int, str]


GENERIC_TAIL = re.compile(
    r"(?i)(?:\s+(?:hospital|hosp|medical|center|centre|clinic|med|ctr|health|building))+\.?$"
)


def _words(text: str) -> list[str]:
    return text.split()


WORD = re.compile(r"[A-Za-z][A-Za-z']*(?:-[A-Za-z]+)*")
# The facility word itself is kept unless it is part of the proper name ("Harford Memorial").
FACILITY = re.compile(
    r"(?i)\b(?:hospital|hosp|hospitals|medical\s+cent(?:er|re)|med\s+ctr|medical\s+ctr|"
    r"clinic|nursing\s+home|nursing\s+facility|health\s+cent(?:er|re)|cancer\s+cent(?:er|re)|"
    r"hospice|institute|nursing\s+cent(?:er|re)|care\s+cent(?:er|re)|rehab\s+cent(?:er|re)|"
    r"diagnostics|laboratory|laboratories|campus|ew|er)\b"
)
PROPER_FACILITY = re.compile(
    r"(?i)\b(?:memorial|general|regional|adventist|rehab|rehabilitation|infirmary|manor|"
    r"vamc|healthcare)\b"
)
# Words that end an institution's name, so the word before them belongs to it.
NAMED_FACILITY = frozenset(_words("memorial regional adventist infirmary manor campus"))
NOT_A_PLACE = frozenset(
    """
    outside other another local same previous prior this that the a an our your his her their
    community county state private public psychiatric psych children's childrens chronic acute
    referring receiving home ho day night rehab nursing medical osh nh to from at in into
    via by for of and or with was is be been go went going transfer transferred tx trans
    admitted admit discharged dc back called sent taken brought pt patient pts
    good long term care acute skilled nursing cath lab main cardiac pulmonary inpatient
    outpatient physical further needs need received continue begin start possible require
    """.split()  # noqa: SIM905 — a word list reads better as text
)
SAINT = re.compile(
    r"\b(?:St|ST|st|Saint|SAINT|saint)\.?\s+([A-Za-z]+'[sS]|[A-Z][a-z]+|[A-Za-z]+)\b"
)
UNIVERSITY = re.compile(
    r"(?i)(?<![\w/])(?:university|univ|u)\.?\s+(of\s+)?([A-Za-z]+)"
    r"(?:\s+(?:medical|hospital|hosp))?\b"
)
MOVED = re.compile(
    r"(?i)(?=\b(?:from|to|at|in|into|@|by|leave|transferred\s+to|tx\s+to|trans\s+to|"
    r"followed\s+at)\s+(?:the\s+)?([A-Za-z]{2,5})\b)"
)
# Hospitals named for a devotion: "Holy Cross", "Sacred Heart", "Holy Family".
DEVOTION = re.compile(r"(?i)\b(?:holy|sacred)[ \t]+[A-Za-z]+")
# A ward without a preposition, or glued to its floor: "PLAN: QUARTERMAIN 2", "quartermain2".
BARE_UNIT = re.compile(
    r"\b([A-Za-z]{5,})(?:[ \t]{1,2}|(?=\d))([1-9])(?![\d:/,\-x]|\.\d|\s*(?i:mg|mcg|ml|cc|l|u|"
    r"units?|hrs?|am|pm|%|x|days?|weeks?|times|liters?|lpm|kg|g|gms?|amps?|tabs?|doses?)\b)"
)
# Where a patient is sent: an unknown word after "transferred to" is a ward or hospital.
SENT_TO = re.compile(
    r"(?i)\b(?:transfer(?:red|ring)?|transfered|trans|tx|admitted|admit|sent|returned)"
    r"\s+(?:to|from)?\s*(?:the\s+)?(?:\d{1,4}\s+)?([A-Za-z]{4,})\b"
)
# A street address: "19 Clover St.", "12 MG Road".
STREET = re.compile(
    r"\b\d{1,5}[ \t]+(?:[A-Z][A-Za-z]+[ \t]+){1,3}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|"
    r"Lane|Ln|Drive|Court|Ct|Way|Place|Pl|Marg|Nagar|Colony)\b\.?"
)
# "Eastern Shore", "Middle River", "Milford Mill", "New Haven".
PLACE_PAIR = re.compile(
    r"(?i)\b([A-Za-z]+)[ \t]+(shore|haven|river|mill|mills|heights|hills|springs|falls|beach|"
    r"creek|valley|harbou?r|bay|village|county|island)\b"
)
# A ward or unit: an unknown word followed by a floor number ("transferred to Quartermain 3").
UNIT = re.compile(
    r"(?i)\b(?:from|to|on|at|per|in)\s+(?:the\s+)?([A-Za-z]{3,})\s{1,2}(\d{1,2})"
    r"(?!\d|[.:]\d|\s*(?:mg|mcg|ml|cc|l|u|units?|hrs?|am|pm|%|x)\b)"
)
# In mixed-case text, capitalised words after "to/at/from" name a place ("went to Holy Cross").
CAPITALISED_AFTER = re.compile(
    r"\b(?:to|at|from|in)\s+((?:[A-Z][a-z]+(?:'s)?)(?:\s+[A-Z][a-z]+(?:'s)?){0,2})\b"
)

STATES = (
    "alabama alaska arizona arkansas california colorado connecticut delaware florida georgia "
    "hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts "
    "michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon "
    "pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming "
    "new_hampshire new_jersey new_mexico new_york north_carolina north_dakota rhode_island "
    "south_carolina south_dakota west_virginia "
    # States and union territories of India
    "andhra_pradesh arunachal_pradesh assam bihar chhattisgarh goa gujarat haryana "
    "himachal_pradesh jharkhand karnataka kerala madhya_pradesh maharashtra manipur meghalaya "
    "mizoram nagaland odisha orissa punjab rajasthan sikkim tamil_nadu telangana tripura "
    "uttar_pradesh uttarakhand west_bengal delhi chandigarh puducherry pondicherry ladakh "
    "jammu kashmir lakshadweep"
)
CITIES = (
    # The largest cities of the United States and of India, and the capitals of Indian states.
    "new_york los_angeles chicago houston phoenix philadelphia san_antonio san_diego dallas "
    "san_jose austin jacksonville columbus charlotte indianapolis seattle denver boston "
    "el_paso nashville detroit oklahoma_city portland las_vegas memphis louisville baltimore "
    "milwaukee albuquerque tucson fresno sacramento atlanta miami cleveland pittsburgh "
    "cincinnati minneapolis tampa orlando st_louis new_orleans "
    "mumbai bombay delhi new_delhi bengaluru bangalore hyderabad ahmedabad chennai madras "
    "kolkata calcutta surat pune jaipur lucknow kanpur nagpur indore thane bhopal "
    "visakhapatnam vizag patna vadodara baroda ghaziabad ludhiana agra nashik faridabad meerut "
    "rajkot varanasi srinagar aurangabad dhanbad amritsar allahabad prayagraj ranchi howrah "
    "coimbatore jabalpur gwalior vijayawada jodhpur madurai raipur kota guwahati gurgaon "
    "gurugram noida mysore mysuru bhubaneswar dehradun shimla gangtok imphal shillong aizawl "
    "kohima agartala itanagar dispur panaji trivandrum thiruvananthapuram kochi cochin "
    "mangalore mangaluru vellore manipal udaipur ajmer bikaner jammu"
)
# A state alone is not an identifier (HIPAA's Safe Harbor keeps states); only a named
# university or hospital of a state is looked for.
STATE_NAMES = frozenset(p.replace("_", " ") for p in STATES.split())
# Where someone lives or works: "lives alone in catonsville", "son in PIKESVILLE".
RESIDENCE = re.compile(
    r"(?i)\b(?:lives?|living|resides?|residing|vacation|vacationing|moved|returned|relocated|"
    r"works?|working|employed|son|daughter|sister|brother|wife|husband|family|friend|visiting|"
    r"home|grew\s+up)(?:[ \t]+(?:alone|nearby|close|by|together|back|also))*[ \t]+"
    r"(?:in|to|near|for|at|of|from|on)[ \t]+(?:the[ \t]+)?"
)
PLACE_PARTS = frozenset(
    _words(
        "mill mills river haven shore park heights hills city beach falls springs creek valley "
        "square point harbor harbour bay village town county lake island grove ridge woods "
        "forest glen station nagar pur puram abad ganj garh"
    )
)
PLACE_PREFIXES = frozenset(
    _words(
        "new north south east west eastern western northern southern upper lower fort mount port "
        "glen white black green st saint san santa middle"
    )
)
PLACE_NAMES = frozenset(p.replace("_", " ") for p in CITIES.split())


@functools.cache
def place_names() -> frozenset[str]:
    """The cities above and those of the GeoNames resource (lexicon.cities)."""
    return PLACE_NAMES | cities()


BROAD_PLACES = STATE_NAMES | frozenset(
    _words(
        "india usa america europe asia africa canada mexico england britain uk china japan "
        "pakistan bangladesh nepal sri lanka russia germany france italy ireland conneticut "
        "hampshire jersey carolina dakota"
    )
)


def _place_spans(text: str) -> list[Span]:
    """States and big cities, matched one, two or three words at a time."""
    words = list(WORD.finditer(text))
    spans: list[Span] = []
    for i in range(len(words)):
        for size in (3, 2, 1):
            if i + size > len(words):
                continue
            phrase = " ".join(w.group().lower() for w in words[i : i + size])
            gaps = (text[words[j].end() : words[j + 1].start()] for j in range(i, i + size - 1))
            if phrase in place_names() and all(g.isspace() for g in gaps):
                spans.append((words[i].start(), words[i + size - 1].end(), "LOCATION"))
                break
    # A state or country alone is not an identifier (HIPAA Safe Harbor keeps them), and the
    # generic word closing a name ("Calvert Hospital") says nothing about who the patient is.
    kept: list[Span] = []
    for start, end, kind in spans:
        trailing = GENERIC_TAIL.search(text, start, end)
        if trailing and trailing.start() > start:
            end = trailing.start()
        if " ".join(text[start:end].lower().removesuffix("'s").split()) not in BROAD_PLACES:
            kept.append((start, end, kind))
    return kept


UNKNOWN_AFTER = re.compile(r"\b(?:of|in|from|near)\s+([A-Z][a-z]{3,})\b")


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.7 * len(letters)


def _case_uninformative(text: str) -> bool:
    """True for notes written all in capitals or all in lower case."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    share = sum(c.isupper() for c in letters) / len(letters)
    return share > 0.7 or share < 0.04


def _place_word(word: str, *, capitalised: bool) -> bool:
    lower = word.lower().removesuffix("'s")
    if lower in NOT_A_PLACE or is_clinical(lower) or len(lower) < 2:
        return False
    return capitalised or not is_ordinary(lower)


def _facility_spans(text: str, upper: bool) -> list[Span]:
    """The words naming an institution, read backwards from "Hospital", "Memorial", ..."""
    spans: list[Span] = []
    for facility in (FACILITY, PROPER_FACILITY):
        for match in facility.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            before = list(WORD.finditer(text, line_start, match.start()))[-3:]
            taken: list[re.Match[str]] = []
            for candidate in reversed(before):
                following = taken[-1].start() if taken else match.start()
                if text[candidate.end() : following].strip(" -"):
                    break
                # Right before "Hospital" any word that is not generic is part of the name
                # ("Union Hospital", "holy cross hosp"); farther back only unusual words.
                named = match.group().lower() in NAMED_FACILITY
                adjacent = (facility is FACILITY or named) and len(taken) < 2
                capitalised = adjacent or (
                    candidate.group()[0].isupper() and match.group()[0].isupper() and not upper
                )
                if not _place_word(candidate.group(), capitalised=capitalised):
                    break
                taken.append(candidate)
            if taken:
                end = match.end() if facility is PROPER_FACILITY else taken[0].end()
                spans.append((taken[-1].start(), end, "LOCATION"))
    return spans


def _residence_spans(text: str, upper: bool) -> list[Span]:
    """Up to three place words after "lives in", "son in", "works for" ..."""
    spans: list[Span] = []
    words = list(WORD.finditer(text))
    by_start = {w.start(): i for i, w in enumerate(words)}
    for match in RESIDENCE.finditer(text):
        first = by_start.get(match.end())
        if first is None:
            continue
        last = first
        while last < len(words) and last - first < 3:
            word = words[last].group()
            lower = word.lower()
            if last > first and text[words[last - 1].end() : words[last].start()] not in (
                " ",
                "  ",
            ):
                break
            part = lower in PLACE_PARTS and last > first
            prefix = lower in PLACE_PREFIXES and last + 1 < len(words)
            unusual = not is_word(lower) or (word[0].isupper() and not upper)
            if lower in NOT_A_PLACE or is_clinical(lower) or not (part or prefix or unusual):
                break
            last += 1
        lone_prefix = last - first == 1 and words[first].group().lower() in PLACE_PREFIXES
        if last > first and not lone_prefix:
            spans.append((words[first].start(), words[last - 1].end(), "LOCATION"))
    return spans


def _unknown_word(word: str) -> bool:
    return not is_ordinary(word) and not is_clinical(word) and not is_name(word)


def find(text: str) -> list[Span]:
    upper = _case_uninformative(text)
    spans = _facility_spans(text, upper) + _residence_spans(text, upper) + _place_spans(text)
    for match in SAINT.finditer(text):
        name = match.group(1)
        unusual = name[0].isupper() and name[1:].islower() and not is_ordinary(name)
        if "'" in name or unusual or name.lower() in first_names():
            spans.append((match.start(), match.end(), "LOCATION"))
    for match in UNIVERSITY.finditer(text):
        place = match.group(2)
        state_code = bool(match.group(1)) and len(place) == 2 and place.isupper()
        if place.lower() in STATE_NAMES or place.lower() in place_names() or state_code:
            spans.append((match.start(), match.end(), "LOCATION"))
    for match in MOVED.finditer(text):
        acronym = match.group(1)
        shaped = acronym.isupper() or upper
        if shaped and not is_word(acronym) and not is_clinical(acronym):
            spans.append((match.start(1), match.end(1), "LOCATION"))
    spans += [(m.start(), m.end(), "LOCATION") for m in DEVOTION.finditer(text)]
    spans += [(m.start(), m.end(), "LOCATION") for m in STREET.finditer(text)]
    for pattern in (BARE_UNIT, SENT_TO):
        spans += [
            (m.start(1), m.end(1), "LOCATION")
            for m in pattern.finditer(text)
            if _unknown_word(m.group(1))
        ]
    for match in PLACE_PAIR.finditer(text):
        head = match.group(1).lower()
        if head in NOT_A_PLACE or is_clinical(head):
            continue
        if (
            head in PLACE_PREFIXES
            or not is_ordinary(head)
            or (match.group(1)[0].isupper() and match.group(2)[0].isupper() and not upper)
        ):
            spans.append((match.start(), match.end(), "LOCATION"))
    for match in UNIT.finditer(text):
        if not is_word(match.group(1)) and not is_clinical(match.group(1)):
            spans.append((match.start(1), match.end(1), "LOCATION"))
    if not _mostly_upper(text):
        spans += [
            (m.start(1), m.end(1), "LOCATION")
            for m in UNKNOWN_AFTER.finditer(text)
            if _unknown_word(m.group(1))
        ]
        for match in CAPITALISED_AFTER.finditer(text):
            parts = match.group(1).split()
            if all(not is_clinical(w.lower().removesuffix("'s")) for w in parts) and not all(
                is_ordinary(w) and not is_name(w) for w in parts
            ):
                spans.append((match.start(1), match.end(1), "LOCATION"))
    # A state or country alone is not an identifier (HIPAA Safe Harbor keeps them), and the
    # generic word closing a name ("Calvert Hospital") says nothing about who the patient is.
    kept: list[Span] = []
    for start, end, kind in spans:
        trailing = GENERIC_TAIL.search(text, start, end)
        if trailing and trailing.start() > start:
            end = trailing.start()
        if " ".join(text[start:end].lower().removesuffix("'s").split()) not in BROAD_PLACES:
            kept.append((start, end, kind))
    return kept
