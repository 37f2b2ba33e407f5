"""Postal addresses written the Indian way, found by their parts rather than by a label.

Reports print the address in a column whose label may land on another line of the text layer
("Plot No. 12, Gandhi Nagar, ⏎ Address   Date of Admission ⏎ Indore – 452001"), and letters
write it inside a sentence ("We live at Tower 7, Flat 1203, Sector 56, Gurugram 122011"). So an
address is read from its comma-separated parts: a part is one when it holds an address word
(road, marg, nagar, colony, flat/house/plot no, sector, cross, main, tehsil, district, P.O. ...)
or ends in a PIN code after a place name; the capitalised parts that follow it (town, district,
state, PIN) belong to it too. Each part must look like a place: words with capitals, numbers,
"No.", initials, and no clinical word, so "main bronchus" or "Block H-3302/25 has been
retained" stay.
"""

from __future__ import annotations

import re

from consilium.insights.deid.lexicon import is_clinical, is_ordinary

Span = tuple[int, int, str]

# Words that make a part of an address when a name or number stands before them ("Boring
# Road", "Shanti Nagar", "Noorani Chawl"); lower case, dots removed.
ADDRESS_WORDS = frozenset(
    """
    road rd marg street lane gali salai chowk bazar bazaar mohalla nagar colony society
    apartment apartments apts enclave chawl layout tehsil teh taluk taluka tq district dist
    distt zilla mandal village vill bungalows villa residency niwas nivas bhavan bhawan sadan
    kunj vihar baug bagh manzil veng
    ग्राम गाँव गांव पोस्ट डाकखाना तहसील जनपद जिला ज़िला मोहल्ला मकान गली नगर कॉलोनी
    """.split()  # noqa: SIM905 — a word list reads better as text
)
# Parts that say "address" by their shape, however the rest of the text is written: "Flat 4B",
# "House No. C-42", "3rd Cross", "Road No. 4", "D.No. 8-12-43", "# 1432", "Near Juma Masjid",
# "Pulikkottil House", "Thottumugham P.O.", "Sector 44-B". Weak words alone ("off", "floor",
# "post", "flat rash") are not enough.
NUMBERED_PART = re.compile(
    r"(?i:\b\d{1,3}(?:st|nd|rd|th)\s+(?:cross|main|block|street|floor|avenue|stage|phase)\b)"
    r"|(?i:\b(?:road|ward|room|door|house|plot|flat|gali|street|old|new|survey|khasra|"
    r"bungalow|shop|tower|wing|quarter|qtr|chawl|building|bldg)\b\.?\s*(?:no\b\.?)?\s*[:#]?\s*"
    r"[A-Z]{0,2}-?\d)"
    # "Block No. 4", "Block A-412", not a tissue block ("Block A2", "block B1").
    r"|(?i:\bblock\b\.?\s*(?:no\b\.?\s*[:#]?\s*[A-Z]{0,2}-?\d|[A-Z]{0,2}-\d{2,}))"
    r"|(?<![\w.'])(?:[DH]\.\s?No|[DH]\.?No\.|Door\s+No)\b\.?"
    r"|^\s*#\s?\d{2,5},"
    r"|\bP\.\s?O\b\.?"
    r"|\b(?:Near|NEAR|Opp|OPP|Opposite|Behind|Off)\.?\s+[A-Z](?:[a-z]|\.[A-Z])"
    r"|\b[A-Z][a-z]+\s+House\b"
    r"|\b(?i:sector|phase)\s*-?\s*\d"
    r"|(?:मकान|गली)\s*नं"
)
# In notes written all in capitals these are more often abbreviations ("MARG" for margin).
UPPER_AMBIGUOUS = frozenset(("marg", "rd", "teh", "dist", "tq", "vill", "lane"))
# Words ending in these are place names in India ("Gandhipuram", "Secunderabad", "Bhatni").
PLACE_SUFFIX = re.compile(
    r"(?i)(?:nagar|pur|puram|pura|abad|ganj|garh|halli|palli|wadi|peth|pet|kunj|vihar|bagh|"
    r"guda|gudi|kadal|veng|para)$"
)
PIN = re.compile(r"(?<![\d.,/:\-])[1-9]\d{2}\s?\d{3}(?![\d.,/%:]|\s*(?:/|-)\s*\d)")
US_ZIP = re.compile(r"\b[A-Z]{2}\s+(\d{5})(?:-\d{4})?\b")
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")
# Cells of a printed row are apart by two spaces, a tab, a bar or a bullet.
CELL = re.compile(r"[^\n\t|•]+?(?=\s{2,}|\t|\||•|\n|$)")
TOKEN = re.compile(r"[^\s,]+")
LOWER_OK = frozenset(
    ("no", "no.", "of", "and", "&", "near", "opp", "opp.", "off", "e", "w", "post", "road", "marg")
)


def _plain(token: str) -> str:
    return token.strip("().:;,-–").replace(".", "").lower()


def _place_token(token: str) -> bool:
    """A token that may stand in an address: capitalised, a number, a code, an initial."""
    core = token.strip("().:;,-–—")
    if not core:
        return True
    if any(c.isdigit() for c in core) or core in ("#", "&"):
        return True
    if not core.isascii():
        return core[0].isalpha()
    if core.lower() in LOWER_OK:
        return True
    return core[0].isupper()


def _clinical(token: str) -> bool:
    word = _plain(token)
    return (
        len(word) > 2
        and word.isalpha()
        and is_clinical(word)
        and word not in ADDRESS_WORDS
        and word not in STRUCTURAL
    )


# Words that open a numbered part of an address, clinical as some are ("Ward No. 4").
STRUCTURAL = frozenset(
    """
    ward room door house plot flat block floor tower wing building bldg shop quarter near opp
    opposite behind off post sector phase cross main stage
    """.split()  # noqa: SIM905 — a word list reads better as text
)


