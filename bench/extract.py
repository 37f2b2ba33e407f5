"""Extraction benchmark: precision/recall against a labelled set, and time per page.

    uv run python bench/extract.py --data bench/data/labelled

Labs count as found when name, value (to 1%) and flag all match; biomarkers when name and
status match. Times are wall-clock per page, split by text-layer PDFs and OCR'd images.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consilium.config.settings")


def lab_key(lab: dict[str, Any], *, fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(round(float(lab[f]), 2) if f == "value" else lab[f] for f in fields)


def score(expected: set[tuple[Any, ...]], found: set[tuple[Any, ...]]) -> tuple[int, int, int]:
    return len(expected & found), len(found - expected), len(expected - found)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("bench/data/labelled"))
    parser.add_argument("-v", "--verbose", action="store_true", help="show every miss")
    args = parser.parse_args()

    import django

    django.setup()
    from consilium.insights.extract import extract_document

    measures = {
        "labs name": ("name",),
        "labs name+value": ("name", "value"),
        "labs name+value+flag": ("name", "value", "flag"),
    }
    totals: dict[str, list[int]] = {
        k: [0, 0, 0] for k in [*measures, "biomarkers name", "biomarkers name+status"]
    }
    per_page: dict[str, list[float]] = {"text-layer": [], "ocr": []}
    labels = sorted(args.data.glob("*.json"))
    # Warm up imports and Tesseract so the first document's time is not the model load.
    first = json.loads(labels[0].read_text())
    extract_document((args.data / first["file"]).read_bytes(), first["content_type"])
    for label_path in labels:
        label = json.loads(label_path.read_text())
        data = (args.data / label["file"]).read_bytes()
        started = time.perf_counter()
        result = extract_document(data, label["content_type"]).as_dict()
        elapsed = time.perf_counter() - started
        pages = result["pages"]["count"] or 1
        kind = "ocr" if result["pages"]["source"].get("ocr") else "text-layer"
        per_page[kind].append(elapsed / pages)
        for measure, fields in measures.items():
            expected = {lab_key(lab, fields=fields) for lab in label["labs"]}
            found = {lab_key(lab, fields=fields) for lab in result["labs"]}
            counts = score(expected, found)
            if args.verbose and measure == "labs name+value+flag" and counts[1:] != (0, 0):
                print(f"{label['file']}: missed {expected - found}, extra {found - expected}")
            totals[measure] = [a + b for a, b in zip(totals[measure], counts, strict=True)]
        for measure, fields in (
            ("biomarkers name", ("name",)),
            ("biomarkers name+status", ("name", "status")),
        ):
            expected = {tuple(b[f] for f in fields) for b in label["biomarkers"]}
            found = {tuple(b[f] for f in fields) for b in result["biomarkers"]}
            counts = score(expected, found)
            if args.verbose and measure == "biomarkers name+status" and counts[1:] != (0, 0):
                print(f"{label['file']}: missed {expected - found}, extra {found - expected}")
            totals[measure] = [a + b for a, b in zip(totals[measure], counts, strict=True)]

    print(f"{len(labels)} documents from {args.data}")
    print(f"{'field':28} {'precision':>9} {'recall':>7}   tp  fp  fn")
    for measure, (tp, fp, fn) in totals.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"{measure:28} {precision:9.3f} {recall:7.3f} {tp:4} {fp:3} {fn:3}")
    print("seconds per page     median     p90   pages")
    for kind, times in per_page.items():
        if times:
            print(
                f"{kind:18} {statistics.median(times):8.3f} {percentile(times, 0.9):7.3f}"
                f"   {len(times):5}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
