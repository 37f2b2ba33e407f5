"""De-identification benchmark on a PhysioNet-deid-format corpus.

Scores by CHARACTER overlap, ignoring whitespace characters:
recall = gold PHI characters covered by our findings / all gold PHI characters;
precision = our flagged characters that are gold PHI / all our flagged characters.
The reference tool's output (id.deid), when present, is scored the same way in the same run.

    uv run python bench/deid.py --corpus /work/shared/data/deid-physionet
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consilium.config.settings")

from consilium.insights.deid import detect  # noqa: E402

RECORD = re.compile(
    r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n(.*?)\|\|\|\|END_OF_RECORD", re.DOTALL
)
TYPES = (
    "HCPName", "Date", "Location", "RelativeProxyName", "PTName",
    "Phone", "DateYear", "Age", "Other", "PTNameInitial",
)

Key = tuple[str, str]


def load_notes(corpus: Path) -> dict[Key, str]:
    text = (corpus / "id.text").read_text(encoding="utf-8", errors="replace")
    return {(m[1], m[2]): m[3] for m in RECORD.finditer(text)}


def load_gold(corpus: Path) -> dict[Key, list[tuple[int, int, str]]]:
    gold: dict[Key, list[tuple[int, int, str]]] = defaultdict(list)
    for line in (corpus / "id-phi.phrase").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 5:
            gold[(parts[0], parts[1])].append((int(parts[2]), int(parts[3]), parts[4]))
    return gold


def load_reference(corpus: Path) -> dict[Key, list[tuple[int, int]]] | None:
    path = corpus / "id.deid"
    if not path.exists():
        return None
    spans: dict[Key, list[tuple[int, int]]] = defaultdict(list)
    key: Key = ("", "")
    for line in path.read_text(encoding="utf-8").splitlines():
        header = re.match(r"Patient\s+(\d+)\s+Note\s+(\d+)", line)
        if header:
            key = (header[1], header[2])
            continue
        numbers = line.split()
        if len(numbers) == 3:
            spans[key].append((int(numbers[1]), int(numbers[2])))
    return spans


class Score:
    def __init__(self) -> None:
        self.gold_by_type: dict[str, int] = defaultdict(int)
        self.hit_by_type: dict[str, int] = defaultdict(int)
        self.flagged = 0
        self.flagged_true = 0

    def add(self, body: str, gold: list[tuple[int, int, str]], ours: list[tuple[int, int]]) -> None:
        mine: set[int] = set()
        for start, end in ours:
            mine.update(i for i in range(start, min(end, len(body))) if not body[i].isspace())
        phi: set[int] = set()
        for start, end, kind in gold:
            chars = [i for i in range(start, min(end, len(body))) if not body[i].isspace()]
            phi.update(chars)
            self.gold_by_type[kind] += len(chars)
            self.hit_by_type[kind] += sum(1 for i in chars if i in mine)
        self.flagged += len(mine)
        self.flagged_true += len(mine & phi)

    @property
    def recall(self) -> float:
        total = sum(self.gold_by_type.values())
        return sum(self.hit_by_type.values()) / total if total else 1.0

    @property
    def precision(self) -> float:
        return self.flagged_true / self.flagged if self.flagged else 1.0


def context(body: str, start: int, end: int, width: int = 40) -> str:
    left = body[max(0, start - width) : start].replace("\n", " ")
    right = body[end : end + width].replace("\n", " ")
    return f"{left}[[{body[start:end]}]]{right}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--misses", metavar="TYPE", help="print missed gold spans of TYPE (or all)")
    parser.add_argument("--false-positives", action="store_true", help="print flagged non-PHI")
    args = parser.parse_args()

    notes = load_notes(args.corpus)
    gold = load_gold(args.corpus)
    reference = load_reference(args.corpus)

    began = time.perf_counter()
    found = {key: detect(body) for key, body in notes.items()}
    elapsed = time.perf_counter() - began

    ours, theirs = Score(), Score()
    for key, body in notes.items():
        ours.add(body, gold.get(key, []), [(f.start, f.end) for f in found[key]])
        if reference is not None:
            theirs.add(body, gold.get(key, []), reference.get(key, []))

    if args.misses or args.false_positives:
        for key, body in notes.items():
            covered: set[int] = set()
            for f in found[key]:
                covered.update(range(f.start, f.end))
            phi: set[int] = set()
            for start, end, kind in gold.get(key, []):
                phi.update(range(start, end))
                wanted = args.misses in (kind, "all")
                if wanted and any(i not in covered for i in range(start, end)
                                  if not body[i].isspace()):
                    print(f"MISS {kind:18} {key[0]}/{key[1]}: {context(body, start, end)}")
            if args.false_positives:
                for f in found[key]:
                    if not any(i in phi for i in range(f.start, f.end)):
                        print(f"FP   {f.type:8} {key[0]}/{key[1]}: {context(body, f.start, f.end)}")

    same_as_gold = reference is not None and all(
        sorted(reference.get(key, [])) == sorted((s, e) for s, e, _ in gold.get(key, []))
        for key in notes
    )
    words = sum(len(body.split()) for body in notes.values())
    print(f"corpus: {args.corpus} — {len(notes)} notes, {words} words")
    print("scoring: character overlap, whitespace ignored")
    if reference is not None:
        print("reference: id.deid scored the same way"
              + (" (note: its spans are identical to the gold spans here)" if same_as_gold else ""))
    header = f"{'PHI type':20}{'gold chars':>11}{'ours':>8}"
    print(header + (f"{'reference':>11}" if reference is not None else ""))
    kinds = list(TYPES) + sorted(set(ours.gold_by_type) - set(TYPES))
    for kind in kinds:
        total = ours.gold_by_type.get(kind, 0)
        if not total:
            continue
        line = f"{kind:20}{total:>11}{ours.hit_by_type[kind] / total:>8.3f}"
        if reference is not None:
            line += f"{theirs.hit_by_type[kind] / total:>11.3f}"
        print(line)
    print(f"{'ALL recall':20}{sum(ours.gold_by_type.values()):>11}{ours.recall:>8.3f}"
          + (f"{theirs.recall:>11.3f}" if reference is not None else ""))
    print(f"{'ALL precision':20}{ours.flagged:>11}{ours.precision:>8.3f}"
          + (f"{theirs.precision:>11.3f}" if reference is not None else ""))
    print(f"time: {elapsed:.2f} s ({1000 * elapsed / max(1, len(notes)):.2f} ms/note)")
    print(f"recall={ours.recall:.3f} precision={ours.precision:.3f}")


if __name__ == "__main__":
    main()
