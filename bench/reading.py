"""Reading real reports: every form of every document of a hand-labelled set, scored.

    uv run python bench/reading.py                                # bench/data/reading, all forms
    uv run python bench/reading.py --data bench/data/reading-holdout
    uv run python bench/reading.py --forms photo,lowlight --docs cbc -v

For each document (a folder with `document.pdf` and `gold.json`, see bench/data/reading/FORMAT.md)
the forms a patient uploads are made from the PDF (bench/forms.py): the PDF itself, a flat scan,
and phone photos on a table (tilted, sideways, upside down, low light). Each file goes through the
same functions the worker runs (read, de-identify, place boxes, draw the rendition, extract facts)
and is scored against the gold labels:

- identifier recall on the rendition: each gold identifier is found in the text layer of the PDF
  (pdfium's own search, not our reader), and its box is carried onto the rendition picture by a
  registration of the clean page with the rendition (SIFT features, RANSAC homography: the page
  may have been turned, levelled and cropped). It counts as hidden only when the pixels there are
  black: an identifier OCR never read is still visible to a person.
- lab F1 over (analyte, value, flag); biomarker assertion accuracy; invented results (a stated
  result, or a lab value, that the page does not give); missing work-up recall; urgency recall;
  the primary site; pages unread (OCR found under half of the page's words) and whether each was
  marked hard to read, and pages the specialist gets upright.

The last line is `identifier_recall=R lab_f1=F assertion_accuracy=A invented=N unread=U`, where U
counts pages unread *silently* (not marked hard to read).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consilium.config.settings")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from PIL import Image  # noqa: E402

from bench.forms import FORMS, Input, make_form, render  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "reading"
FORMAT = DEFAULT_DATA / "FORMAT.md"
REGISTER_DPI = 100
# A gold identifier counts as hidden when this share of its (slightly shrunk) box is black.
HIDDEN_SHARE = 0.9
BLACK = 40
# A page is unread when OCR found fewer than this share of the words its text layer holds.
READ_SHARE = 0.5
PATIENT_TYPES = ("NAME", "RELATIVE", "ADDRESS", "PHONE", "EMAIL", "DOB", "ID", "AADHAAR", "ABHA",
                 "PAN")


# --- Gold -------------------------------------------------------------------------------------


def analyte_keys(format_file: Path = FORMAT) -> dict[str, str]:
    """LOINC code -> analyte key, read from the table in FORMAT.md."""
    table: dict[str, str] = {}
    for line in format_file.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*([a-z0-9_]+)\s*\|.*\((\d+-\d)\)\s*\|", line)
        if m:
            table[m[2]] = m[1]
    return table


def number(text: str) -> float | None:
    m = re.search(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+", str(text).replace(" ", ""))
    if not m:
        return None
    try:
        return float(m.group().replace(",", ""))
    except ValueError:
        return None


def marker_key(name: str) -> str:
    key = re.sub(r"[\s\-_/().]", "", name.upper())
    aliases = {
        "ERBB2": "HER2", "HER2NEU": "HER2", "CERBB2": "HER2", "KI67": "KI67", "MIB1": "KI67",
        "ESTROGENRECEPTOR": "ER", "OESTROGENRECEPTOR": "ER", "PROGESTERONERECEPTOR": "PR",
        "PDL1": "PDL1", "GLEASONSCORE": "GLEASON", "ISUPGRADEGROUP": "GRADEGROUP",
        "GRADEGROUP": "GRADEGROUP", "MSISTATUS": "MSI", "CYCLIND1": "CYCLIND1", "TTF1": "TTF1",
        "NAPSINA": "NAPSINA", "1P19Q": "1P19Q", "CMYC": "MYC", "PANCK": "CK",
        "CYTOKERATIN": "CK", "MMR": "MMR",
    }
    return aliases.get(key, key)


STATED = frozenset({"positive", "negative", "value", "equivocal"})


def our_assertion(status: str) -> str:
    return {
        "positive": "positive", "mutated": "positive", "amplified": "positive",
        "rearranged": "positive", "detected": "positive", "lost": "positive",
        "negative": "negative", "wild-type": "negative", "not detected": "negative",
        "retained": "negative",
        "equivocal": "equivocal", "value": "value",
        "not tested": "not_tested", "not_tested": "not_tested",
        "recommended": "recommended", "historical": "historical", "family": "family",
    }.get(status, status)


# Our work-up items (English) to the keys of FORMAT.md's work-up list.
WORKUP_KEYS: tuple[tuple[str, str], ...] = (
    (r"complete blood count|blood count|\bcbc\b", "cbc"),
    (r"kidney|renal|creatinine", "kidney"),
    (r"liver", "liver"),
    (r"in situ|\bish\b|fish", "her2_ish"),
    (r"^er\b|oestrogen|estrogen", "er"),
    (r"^pr\b|progesterone", "pr"),
    (r"her2", "her2"),
    (r"grade group|gleason", "gleason"),
    (r"grade", "grade"),
    (r"distant spread|\bm category", "m_stage"),
    (r"stage|tnm", "stage"),
    (r"kras and nras|\bras\b", "ras"),
    (r"egfr", "egfr"), (r"\balk\b", "alk"), (r"ros1", "ros1"), (r"kras", "kras"),
    (r"braf", "braf"), (r"\bmet\b", "met"), (r"\bret\b", "ret"), (r"ntrk", "ntrk"),
    (r"pd-?l1", "pdl1"), (r"mismatch|\bmmr\b|\bmsi\b", "mmr_msi"), (r"\bcea\b", "cea"),
    (r"\bpsa\b", "psa"), (r"excisional|immunohisto", "excisional_biopsy_ihc"),
    (r"pet", "pet_ct"), (r"\bldh\b", "ldh"),
)


# A marker not tested or recommended is told to the coordinator when its work-up item is listed.
MARKER_WORKUP: dict[str, set[str]] = {
    "KRAS": {"kras", "ras"}, "NRAS": {"ras"}, "MSI": {"mmr_msi"}, "MLH1": {"mmr_msi"},
    "PMS2": {"mmr_msi"}, "MSH2": {"mmr_msi"}, "MSH6": {"mmr_msi"}, "GLEASON": {"gleason"},
    "GRADEGROUP": {"gleason"}, "HER2": {"her2", "her2_ish"},
}


def workup_key(item: str) -> str:
    for pattern, key in WORKUP_KEYS:
        if re.search(pattern, item, re.I):
            return key
    return "?" + item


def locate(pdf_path: Path, page_number: int, text: str) -> list[tuple[float, float, float, float]]:
    """Boxes (page points, origin top left), one per printed line, of every occurrence of `text`
    on the page, by pdfium's text search."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_number - 1]
        height = page.get_size()[1]
        textpage = page.get_textpage()
        boxes: list[tuple[float, float, float, float]] = []
        searcher = textpage.search(text, match_case=True, match_whole_word=False)
        try:
            while (found := searcher.get_next()) is not None:
                start, count = found
                chars = []
                for i in range(start, start + count):
                    ch = textpage.get_text_range(i, 1)
                    if not ch or ch.isspace():
                        continue
                    left, bottom, right, top = textpage.get_charbox(i, loose=False)
                    if right > left and top > bottom:
                        chars.append((left, height - top, right, height - bottom))
                # One box per printed line.
                lines: list[list[tuple[float, float, float, float]]] = []
                for c in sorted(chars, key=lambda c: (round((c[1] + c[3]) / 2), c[0])):
                    mid = (c[1] + c[3]) / 2
                    for line in lines:
                        top_, bottom_ = min(x[1] for x in line), max(x[3] for x in line)
                        if top_ <= mid <= bottom_:
                            line.append(c)
                            break
                    else:
                        lines.append([c])
                for line in lines:
                    boxes.append((min(c[0] for c in line), min(c[1] for c in line),
                                  max(c[2] for c in line), max(c[3] for c in line)))
        finally:
            searcher.close()
        textpage.close()
        page.close()
        return boxes
    finally:
        pdf.close()