def _addressy(part: str, upper: bool) -> bool:
    if NUMBERED_PART.search(part):
        return True
    tokens = TOKEN.findall(part)
    for index, token in enumerate(tokens):
        word = _plain(token)
        if upper and word in UPPER_AMBIGUOUS:
            continue
        if word == "post" and token[:1] == "P" and index + 1 < len(tokens):
            following = _plain(tokens[index + 1])
            if following.isalpha() and not is_ordinary(following) and not is_clinical(following):
                return True  # "Post Dumraon", not "Post Prandial"
        if word in ADDRESS_WORDS and index > 0 and (token[:1].isupper() or not token.isascii()):
            before = tokens[index - 1].strip("().,-")
            named = (
                any(c.isdigit() for c in before)
                or not before.isascii()
                or (before[:1].isupper() and (not upper or not is_ordinary(_plain(before))))
            )
            if named:
                return True
        if (
            not upper
            and token[:1].isupper()
            and token[1:].islower()
            and len(word) > 5
            and PLACE_SUFFIX.search(word)
            and not is_ordinary(word)
        ):
            return True
    return False


def _ends_in_pin(part: str) -> bool:
    """ "Mysuru - 570001", "Patna – 800013 (Bihar)", "Mumbai 400 036": a PIN after a place."""
    pins = list(PIN.finditer(part))
    if not pins:
        return False
    match = pins[-1]
    after = part[match.end() :].strip(" ()")
    if after and not all(_place_token(t) for t in TOKEN.findall(after)):
        return False
    before = [t for t in TOKEN.findall(part[: match.start()]) if t.strip("–-—(). ")]
    if not before:
        return False
    if re.fullmatch(r"\(?(?:[A-Z]\.){2,3}\)?", before[-1]):
        return True  # a state written short: "W.B.", "(U.P.)"
    last = _plain(before[-1])
    if not last.isascii():
        return last[:1].isalpha()
    if not last.isalpha():
        return False  # a range of counts: "150000 - 450000"
    return bool(last) and (not is_ordinary(last) or last in ADDRESS_WORDS)


def _run_start(text: str, start: int, end: int) -> int | None:
    """Where the trailing run of place-like tokens of text[start:end] begins."""
    tokens = list(TOKEN.finditer(text, start, end))
    if not tokens:
        return None
    begin = None
    for token in reversed(tokens):
        if (
            token.group().endswith(":")
            or not _place_token(token.group())
            or _clinical(token.group())
        ):
            break  # a label ("Address :") or a word that is not part of a place
        begin = token.start()
    return begin


def _case_uninformative(text: str) -> bool:
    letters = [c for c in text if c.isascii() and c.isalpha()]
    share = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    return share > 0.6 or share < 0.04


def _trimmed(run: str) -> str:
    """The run without its closing punctuation, but with the dot of "P.O." or "W.B."."""
    run = run.rstrip(" -–")
    return run if re.search(r"(?:^|[\s.])[A-Z]\.$", run) else run.rstrip(" .-–")


def find(text: str) -> list[Span]:
    upper = _case_uninformative(text)
    spans: list[Span] = []
    for cell in CELL.finditer(text):
        parts: list[tuple[int, int]] = []
        position = cell.start()
        for piece in re.finditer(r"[^,;]+", cell.group()):
            parts.append((cell.start() + piece.start(), cell.start() + piece.end()))
        del position
        in_address = False
        for index, (start, end) in enumerate(parts):
            part = text[start:end]
            # A sentence ends the address: "..., Pune 411045. He has ..."
            stop = re.search(r"\.\s+(?=[A-Z][a-z])|[.?!]\s*$", part)
            if stop and re.search(
                r"(?:\b[A-Za-z]|\bNo|\bDist|\bDistt|\bP\.O)\.?$",
                part[: stop.start() + 1].rstrip("."),
            ):
                stop = None  # an abbreviation's dot, not a sentence's: "Kottayam Dist., Kerala"
            if stop:
                end = start + stop.start()
                part = text[start:end]
            begin = _run_start(text, start, end)
            if begin is None:
                in_address = False
                continue
            run = text[begin:end]
            whole = text[start:end].strip() == run.strip()
            if _addressy(run, upper) or _ends_in_pin(run):
                spans.append((begin, begin + len(_trimmed(run)), "ADDRESS"))
                in_address = whole
                # The capitalised parts just before it in the cell: "Salt Lake, Kolkata – 700091".
                back = index - 1
                while whole and back >= 0 and back >= index - 3:
                    first_start, first_end = parts[back]
                    first = text[first_start:first_end]
                    head = _run_start(text, first_start, first_end)
                    tokens = TOKEN.findall(first)
                    if (
                        head is None
                        or text[first_start:head].strip(" \t:")
                        or not tokens
                        or len(tokens) > 4
                        or (upper and all(is_ordinary(_plain(t)) for t in tokens))
                    ):
                        break
                    spans.append((head, first_end, "ADDRESS"))
                    back -= 1
            elif (
                in_address
                and whole
                and len(TOKEN.findall(run)) <= 4
                and (not upper or not all(is_ordinary(_plain(t)) for t in TOKEN.findall(run)))
            ):
                spans.append((begin, begin + len(_trimmed(run)), "ADDRESS"))
            else:
                in_address = False
            if stop:
                in_address = False
    for match in US_ZIP.finditer(text):
        spans.append((match.start(1), match.end(1), "ADDRESS"))
    if not upper:
        spans += [(m.start(), m.end(), "ADDRESS") for m in UK_POSTCODE.finditer(text)]
    return spans
