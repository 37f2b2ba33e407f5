"""Where identifiers sit on a page, and what the page's text says once they are masked.

Pure functions, no database. Boxes are shares (0..1) of the page picture's width and height.
The redacted text is rebuilt from the words and the boxes, not from character spans, so that
whatever is black in the rendition is masked in its text too, including boxes a coordinator drew.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from consilium.insights.deid import Finding
from consilium.insights.reading import Page, Word, layout

# Boxes reach a little beyond the letters: OCR boxes hug the ink, and antialiased edges of
# glyphs would otherwise show around the black.
PADDING = 0.18  # of the line's height, on every side
# A word counts as hidden when a box covers this share of it.
COVERED = 0.2

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class ProposedBox:
    page: int
    kind: str
    box: Box
    label: str = ""  # drawn on the box: a date told from the case's day 0 ("day −18")


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def boxes_for_findings(
    page: Page, findings: Sequence[Finding], labels: Sequence[str] = ()
) -> list[ProposedBox]:
    """One box per finding and line it spans, around the whole words it touches; `labels`, one
    per finding, are kept on its boxes."""
    placed = layout(page.words)
    if placed.text != page.text:
        raise ValueError("the page text was not built from its words")
    boxes: list[ProposedBox] = []
    seen: set[tuple[str, Box]] = set()
    for number, finding in enumerate(findings):
        label = labels[number] if number < len(labels) else ""
        rows: dict[int, list[Word]] = {}
        for index, (start, end) in enumerate(placed.spans):
            if start < finding.end and end > finding.start:
                rows.setdefault(placed.lines[index], []).append(page.words[index])
        for words in rows.values():
            x0 = min(w.box[0] for w in words)
            y0 = min(w.box[1] for w in words)
            x1 = max(w.box[2] for w in words)
            y1 = max(w.box[3] for w in words)
            pad = max(1.0, (y1 - y0) * PADDING)
            box = (
                round(_clamp((x0 - pad) / page.width), 5),
                round(_clamp((y0 - pad) / page.height), 5),
                round(_clamp((x1 + pad) / page.width), 5),
                round(_clamp((y1 + pad) / page.height), 5),
            )
            if box[0] < box[2] and box[1] < box[3] and (finding.type, box) not in seen:
                seen.add((finding.type, box))
                boxes.append(
                    ProposedBox(page=page.number, kind=finding.type, box=box, label=label)
                )
    return boxes


def _covered_share(word: Box, box: Box) -> float:
    width = min(word[2], box[2]) - max(word[0], box[0])
    height = min(word[3], box[3]) - max(word[1], box[1])
    if width <= 0 or height <= 0:
        return 0.0
    area = (word[2] - word[0]) * (word[3] - word[1])
    return (width * height) / area if area > 0 else 1.0


def hidden_words(
    words: Sequence[Word], *, width: float, height: float, boxes: Iterable[tuple[str, Box]]
) -> dict[int, str]:
    """The words (by index) a box hides, with the kind of the box that hides them."""
    listed = list(boxes)
    hidden: dict[int, str] = {}
    for index, word in enumerate(words):
        share = (
            word.box[0] / width, word.box[1] / height, word.box[2] / width, word.box[3] / height
        )
        for kind, box in listed:
            if _covered_share(share, box) >= COVERED:
                hidden[index] = kind
                break
    return hidden


def redacted_text(words: Sequence[Word], hidden: dict[int, str]) -> str:
    """The page's text with each run of hidden words on a line replaced by one marker such as
    "[NAME]" (a coordinator's box reads "[REDACTED]")."""
    placed = layout(words)
    order = sorted(range(len(words)), key=lambda i: placed.spans[i][0])
    out: list[str] = []
    position = 0
    previous: tuple[int, str] | None = None  # (line, kind) of the marker just written
    for index in order:
        start, end = placed.spans[index]
        kind = hidden.get(index)
        gap = placed.text[position:start]
        if kind is None:
            out.append(gap)
            out.append(placed.text[start:end])
            previous = None
        else:
            marker = "REDACTED" if kind == "MANUAL" else kind
            if previous == (placed.lines[index], marker) and not gap.strip():
                pass  # the same marker continues over this word
            else:
                out.append(gap)
                out.append(f"[{marker}]")
            previous = (placed.lines[index], marker)
        position = end
    out.append(placed.text[position:])
    return "".join(out)
