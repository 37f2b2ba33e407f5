"""Regenerates indian_first_names.txt and indian_last_names.txt from the names-dataset package.

names-dataset (MIT, PyPI) holds first and last names with their rank per country; it weighs
about 55 MB and takes gigabytes of memory to load, too heavy to ship or load at run time, so
the names ranked in India are extracted once here into two small text files (one name a line,
lower case, letters only). Run it in a throwaway environment, not the project's:

    uv venv /tmp/nd && VIRTUAL_ENV=/tmp/nd uv pip install names-dataset==3.3.1
    /tmp/nd/bin/python consilium/insights/deid/data/build_indian_names.py

The lists are names only, with no other data about anyone.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
# How many of the top-ranked names of India to keep, per gender for first names.
FIRST_PER_GENDER = 2500
LAST = 4000


def _clean(names: list[str]) -> list[str]:
    kept: list[str] = []
    for name in names:
        lower = name.strip().lower()
        if re.fullmatch(r"[a-z]{3,}", lower) and lower not in kept:
            kept.append(lower)
    return kept


def main() -> None:
    from names_dataset import NameDataset

    dataset = NameDataset()
    first = dataset.get_top_names(n=FIRST_PER_GENDER, use_first_names=True, country_alpha2="IN")
    last = dataset.get_top_names(n=LAST, use_first_names=False, country_alpha2="IN")
    first_names = _clean([*first["IN"].get("M", []), *first["IN"].get("F", [])])
    ranked_last = last["IN"]  # a list for last names, a dict by gender for first names
    if isinstance(ranked_last, dict):
        ranked_last = [n for names in ranked_last.values() for n in names]
    last_names = _clean(list(ranked_last))
    header = "# Names ranked in India by names-dataset 3.3.1 (MIT); see build_indian_names.py.\n"
    (HERE / "indian_first_names.txt").write_text(header + "\n".join(first_names) + "\n")
    (HERE / "indian_last_names.txt").write_text(header + "\n".join(last_names) + "\n")
    print(f"{len(first_names)} first names, {len(last_names)} last names")


if __name__ == "__main__":
    main()