def page_words(pdf_path: Path) -> list[set[str]]:
    """The words (3+ letters or digits, lower case) of each page's text layer."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        found = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            found.append(_words(textpage.get_text_range()))
            textpage.close()
            page.close()
        return found
    finally:
        pdf.close()


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w{3,}", text)}


# --- Running the reader -----------------------------------------------------------------------


def _setup_django() -> None:
    import django

    django.setup()


@dataclass
class ReadPage:
    source_page: int
    rendition: np.ndarray  # RGB, what the specialist gets
    words: set[str]
    source: str
    hard_to_read: bool
    confidence: float | None


@dataclass
class Reading:
    pages: list[ReadPage] = field(default_factory=list)
    labs: list[dict[str, Any]] = field(default_factory=list)
    biomarkers: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    urgent: list[str] = field(default_factory=list)
    site: str = ""
    seconds: float = 0.0
    error: str = ""
    # What the reader gave, per file: its pages (reading.Page) and their source page numbers,
    # kept so --refacts can run the extractors again without reading again.
    read: list[tuple[list[Any], list[int]]] = field(default_factory=list)


def read_inputs(inputs: Sequence[Input]) -> Reading:
    """What the worker does with each file of one form, pages of all files read together as one
    upload would be (a multi-page report photographed page by page is one case's documents)."""
    from consilium.documents.redaction import boxes_for_findings
    from consilium.documents.rendition import draw_boxes, jpeg_bytes, picture_fit, picture_open
    from consilium.insights.extract import deidentify_page
    from consilium.insights.reading import iter_pages

    reading = Reading()
    started = time.perf_counter()
    all_pages = []
    sources: list[int] = []
    for item in inputs:
        data = item.path.read_bytes()
        for index, (page, image) in enumerate(
            iter_pages(data, item.content_type, images=True)
        ):
            source_page = item.pages[min(index, len(item.pages) - 1)][0]
            findings = deidentify_page(page, known=None)
            if image is None:
                raise RuntimeError("the reader gave no page picture")
            picture = picture_fit(image)
            boxes = [b.box for b in boxes_for_findings(page, findings)]
            rendition = np.asarray(picture_open(jpeg_bytes(draw_boxes(picture, boxes))))
            extra = getattr(page, "extra", {}) or {}
            confidence = getattr(page, "confidence", extra.get("confidence"))
            reading.pages.append(ReadPage(
                source_page=source_page, rendition=rendition, words=_words(page.text),
                source=page.source,
                hard_to_read=bool(getattr(page, "hard_to_read", extra.get("hard_to_read", False))),
                confidence=confidence,
            ))
            all_pages.append(page)
            sources.append(source_page)
    offset = 0
    for item in inputs:
        count = sum(1 for _ in item.pages)
        reading.read.append((all_pages[offset: offset + count], sources[offset: offset + count]))
        offset += count
    extract_into(reading)
    reading.seconds = time.perf_counter() - started
    return reading


def extract_into(reading: Reading) -> None:
    """The facts of what was read. They are extracted per file, as the worker does; page
    numbers are mapped to the source's."""
    from consilium.insights.extract import extract_facts

    reading.labs, reading.biomarkers, reading.missing, reading.urgent = [], [], [], []
    reading.site = ""
    for pages, numbers in reading.read:
        if not pages:
            continue
        facts = extract_facts(pages)
        by_number = {p.number: n for p, n in zip(pages, numbers, strict=True)}
        for lab in facts.labs:
            reading.labs.append({
                "name": lab.name, "loinc": lab.loinc, "value": lab.value, "unit": lab.unit,
                "printed": getattr(lab, "printed", ""), "flag": lab.flag,
                "page": by_number.get(lab.page or 1, numbers[0]),
                "uncertain": bool(getattr(lab, "uncertain", False)),
                "withheld": bool(getattr(lab, "withheld", False)),
                "confidence": getattr(lab, "read_confidence", None),
            })
        for marker in facts.oncology.biomarkers:
            assertion = getattr(marker, "assertion", "stated") or "stated"
            reading.biomarkers.append({
                "name": marker.name,
                "status": marker.status if assertion == "stated" else assertion,
                "value": marker.value,
                "page": by_number.get(marker.page or 1, numbers[0]),
            })
        reading.missing += [m.item for m in facts.missing]
        reading.missing += [
            f"{r}" for r in getattr(facts, "recommended", []) or []
        ]
        reading.urgent += [r.reason for r in facts.urgent]
        if not reading.site:
            kind = facts.oncology.cancer_type
            reading.site = "lymphoma" if "lymphoma" in kind else facts.oncology.site


# --- Registration of the rendition with the clean page -----------------------------------------


@dataclass
class Registration:
    homography: np.ndarray | None  # clean page pixels at REGISTER_DPI -> rendition pixels
    inliers: int
    upright: bool


def register(clean: np.ndarray, rendition: np.ndarray) -> Registration:
    sift = cv2.SIFT.create(nfeatures=6000)
    gray_r = cv2.cvtColor(rendition, cv2.COLOR_RGB2GRAY)
    factor = min(1.0, 1600 / max(gray_r.shape))
    small = cv2.resize(gray_r, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    # Equalise so photos in low light register like scans.
    small = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(small)
    kp1, des1 = sift.detectAndCompute(clean, None)
    kp2, des2 = sift.detectAndCompute(small, None)
    if des1 is None or des2 is None or len(kp1) < 8 or len(kp2) < 8:
        return Registration(None, 0, False)
    matcher = cv2.BFMatcher(cv2.NORM_L2)
    pairs = matcher.knnMatch(des1, des2, k=2)
    good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < 0.75 * n.distance]
    if len(good) < 12:
        return Registration(None, len(good), False)
    src = np.array([kp1[m.queryIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    dst = np.array([kp2[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    homography, mask = cv2.findHomography(src, dst, cv2.RANSAC, 4.0)
    inliers = int(mask.sum()) if mask is not None else 0
    if homography is None or inliers < 20:
        return Registration(None, inliers, False)
    homography = np.diag([1 / factor, 1 / factor, 1.0]) @ homography
    # The page's "up" in the rendition: where the clean page's top-centre-to-bottom-centre points.
    h, w = clean.shape[:2]
    ends = cv2.perspectiveTransform(
        np.array([[[w / 2, 0]], [[w / 2, h]]], dtype=np.float32), homography
    )
    dx, dy = (ends[1, 0] - ends[0, 0])
    upright = abs(math.degrees(math.atan2(dx, dy))) < 20
    return Registration(homography, inliers, upright)


def hidden(rendition_gray: np.ndarray, homography: np.ndarray,
           box: tuple[float, float, float, float]) -> bool:
    """Whether a box of the page (points) lies under black in the rendition."""
    x0, y0, x1, y1 = box
    inset = 0.2 * (y1 - y0)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 <= x0 or y1 <= y0:
        return True
    s = REGISTER_DPI / 72
    corners = np.array([[[x0 * s, y0 * s]], [[x1 * s, y0 * s]], [[x1 * s, y1 * s]],
                        [[x0 * s, y1 * s]]], dtype=np.float32)
    mapped = cv2.perspectiveTransform(corners, homography).reshape(-1, 2)
    mask = np.zeros(rendition_gray.shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(mapped).astype(np.int32), 1)
    area = int(mask.sum())
    if area == 0:
        return False  # outside the rendition: cropped away would be hidden, but say so loudly
    dark = int(((rendition_gray < BLACK) & (mask == 1)).sum())
    return dark >= HIDDEN_SHARE * area


# --- Scoring one document in one form -----------------------------------------------------------


def _lab_key(lab: dict[str, Any], loinc_keys: dict[str, str]) -> str:
    return loinc_keys.get(lab.get("loinc", ""), "other")


def _flag(flag: str | None) -> str | None:
    if flag is None:
        return None
    return {"none": "normal", "critical_low": "low", "critical_high": "high"}.get(flag, flag)


def _values_match(gold: dict[str, Any], ours: dict[str, Any]) -> bool:
    want = number(gold["value"])
    if want is None:
        return False
    printed = number(ours.get("printed") or "") if ours.get("printed") else None
    got = ours["value"]
    candidates = [got] + ([printed] if printed is not None else [])
    unit = (gold.get("unit") or "").lower()
    factors = [1.0]
    if "lakh" in unit or "lac" in unit:
        factors += [1e5, 100.0]
    if re.search(r"/\s*(?:cumm|cmm|mm3|µl|ul|mcl)\b", unit) and want > 500:
        factors += [1e-3, 1e-6]
    if "mill" in unit:
        factors += [1.0]
    return any(
        c is not None and math.isclose(c, want * f, rel_tol=1e-6, abs_tol=1e-9)
        for c in candidates for f in factors
    )


@dataclass
class Score:
    id_total: int = 0
    id_hidden: int = 0
    id_by_type: Counter[str] = field(default_factory=Counter)
    id_hidden_by_type: Counter[str] = field(default_factory=Counter)
    id_unlocated: int = 0
    # The same, over pages the system presents as read (not marked hard to read): a page marked
    # is released only after the coordinator ticks that they looked at it themselves.
    id_total_clear: int = 0
    id_hidden_clear: int = 0
    staff_total: int = 0
    staff_hidden: int = 0
    dates_total: int = 0
    dates_hidden: int = 0
    lab_tp: int = 0
    lab_fp: int = 0
    lab_fn: int = 0
    # Values the reader withheld (it may have misread them): neither stated nor invented; the
    # gold value stays missed. How many of them were in fact misread.
    lab_withheld: int = 0
    lab_withheld_wrong: int = 0
    bio_total: int = 0
    bio_correct: int = 0
    invented_bio: int = 0
    invented_lab: int = 0
    missing_total: int = 0
    missing_found: int = 0
    missing_claimed: int = 0
    missing_wrong: int = 0
    urgent_total: int = 0
    urgent_found: int = 0
    urgent_false: int = 0
    site_total: int = 0
    site_correct: int = 0
    pages: int = 0
    pages_unread: int = 0
    pages_silent: int = 0
    pages_flagged: int = 0
    pages_upright: int = 0
    pages_unregistered: int = 0
    seconds: float = 0.0
    errors: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name, value in vars(other).items():
            if isinstance(value, Counter):
                getattr(self, name).update(value)
            elif isinstance(value, list):
                getattr(self, name).extend(value)
            else:
                setattr(self, name, getattr(self, name) + value)


def _save(reading: Reading, path: Path) -> None:
    """Keeps what the reader gave (renditions as JPEG at quality 95), to score again later."""
    import pickle  # noqa: S403 — our own files, written and read by this benchmark only

    pages = []
    for page in reading.pages:
        buffer = io.BytesIO()
        Image.fromarray(page.rendition).save(buffer, format="JPEG", quality=95)
        pages.append({**vars(page), "rendition": buffer.getvalue()})
    data = {**vars(reading), "pages": pages}
    path.write_bytes(pickle.dumps(data))


def _load(path: Path) -> Reading:
    import pickle  # noqa: S403

    data = pickle.loads(path.read_bytes())  # noqa: S301 — written by _save above
    pages = [
        ReadPage(**{**p, "rendition": np.asarray(Image.open(io.BytesIO(p["rendition"])))})
        for p in data.pop("pages")
    ]
    return Reading(pages=pages, **data)


def score_document(
    doc: Path, form: str, cache: Path, loinc_keys: dict[str, str],
    readings: Path | None = None, rescore: bool = False, refacts: bool = False,
) -> Score:
    _setup_django()
    gold = json.loads((doc / "gold.json").read_text(encoding="utf-8"))
    pdf_path = doc / "document.pdf"
    score = Score()
    saved = readings / f"{doc.name}--{form}.pickle" if readings else None
    if rescore and saved is not None and saved.exists():
        reading = _load(saved)
        if refacts:
            if not reading.read:
                raise SystemExit(f"{saved} keeps no pages: read again without --rescore")
            extract_into(reading)
    else:
        inputs = make_form(pdf_path, cache, doc.name, form)
        try:
            reading = read_inputs(inputs)
        except Exception as error:  # a crash is scored as nothing read, and counted
            reading = Reading(error=f"{type(error).__name__}: {error}")
        if saved is not None:
            _save(reading, saved)
    if reading.error:
        score.errors += 1
        score.notes.append(f"{doc.name}/{form}: reader failed: {reading.error}")
    score.seconds = reading.seconds
    cleans = [np.asarray(image.convert("L")) for image, _s in render(pdf_path, REGISTER_DPI)]
    text_words = page_words(pdf_path)

    # Identifiers, staff and dates, on the rendition.
    registrations: dict[int, list[tuple[ReadPage, Registration]]] = defaultdict(list)
    for page in reading.pages:
        reg = register(cleans[page.source_page - 1], page.rendition)
        registrations[page.source_page].append((page, reg))
        score.pages += 1
        if reg.homography is None:
            score.pages_unregistered += 1
        elif reg.upright:
            score.pages_upright += 1
        gold_words = text_words[page.source_page - 1]
        share = len(gold_words & page.words) / max(1, len(gold_words))
        if page.hard_to_read:
            score.pages_flagged += 1
        if share < READ_SHARE:
            score.pages_unread += 1
            if not page.hard_to_read:
                score.pages_silent += 1
                score.notes.append(
                    f"{doc.name}/{form} p{page.source_page}: unread ({share:.0%} of its words),"
                    " not marked hard to read"
                )

    def check(entries: Iterable[dict[str, Any]], kind: str) -> tuple[int, int]:
        total = found = 0
        for entry in entries:
            number_ = int(entry.get("page", 1))
            boxes = locate(pdf_path, number_, entry["text"])
            if not boxes:
                if kind == "id":
                    score.id_unlocated += 1
                    score.notes.append(f"{doc.name}: gold text not on page {number_}: "
                                       f"{entry['text']!r}")
                continue
            views = registrations.get(number_, [])
            if not views:
                total += len(boxes)
                continue
            for box in boxes:
                for page, reg in views:
                    total += 1
                    ok = reg.homography is not None and hidden(
                        cv2.cvtColor(page.rendition, cv2.COLOR_RGB2GRAY), reg.homography, box
                    )
                    found += ok
                    if kind == "id" and not page.hard_to_read:
                        score.id_total_clear += 1
                        score.id_hidden_clear += ok
                    if kind == "id":
                        score.id_by_type[entry["type"]] += 1
                        score.id_hidden_by_type[entry["type"]] += ok
                        if not ok:
                            score.notes.append(
                                f"{doc.name}/{form} p{number_}: visible {entry['type']} "
                                f"{entry['text']!r}"
                                + ("" if reg.homography is not None else " (not registered)")
                            )
        return total, found

    score.id_total, score.id_hidden = check(
        [i for i in gold["identifiers"] if i["type"] in PATIENT_TYPES], "id"
    )
    score.staff_total, score.staff_hidden = check(gold.get("other_people", []), "staff")
    score.dates_total, score.dates_hidden = check(gold.get("dates", []), "date")

    # Labs: (analyte, value, flag), matched one to one.
    gold_labs = [dict(g) for g in gold["labs"]]
    used = [False] * len(gold_labs)
    for ours in reading.labs:
        key = _lab_key(ours, loinc_keys)
        if ours.get("withheld"):
            score.lab_withheld += 1
            if not any(g["key"] == key and int(g.get("page", 1)) == ours["page"]
                       and _values_match(g, ours) for g in gold_labs):
                score.lab_withheld_wrong += 1
            score.notes.append(f"{doc.name}/{form}: withheld lab {ours['name']} "
                               f"{ours['value']} ({ours.get('printed', '')})")
            continue
        hit = None
        for i, g in enumerate(gold_labs):
            if used[i] or g["key"] != key or int(g.get("page", 1)) != ours["page"]:
                continue
            if _values_match(g, ours):
                hit = i
                break
        if hit is None:
            score.lab_fp += 1
            value_anywhere = any(
                _values_match(g, ours) for g in gold_labs if g["key"] in (key, "other")
            )
            if not value_anywhere:
                score.invented_lab += 1
                score.notes.append(
                    f"{doc.name}/{form}: invented lab {ours['name']} {ours['value']} "
                    f"({ours.get('printed', '')})"
                )
            continue
        used[hit] = True
        g = gold_labs[hit]
        if g["flag"] is None or _flag(ours["flag"]) == g["flag"]:
            score.lab_tp += 1
        else:
            score.lab_fp += 1
            score.lab_fn += 1
            score.notes.append(
                f"{doc.name}/{form}: lab {g['name']} {g['value']} flag {ours['flag']} "
                f"(gold {g['flag']})"
            )
    for i, g in enumerate(gold_labs):
        if not used[i] and g["key"] != "other":
            score.lab_fn += 1
            score.notes.append(f"{doc.name}/{form}: missed lab {g['name']} {g['value']}")

    # Biomarkers and their assertions.
    missing_keys = {workup_key(m) for m in reading.missing}
    ours_by_marker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for b in reading.biomarkers:
        ours_by_marker[marker_key(b["name"])].append(b)
    taken: set[int] = set()
    gold_markers = gold["biomarkers"]
    gold_stated = {(marker_key(g["name"]), g["assertion"]) for g in gold_markers
                   if g["assertion"] in STATED}
    for g in gold_markers:
        score.bio_total += 1
        key = marker_key(g["name"])
        want = g["assertion"]
        candidates = [b for b in ours_by_marker.get(key, []) if id(b) not in taken]
        match = next((b for b in candidates if our_assertion(b["status"]) == want), None)
        if match is not None:
            taken.add(id(match))
            score.bio_correct += 1
            continue
        stated_prediction = any(our_assertion(b["status"]) in STATED for b in candidates)
        flagged = bool(MARKER_WORKUP.get(key, {key.lower()}) & missing_keys)
        if not stated_prediction and (
            (want in ("not_tested", "recommended") and flagged)
            or want in ("historical", "family")
        ):
            score.bio_correct += 1
        else:
            score.notes.append(
                f"{doc.name}/{form}: {g['name']} is {want}; we said "
                + (", ".join(f"{b['status']} {b['value']}".strip() for b in candidates)
                   or "nothing")
            )
    for key, predictions in ours_by_marker.items():
        for b in predictions:
            assertion = our_assertion(b["status"])
            if assertion in STATED and (key, assertion) not in gold_stated:
                score.invented_bio += 1
                score.notes.append(
                    f"{doc.name}/{form}: invented {b['name']} {b['status']} {b['value']}".rstrip()
                )

    # Work-up, urgency, site.
    wanted = set(gold["workup_missing"])
    score.missing_total = len(wanted)
    score.missing_found = len(wanted & missing_keys)
    score.missing_claimed = len(missing_keys)
    score.missing_wrong = len(missing_keys - wanted)
    for key in sorted(wanted - missing_keys):
        score.notes.append(f"{doc.name}/{form}: work-up {key} not flagged as missing")
    for key in sorted(missing_keys - wanted):
        score.notes.append(f"{doc.name}/{form}: work-up {key} flagged as missing, not by the gold")
    if gold["urgent"]:
        score.urgent_total = 1
        score.urgent_found = int(bool(reading.urgent))
        if not reading.urgent:
            score.notes.append(f"{doc.name}/{form}: urgent, not flagged "
                               f"({'; '.join(gold['urgent_reasons'])})")
    elif reading.urgent:
        score.urgent_false = 1
        score.notes.append(f"{doc.name}/{form}: flagged urgent ({'; '.join(reading.urgent)})")
    site = (gold.get("diagnosis") or {}).get("site")
    if site:
        score.site_total = 1
        score.site_correct = int(reading.site == site)
        if reading.site != site:
            score.notes.append(f"{doc.name}/{form}: site {reading.site or '-'} (gold {site})")
    return score


# --- Report -----------------------------------------------------------------------------------


def ratio(a: float, b: float) -> float:
    return a / b if b else 1.0


def summary(score: Score) -> dict[str, float]:
    precision = ratio(score.lab_tp, score.lab_tp + score.lab_fp)
    recall = ratio(score.lab_tp, score.lab_tp + score.lab_fn)
    return {
        "identifier_recall": ratio(score.id_hidden, score.id_total),
        "identifier_recall_unflagged": ratio(score.id_hidden_clear, score.id_total_clear),
        "staff_hidden": ratio(score.staff_hidden, score.staff_total),
        "dates_hidden": ratio(score.dates_hidden, score.dates_total),
        "lab_precision": precision,
        "lab_recall": recall,
        "lab_f1": ratio(2 * precision * recall, precision + recall),
        "labs_withheld": score.lab_withheld,
        "labs_withheld_misread": score.lab_withheld_wrong,
        "assertion_accuracy": ratio(score.bio_correct, score.bio_total),
        "invented": score.invented_bio + score.invented_lab,
        "missing_recall": ratio(score.missing_found, score.missing_total),
        "missing_precision": ratio(score.missing_claimed - score.missing_wrong,
                                   score.missing_claimed),
        "urgency_recall": ratio(score.urgent_found, score.urgent_total),
        "site_accuracy": ratio(score.site_correct, score.site_total),
        "unread": score.pages_silent,
        "upright": ratio(score.pages_upright, score.pages),
    }


def self_check(docs: Sequence[Path], forms: Sequence[str], cache: Path) -> int:
    """Registers the clean page with each form's own input file and compares the result with
    the transform the form was made with: the registration that scores identifiers is only as
    good as this."""
    from bench.forms import scale

    worst: dict[str, float] = defaultdict(float)
    failed = 0
    for doc in docs:
        pdf_path = doc / "document.pdf"
        cleans = [np.asarray(i.convert("L")) for i, _s in render(pdf_path, REGISTER_DPI)]
        for form in forms:
            if form == "text":
                continue
            for item in make_form(pdf_path, cache, doc.name, form):
                if item.content_type == "application/pdf":
                    pictures = [np.asarray(i) for i, _s in render(item.path, 200)]
                else:
                    pictures = [np.asarray(Image.open(item.path).convert("RGB"))]
                for (number, transform), picture in zip(item.pages, pictures, strict=True):
                    reg = register(cleans[number - 1], picture)
                    h, w = cleans[number - 1].shape
                    corners = np.array([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]], np.float32)
                    known = cv2.perspectiveTransform(
                        corners, np.array(transform) @ np.linalg.inv(scale(REGISTER_DPI / 72))
                    )
                    if reg.homography is None:
                        failed += 1
                        print(f"{doc.name}/{form} p{number}: not registered")
                        continue
                    got = cv2.perspectiveTransform(corners, reg.homography)
                    worst[form] = max(worst[form], float(np.abs(known - got).max()))
    for form, error in worst.items():
        print(f"{form:<10} largest corner error {error:.1f} px")
    print(f"not registered: {failed}")
    return 1 if failed else 0


Job = tuple[str, str, str, dict[str, str], str, bool, bool]


def _run(job: Job) -> tuple[str, str, Score]:
    doc, form, cache, keys, readings, rescore, refacts = job
    return doc, form, score_document(
        Path(doc), form, Path(cache), keys, Path(readings) if readings else None, rescore,
        refacts,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--forms", default=",".join(FORMS))
    parser.add_argument("--docs", default="", help="only documents whose folder name has this")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", type=Path,
                        default=HERE.parent / "var" / "bench-reading-forms")
    parser.add_argument("--json", type=Path, help="write every figure and note here")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    parser.add_argument("--readings", type=Path,
                        help="keep what the reader gave here (to score it again with --rescore)")
    parser.add_argument("--rescore", action="store_true",
                        help="score the readings kept in --readings without reading again")
    parser.add_argument("--refacts", action="store_true",
                        help="with --rescore: extract the facts again from the pages kept (the "
                             "renditions, so identifiers, stay as kept)")
    parser.add_argument("--self-check", action="store_true",
                        help="check the registration against each form's known transform")
    args = parser.parse_args(argv)
    forms = [f for f in args.forms.split(",") if f]
    docs = sorted(p for p in args.data.iterdir()
                  if (p / "gold.json").exists() and (p / "document.pdf").exists()
                  and args.docs in p.name)
    if not docs:
        print(f"no documents in {args.data}", file=sys.stderr)
        return 1
    keys = analyte_keys(args.data / "FORMAT.md" if (args.data / "FORMAT.md").exists() else FORMAT)
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.self_check:
        return self_check(docs, forms, args.cache)
    if args.readings:
        args.readings.mkdir(parents=True, exist_ok=True)
    jobs: list[Job] = [
        (str(d), f, str(args.cache), keys, str(args.readings or ""), args.rescore,
         args.refacts)
        for f in forms for d in docs
    ]
    started = time.perf_counter()
    per_form: dict[str, Score] = {f: Score() for f in forms}
    per_doc: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(_run, jobs))
    else:
        results = [_run(j) for j in jobs]
    for doc, form, score in results:
        per_form[form].add(score)
        per_doc[Path(doc).name][form] = summary(score)
    total = Score()
    for score in per_form.values():
        total.add(score)
    pages = sum(len(page_words(d / "document.pdf")) for d in docs)
    print(f"{len(docs)} documents ({pages} pages) from {args.data}, forms: {', '.join(forms)}; "
          f"{time.perf_counter() - started:.0f} s")
    columns = ("identifier_recall", "lab_f1", "lab_precision", "lab_recall",
               "assertion_accuracy", "invented", "missing_recall", "urgency_recall",
               "site_accuracy", "unread", "upright")
    short = ("id_rec", "lab_f1", "lab_p", "lab_r", "assert", "invent", "miss_r", "urg_r",
             "site", "unread", "upright")
    print(f"{'form':<10}" + "".join(f"{s:>9}" for s in short)
          + f"{'flagged':>9}{'errors':>8}{'s/page':>8}")
    for form, score in [*per_form.items(), ("overall", total)]:
        figures = summary(score)
        cells = "".join(
            f"{figures[c]:>9.0f}" if c in ("invented", "unread") else f"{figures[c]:>9.3f}"
            for c in columns
        )
        print(f"{form:<10}{cells}{score.pages_flagged:>9}{score.errors:>8}"
              f"{ratio(score.seconds, score.pages):>8.1f}")
    by_type = ", ".join(
        f"{t} {total.id_hidden_by_type[t]}/{n}" for t, n in sorted(total.id_by_type.items())
    )
    print(f"identifiers hidden by type: {by_type}")
    clear = " ".join(
        f"{form} {score.id_hidden_clear}/{score.id_total_clear}"
        for form, score in [*per_form.items(), ("overall", total)]
    )
    print(f"identifiers hidden on pages not marked hard to read: {clear}")
    figures = summary(total)
    print(f"staff names hidden {figures['staff_hidden']:.3f}, dates hidden "
          f"{figures['dates_hidden']:.3f}; missing work-up precision "
          f"{figures['missing_precision']:.3f}; urgent false alarms {total.urgent_false}; "
          f"invented biomarkers {total.invented_bio}, labs {total.invented_lab}; labs "
          f"withheld {total.lab_withheld} (misread {total.lab_withheld_wrong}); pages "
          f"unregistered {total.pages_unregistered}, unread {total.pages_unread}; gold "
          f"identifiers not found in the PDF {total.id_unlocated // max(1, len(forms))}")
    if args.verbose:
        for note in total.notes:
            print("  " + note)
    if args.json:
        args.json.write_text(json.dumps(
            {"forms": {f: summary(s) for f, s in per_form.items()}, "overall": figures,
             "documents": per_doc, "notes": total.notes}, indent=1, ensure_ascii=False))
    print(f"identifier_recall={figures['identifier_recall']:.3f} lab_f1={figures['lab_f1']:.3f} "
          f"assertion_accuracy={figures['assertion_accuracy']:.3f} "
          f"invented={figures['invented']:.0f} unread={figures['unread']:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
