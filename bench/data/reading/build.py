"""Renders every `<doc>/source.html` under a folder to `<doc>/document.pdf` with WeasyPrint.

    uv run python bench/data/reading/build.py                 # this folder
    uv run python bench/data/reading/build.py DIR [DOC ...]   # another folder, or some documents

The PDFs are committed, so the benchmark never needs this; it is here so a document can be
corrected and rebuilt. Fonts come from the system (Noto, DejaVu; Noto Sans Devanagari for Hindi).
"""

from __future__ import annotations

import sys
from pathlib import Path


def build(folder: Path, names: list[str]) -> int:
    from weasyprint import HTML

    built = 0
    for source in sorted(folder.glob("*/source.html")):
        if names and source.parent.name not in names:
            continue
        HTML(filename=str(source), base_url=str(source.parent)).write_pdf(
            str(source.parent / "document.pdf")
        )
        print(f"built {source.parent.name}/document.pdf")
        built += 1
    return built


if __name__ == "__main__":
    args = sys.argv[1:]
    root = Path(args[0]) if args and Path(args[0]).is_dir() else Path(__file__).resolve().parent
    wanted = args[1:] if args and Path(args[0]).is_dir() else args
    if not build(root, wanted):
        sys.exit("no source.html found")
