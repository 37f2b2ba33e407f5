"""Reads the words of a report: the PDF text layer where there is one, OCR everywhere else.

Every page comes back as words with boxes in page coordinates (PDF points for PDF pages, pixels of
the straightened image for OCR'd pages, origin top left) plus a text rebuilt from those boxes, so a
table row printed as separate cells reads as one line whatever produced the words.
"""

from __future__ import annotations

import io
import math
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, cast

# Tesseract's OpenMP threads fight each other on small machines: one thread per page was ten times
# faster on our 2-core box. It must be set before the library is loaded.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
from PIL import Image, ImageFilter, ImageOps  # noqa: E402

Source = Literal["text-layer", "ocr"]

PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
# Fewer characters than this on a page means a scan with at most a stamp or a page number on it.
MIN_TEXT_LAYER_CHARS = 20
RENDER_SCALE = 300 / 72 / 2  # about 150 dpi: enough for Tesseract, half the time of 300 dpi
# No page is rendered larger than this (an A0 page at 150 dpi is 35 MP): a tiny PDF can declare a
# page of 5 × 5 metres, whose bitmap at 150 dpi would take gigabytes.
MAX_RENDER_PIXELS = 40_000_000
OCR_LANG = os.environ.get("CONSILIUM_OCR_LANG", "eng+hin")
MAX_SKEW_DEGREES = 15.0
# On a text-layer page every embedded picture covering at least this share of the page is OCR'd
# too: a letterhead strip is 3-8 % of A4; a small logo, under 1 %, is left alone.
PICTURE_SHARE_FOR_OCR = 0.01
# An OCR'd page whose reading confidence is below this, or that gave fewer words than FEW_WORDS,
# is marked hard to read. Measured on the bench (bench/reading.py, 67 pages a form): a low-light
# photo that had lost 45 % of its words scored 0.648, so 0.62 let it through unwarned; the next
# page up scored 0.669, and no scan or phone-photo page scored under 0.79. 0.70 leaves a margin
# above the page that was lost and warns on dim photos only: a warning costs a look, a silent
# loss costs a fact.
HARD_TO_READ_BELOW = 0.70
FEW_WORDS = 5
# A word this many times taller than the page's typical word is not taken for a row's height.
TALL_WORD = 2.5


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1; y grows downwards
    confidence: float = 100.0


@dataclass
class Page:
    number: int  # 1-based
    text: str
    words: list[Word]
    source: Source
    width: float
    height: float
    rotation: int = 0  # degrees turned counter-clockwise to make the page upright: 0/90/180/270
    skew: float = 0.0  # degrees of small tilt removed before OCR
    # How sure the reading is (0-1): 1 for a text layer; for OCR from dictionary words and
    # Tesseract's word confidence. A page below HARD_TO_READ_BELOW is marked hard to read, so a
    # person checks it by eye rather than trusting words that may be missing or wrong.
    confidence: float | None = None
    hard_to_read: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class UnreadableDocument(ValueError):
    """The bytes are not a PDF or image we can open."""


def read_document(data_or_reader: bytes | IO[bytes] | Path, content_type: str) -> list[Page]:
    """Returns the pages of a PDF or image, OCR'ing pages that have no usable text layer."""
    return [page for page, _image in iter_pages(data_or_reader, content_type)]


def iter_pages(
    data_or_reader: bytes | IO[bytes] | Path, content_type: str, *, images: bool = False
) -> Iterator[tuple[Page, Image.Image | None]]:
    """Reads one page at a time, so a caller can report progress between pages. With `images`,
    each page comes with the picture its word boxes refer to: a PDF page rendered at about
    150 dpi, or a photo turned and levelled exactly as the OCR saw it (in colour)."""
    data = _as_bytes(data_or_reader)
    if _is_pdf(data, content_type):
        yield from _iter_pdf(data, images=images)
    else:
        yield _read_image(data, number=1, keep_image=images)


def page_count(data_or_reader: bytes | IO[bytes] | Path, content_type: str) -> int:
    """How many pages `iter_pages` will yield (cheap: no page is rendered)."""
    data = _as_bytes(data_or_reader)
    if not _is_pdf(data, content_type):
        return 1
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(str(exc)) from exc
    try:
        return len(pdf)
    finally:
        pdf.close()


def _is_pdf(data: bytes, content_type: str) -> bool:
    return content_type in PDF_TYPES or data[:5] == b"%PDF-"


def _as_bytes(data_or_reader: bytes | IO[bytes] | Path) -> bytes:
    if isinstance(data_or_reader, bytes | bytearray | memoryview):
        return bytes(data_or_reader)
    if isinstance(data_or_reader, Path):
        return data_or_reader.read_bytes()
    return data_or_reader.read()


# --- PDF --------------------------------------------------------------------------------------


def _iter_pdf(data: bytes, *, images: bool) -> Iterator[tuple[Page, Image.Image | None]]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(str(exc)) from exc
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                yield _read_pdf_page(page, number=index + 1, images=images)
            finally:
                page.close()
    finally:
        pdf.close()


def render_pdf_page(page: Any, *, grayscale: bool = False) -> Image.Image:
    """A PDF page as a picture at about 150 dpi. Annotations and form fields are left out: their
    text is not in the text layer we check for identifiers, so it must not be in the picture."""
    width, height = page.get_size()
    scale = RENDER_SCALE
    while math.ceil(width * scale) * math.ceil(height * scale) > MAX_RENDER_PIXELS:
        scale = min(scale * 0.999, (MAX_RENDER_PIXELS / max(1.0, width * height)) ** 0.5)
    bitmap = page.render(scale=scale, grayscale=grayscale, draw_annots=False, may_draw_forms=False)
    image: Image.Image = bitmap.to_pil()
    return image.convert("L" if grayscale else "RGB")


def _read_pdf_page(page: Any, *, number: int, images: bool) -> tuple[Page, Image.Image | None]:
    width, height = page.get_size()
    words = _pdf_words(page, height)
    if sum(len(w.text) for w in words) < MIN_TEXT_LAYER_CHARS:
        # A scan with at most a stamp or a page number on it.
        return _ocr_page(
            render_pdf_page(page, grayscale=not images), number=number, keep_image=images
        )
    image = render_pdf_page(page) if images else None
    extra: dict[str, Any] = {}
    pictures = _pictures(page, width, height)
    if pictures:
        # Text printed inside a picture (a scanned letterhead, a pasted photo of a form) has no
        # text layer; OCR of each picture finds it, so identifiers in it are not missed.
        rendered = image or render_pdf_page(page)
        added = [
            word
            for word in _ocr_regions(rendered, pictures, scale=rendered.width / width)
            if not any(_overlaps(word.box, t.box) for t in words)
        ]
        words = words + added
        extra["ocr_words"] = len(added)
    return (
        Page(
            number=number,
            text=words_to_text(words),
            words=words,
            source="text-layer",
            width=width,
            height=height,
            confidence=1.0,
            extra=extra,
        ),
        image,
    )


Box = tuple[float, float, float, float]


def _pictures(page: Any, width: float, height: float) -> list[Box]:
    """Boxes (page points, origin top left) of the embedded pictures big enough to hold text."""
    import pypdfium2.raw as pdfium_c

    found = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        box = (
            max(0.0, left),
            max(0.0, height - top),
            min(width, right),
            min(height, height - bottom),
        )
        if (box[2] - box[0]) * (box[3] - box[1]) >= PICTURE_SHARE_FOR_OCR * width * height:
            found.append(box)
    return found


def _ocr_regions(rendered: Image.Image, regions: list[Box], *, scale: float) -> list[Word]:
    """OCR of parts of a rendered page; the word boxes come back in page points."""
    words: list[Word] = []
    for x0, y0, x1, y1 in regions:
        crop = (int(x0 * scale), int(y0 * scale), int(x1 * scale) + 1, int(y1 * scale) + 1)
        if crop[2] - crop[0] < 8 or crop[3] - crop[1] < 8:
            continue
        read, _none = _ocr_page(rendered.crop(crop), number=0, straighten_page=False)
        for w in read.words:
            words.append(
                Word(
                    w.text,
                    (
                        (w.box[0] + crop[0]) / scale,
                        (w.box[1] + crop[1]) / scale,
                        (w.box[2] + crop[0]) / scale,
                        (w.box[3] + crop[1]) / scale,
                    ),
                    w.confidence,
                )
            )
    return words


def _overlaps(a: Box, b: Box) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _pdf_words(page: Any, page_height: float) -> list[Word]:
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count <= 0:
            return []
        text = textpage.get_text_range(0, count)
        words: list[Word] = []
        current: list[str] = []
        box = [0.0, 0.0, 0.0, 0.0]

        def flush() -> None:
            if current:
                words.append(Word("".join(current), (box[0], box[1], box[2], box[3])))
                current.clear()

        # PDFium counts the spaces and line breaks it generates as characters, so text and
        # character indices line up; where they do not (surrogate pairs) fall back per character.
        aligned = len(text) == count
        for i in range(count):
            ch = text[i] if aligned else textpage.get_text_range(i, 1)
            if not ch or ch.isspace() or ch == "\x00":
                flush()
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            y0, y1 = page_height - top, page_height - bottom
            if current and left - box[2] > max(1.5, (box[3] - box[1]) * 0.4):
                flush()  # a gap wider than a space between table cells with no space character
            if not current:
                box = [left, y0, right, y1]
            else:
                box = [min(box[0], left), min(box[1], y0), max(box[2], right), max(box[3], y1)]
            current.append(ch)
        flush()
        return words
    finally:
        textpage.close()


# --- Images and OCR ---------------------------------------------------------------------------


def _read_image(
    data: bytes, *, number: int, keep_image: bool = False
) -> tuple[Page, Image.Image | None]:
    try:
        opened = Image.open(io.BytesIO(data))
        image: Image.Image = ImageOps.exif_transpose(opened)  # phones store the turn in EXIF
        image.load()
    except Exception as exc:  # Pillow raises many types for broken files
        raise UnreadableDocument(str(exc)) from exc
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # A transparent background would turn black once the alpha is dropped: paper is white.
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = flat
    return _ocr_page(image, number=number, keep_image=keep_image)


_api_lock = threading.Lock()
_api: Any = None
_osd_api: Any = None
_probe_api: Any = None


def tessdata_path() -> str:
    """Finds a tessdata folder holding eng (and ideally hin and osd) traineddata."""
    candidates = [
        os.environ.get("TESSDATA_PREFIX", ""),
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
        "/usr/local/share/tessdata",
        "/opt/homebrew/share/tessdata",
    ]
    for candidate in candidates:
        if candidate:
            for folder in (Path(candidate), Path(candidate) / "tessdata"):
                if (folder / "eng.traineddata").exists():
                    return str(folder)
    raise RuntimeError("No Tesseract language data found; set TESSDATA_PREFIX.")


def _tesseract() -> Any:
    """One Tesseract instance per process: loading the models costs more than reading a page."""
    global _api
    if _api is None:
        import tesserocr

        path = tessdata_path()
        langs = "+".join(
            lang for lang in OCR_LANG.split("+") if Path(path, f"{lang}.traineddata").exists()
        )
        _api = tesserocr.PyTessBaseAPI(path=path, lang=langs or "eng")
    return _api


def _orientation_detector() -> Any:
    """A separate OSD-only instance: asking the eng+hin one for orientation crashes Tesseract."""
    global _osd_api
    if _osd_api is None:
        import tesserocr

        path = tessdata_path()
        if not Path(path, "osd.traineddata").exists():
            return None
        _osd_api = tesserocr.PyTessBaseAPI(path=path, lang="osd", psm=tesserocr.PSM.OSD_ONLY)
    return _osd_api


def _probe_reader() -> Any:
    """An English-only instance for trying orientations: with Devanagari loaded, upside-down
    Latin print reads as Hindi "words" and a wrong turn can look plausible."""
    global _probe_api
    if _probe_api is None:
        import tesserocr

        _probe_api = tesserocr.PyTessBaseAPI(path=tessdata_path(), lang="eng")
    return _probe_api


def _ocr_page(
    image: Image.Image, *, number: int, keep_image: bool = False, straighten_page: bool = True
) -> tuple[Page, Image.Image | None]:
    import tesserocr

    gray = image.convert("L")
    with _api_lock:
        geometry = (
            find_geometry(gray)
            if straighten_page
            else Geometry(Transform.identity(gray.size), 0, 0.0, False)
        )
        straight = clean_photo(apply_transform(gray, geometry.transform))
        api = _tesseract()
        api.SetPageSegMode(tesserocr.PSM.AUTO)
        api.SetImage(straight)
        dpi = image.info.get("dpi", (0, 0))[0]
        api.SetSourceResolution(int(dpi) if dpi and dpi >= 70 else 150)
        api.Recognize()
        read = _iterate_words(api, boxes=True)
        api.Clear()
    words = [Word(text, box, confidence) for text, confidence, _d, box in read]
    confidence = reading_confidence([(w, c, d) for w, c, d, _b in read])
    page = Page(
        number=number,
        text=words_to_text(words),
        words=words,
        source="ocr",
        width=float(straight.width),
        height=float(straight.height),
        rotation=geometry.rotation,
        skew=geometry.skew,
        confidence=confidence,
        hard_to_read=confidence < HARD_TO_READ_BELOW or len(words) < FEW_WORDS,
        extra={"page_found": geometry.page_found},
    )
    if not keep_image:
        return page, None
    seen = apply_transform(image.convert("RGB"), geometry.transform)
    if seen.size != straight.size:  # cannot happen: one transform, one output size
        raise RuntimeError("the straightened picture does not match the OCR'd one")
    return page, seen


def reading_confidence(words: Sequence[tuple[str, float, bool]]) -> float:
    """How sure the reading is, 0-1, from (text, Tesseract confidence, in its dictionary) per
    word: the share of the words with letters that are dictionary words, and the mean word
    confidence. Garbage from a page read at the wrong turn, out of focus or in the dark scores
    low on both; a lab table's numbers and codes are left out of the first."""
    if not words:
        return 0.0
    mean = sum(c for _t, c, _d in words) / len(words) / 100.0
    lettered = [(t, d) for t, _c, d in words if sum(ch.isalpha() for ch in t) >= 3]
    share = (sum(d for _t, d in lettered) / len(lettered)) if lettered else 0.0
    weight = min(1.0, len(lettered) / 10)  # a few lettered words say little either way
    value = weight * (0.5 * share + 0.5 * mean) + (1 - weight) * mean * 0.8
    return round(max(0.0, min(1.0, value)), 3)


def clean_photo(image: Image.Image) -> Image.Image:
    """Greyscale with the uneven light of a phone photo divided out and speckle removed.

    On our phone-photo fixtures this halved Tesseract's misread cells (isolated numbers such as
    "1.1" came back as words) at no extra time, because a cleaner page segments faster.
    """
    gray = image.convert("L")
    small = _downscale(gray, 600)
    radius = max(4.0, small.width / 60)
    background = small.filter(ImageFilter.GaussianBlur(radius)).resize(gray.size)
    arr = np.asarray(gray, dtype=np.float32)
    bg = np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    flat = np.clip(arr / bg * 255.0, 0, 255).astype(np.uint8)
    return Image.fromarray(flat).filter(ImageFilter.MedianFilter(3))


def _detect_rotation(gray: Image.Image) -> int:
    """Returns 0, 90, 180 or 270: the counter-clockwise turn Tesseract's OSD proposes."""
    api = _orientation_detector()
    if api is None:
        return 0
    api.SetImage(_downscale(gray, 3000))
    try:
        result = api.DetectOrientationScript()
    except RuntimeError:
        result = None
    api.Clear()
    if not result or result.get("orient_conf", 0) < 0.5:
        return 0
    return int(result["orient_deg"]) % 360


def _downscale(image: Image.Image, longest: int) -> Image.Image:
    scale = longest / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _ink(gray: Image.Image) -> Image.Image:
    small = _downscale(gray, 900)
    arr = np.asarray(small, dtype=np.uint8)
    threshold = min(200, int(arr.mean()) - 30) if arr.mean() > 60 else 128
    return Image.fromarray(((arr < threshold) * 255).astype(np.uint8))


def _skew_search(ink: Image.Image, limit: float = MAX_SKEW_DEGREES) -> tuple[float, float]:
    """Returns the tilt that makes rows of ink spikiest, and how spiky (per row) they are."""

    def score(angle: float) -> float:
        turned = np.asarray(ink.rotate(angle, expand=False, fillcolor=0), dtype=np.float32)
        rows = turned.sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2)) / max(1, int(turned.shape[0]))

    coarse = [float(a) for a in np.arange(-limit, limit + 0.01, 1.0)]
    best = max(coarse, key=score)
    fine = [float(a) for a in np.arange(best - 1.0, best + 1.01, 0.1)]
    found: float = max(fine, key=score)
    return round(found, 2), score(found)


def estimate_skew(gray: Image.Image) -> float:
    """Finds the small tilt (degrees, counter-clockwise to undo) by projection profiles.

    Level text lines make the row sums of ink spiky, so the angle whose rotation gives the
    spikiest profile wins: a coarse 1-degree search, then 0.1 degree around the best.
    """
    return _skew_search(_ink(gray))[0]


def straighten(gray: Image.Image) -> tuple[Image.Image, int, float]:
    """Turns a page upright, flat and level; returns it with the quarter turn and tilt removed."""
    with _api_lock:
        geometry = find_geometry(gray)
    return apply_transform(gray, geometry.transform), geometry.rotation, geometry.skew


# --- Page geometry ----------------------------------------------------------------------------
#
# A page is made upright by one projective transform (a 3x3 homography from the picture's pixels
# to the straightened page's), so the greyscale Tesseract reads and the colour picture the
# specialist sees go through exactly the same mapping and every word box lands on its ink.
#
# 1. The paper: on a phone photo, the largest bright quadrilateral on a darker table is warped
#    flat (perspective and tilt removed, the table cropped away). Scans, PDFs and screenshots,
#    where no convincing outline stands out, keep the whole picture.
# 2. Level: projection profiles find what tilt is left and whether lines run across or down.
# 3. Quarter turn: the candidates are OCR'd on a central band and the one that reads as words
#    (Tesseract's dictionary, word confidence) wins; a border, a barcode or a table's rules can
#    make a profile spiky, but cannot make upside-down text spell words. OSD only breaks ties.

# The page outline must cover at least this share of the picture, and stand this many grey
# levels brighter than what lies around it, to be taken for paper on a table.
PAGE_MIN_SHARE = 0.2
PAGE_MIN_CONTRAST = 25.0
# Side (pixels) of the copy the page is looked for on, and of the copy orientation is tried on.
FIND_SIDE = 800
PROBE_SIDE = 1700
# A candidate orientation reading fewer good words than this on its band is no evidence.
PROBE_MIN_WORDS = 4


@dataclass(frozen=True)
class Transform:
    """A homography from a picture's pixel centres to the straightened page's, and that page's
    size. Applied alike to the greyscale that is OCR'd and to the colour picture kept."""

    matrix: tuple[tuple[float, float, float], ...]
    size: tuple[int, int]  # width, height of the straightened page

    @staticmethod
    def identity(size: tuple[int, int]) -> Transform:
        return Transform(_as_tuple(np.eye(3)), size)

    def array(self) -> np.ndarray:
        return np.array(self.matrix, dtype=np.float64)

    def then(self, matrix: np.ndarray, size: tuple[int, int]) -> Transform:
        """This transform followed by `matrix` (from this one's output to a new `size`)."""
        return Transform(_as_tuple(matrix @ self.array()), size)

    def is_identity(self) -> bool:
        return self.size == (0, 0) or bool(np.allclose(self.array(), np.eye(3)))


def _as_tuple(matrix: np.ndarray) -> tuple[tuple[float, float, float], ...]:
    m = matrix / matrix[2, 2]
    return tuple((float(r[0]), float(r[1]), float(r[2])) for r in m)


def apply_transform(image: Image.Image, transform: Transform) -> Image.Image:
    """The picture as `straighten` left it: warped by the transform, white where the page had
    nothing (beyond the picture's edge)."""
    import cv2

    if transform.size == image.size and transform.is_identity():
        return image.copy()
    arr = np.asarray(image)
    white: float | tuple[float, ...] = 255 if arr.ndim == 2 else (255.0,) * arr.shape[2]
    matrix = transform.array()
    exact_turn = bool(np.allclose(matrix[:2, :2], np.round(matrix[:2, :2]))) and bool(
        np.allclose(matrix[2], [0, 0, 1])
    )
    # A quarter turn maps pixels onto pixels: nearest keeps them bit for bit.
    flags = cv2.INTER_NEAREST if exact_turn else cv2.INTER_CUBIC
    out = cv2.warpPerspective(
        arr,
        matrix,
        transform.size,
        flags=flags,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=white,
    )
    return Image.fromarray(out, mode=image.mode)


def _scale(factor: float) -> np.ndarray:
    # Pixel centres: x' + 0.5 = (x + 0.5) * factor.
    offset = 0.5 * (factor - 1.0)
    return np.array([[factor, 0, offset], [0, factor, offset], [0, 0, 1]], dtype=np.float64)


def _turn(angle: float, size: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
    """A counter-clockwise turn by `angle` degrees about the centre onto a canvas that holds the
    whole turned picture (as Image.rotate(expand=True)); exact for quarter turns."""
    width, height = size
    quarter = angle % 90 == 0
    radians = np.radians(angle)
    cos, sin = (
        (round(np.cos(radians)), round(np.sin(radians)))
        if quarter
        else (float(np.cos(radians)), float(np.sin(radians)))
    )
    new_w = abs(width * cos) + abs(height * sin)
    new_h = abs(width * sin) + abs(height * cos)
    out = (
        (int(round(new_w)), int(round(new_h)))
        if quarter
        else (int(np.ceil(new_w - 1e-6)), int(np.ceil(new_h - 1e-6)))
    )
    cx, cy = (width - 1) / 2, (height - 1) / 2
    ox, oy = (out[0] - 1) / 2, (out[1] - 1) / 2
    matrix = np.array(
        [
            [cos, sin, ox - cx * cos - cy * sin],
            [-sin, cos, oy + cx * sin - cy * cos],
            [0, 0, 1],
        ],
        dtype=np.float64,
    )
    return matrix, out


def find_page(gray: Image.Image) -> np.ndarray | None:
    """The corners (top left, top right, bottom right, bottom left; pixels of `gray`) of a sheet
    of paper lying on something darker, or None when no convincing outline stands out."""
    import cv2

    small = _downscale(gray, FIND_SIDE)
    factor = gray.width / small.width
    arr = cv2.GaussianBlur(np.asarray(small, dtype=np.uint8), (5, 5), 0)
    level, mask = cv2.threshold(arr, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close the gaps print leaves in the white paper, then cut thin bridges to the frame.
    k = max(3, small.width // 60) | 1
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    contours, _hierarchy = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    total = small.width * small.height
    if area < PAGE_MIN_SHARE * total:
        return None
    hull = cv2.convexHull(contour)
    quad = None
    for epsilon in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, epsilon * cv2.arcLength(hull, True), True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float64)
            break
    if quad is None or not cv2.isContourConvex(quad.astype(np.float32)):
        return None
    if cv2.contourArea(quad.astype(np.float32)) > 0.97 * total:
        return None  # the whole frame: a scan or a screenshot, nothing to crop
    if _sides_on_frame(quad, small.size) > 1:
        return None  # an outline drawn by the frame, not by a sheet's edges: light, not paper
    # Paper on a table: clearly brighter inside the outline than outside it.
    inside = np.zeros_like(mask)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    outside = inside == 0
    if outside.sum() < 0.02 * total:
        return None
    contrast = float(arr[inside > 0].mean()) - float(arr[outside].mean())
    if contrast < PAGE_MIN_CONTRAST:
        return None
    return _order_corners(quad) * factor + 0.5 * (factor - 1.0)


def _sides_on_frame(quad: np.ndarray, size: tuple[int, int]) -> int:
    """How many sides of the outline run along the picture's edge."""
    margin = 0.015 * max(size)
    count = 0
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        for axis, end in ((0, 0.0), (0, size[0] - 1.0), (1, 0.0), (1, size[1] - 1.0)):
            if abs(a[axis] - end) < margin and abs(b[axis] - end) < margin:
                count += 1
    return count


def _order_corners(quad: np.ndarray) -> np.ndarray:
    """Top left, top right, bottom right, bottom left, as they lie in the picture."""
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    ring = quad[np.argsort(angles)]  # clockwise on screen (y grows downwards), from the left
    start = int(np.argmin(ring.sum(axis=1)))  # the top left has the smallest x + y
    return np.roll(ring, -start, axis=0)


def _page_transform(corners: np.ndarray) -> Transform:
    import cv2

    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    w, h = int(round(width)), int(round(height))
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return Transform(_as_tuple(matrix), (w, h))


@dataclass(frozen=True)
class Geometry:
    transform: Transform
    rotation: int  # the quarter turn (counter-clockwise degrees) within the transform
    skew: float  # the tilt (counter-clockwise degrees) removed on top of the quarter turn
    page_found: bool


def find_geometry(gray: Image.Image) -> Geometry:
    """How to make a page upright, level and flat: see the notes above. Call under _api_lock."""
    corners = find_page(gray)
    page = _page_transform(corners) if corners is not None else Transform.identity(gray.size)
    # Decisions are taken on a smaller copy of the flattened page.
    factor = min(1.0, PROBE_SIDE / max(page.size))
    probe_size = (max(1, round(page.size[0] * factor)), max(1, round(page.size[1] * factor)))
    probe = clean_photo(apply_transform(gray, page.then(_scale(factor), probe_size)))
    ink = _ink(probe)
    limit = 5.0 if corners is not None else MAX_SKEW_DEGREES
    angle, spiky = _skew_search(ink, limit)
    side_angle, side_spiky = _skew_search(ink.rotate(90, expand=True), limit)
    across = [(0, angle), (180, angle)]
    down = [(90, side_angle), (270, side_angle)]
    first, second = (down, across) if side_spiky > spiky * 1.5 else (across, down)
    scores = {turn: _probe(probe, turn, tilt) for turn, tilt in first}
    if max(s[0] for s in scores.values()) < PROBE_MIN_WORDS:
        scores.update({turn: _probe(probe, turn, tilt) for turn, tilt in second})
    if max(s[0] for s in scores.values()) < PROBE_MIN_WORDS:
        # No English on the band (a page in Hindi): every script the page is read in, now.
        scores = {
            turn: _probe(probe, turn, tilt, every_script=True) for turn, tilt in first + second
        }
    tilts = dict(first + second)
    ranked = sorted(scores, key=lambda t: scores[t], reverse=True)
    best = ranked[0]
    if scores[best][0] < PROBE_MIN_WORDS:
        # No candidate reads: OSD's upright-or-upside-down, on the profile's choice.
        best = first[0][0]
        levelled = _rotate_small(probe, best, tilts[best])
        if _detect_rotation(levelled) == 180:
            best = (best + 180) % 360
    tilt = tilts[best]
    turn_matrix, size = _turn(best, page.size)
    transform = page.then(turn_matrix, size)
    if abs(tilt) >= 0.3:
        level_matrix, size = _turn(tilt, size)
        transform = transform.then(level_matrix, size)
    rotation, skew = _rotation_of(transform)
    return Geometry(transform, rotation, skew, corners is not None)


def _rotate_small(image: Image.Image, turn: int, tilt: float) -> Image.Image:
    turned = image.rotate(turn, expand=True) if turn else image
    if abs(tilt) >= 0.3:
        turned = turned.rotate(tilt, expand=True, fillcolor=255, resample=Image.Resampling.BILINEAR)
    return turned


def _probe(
    probe: Image.Image, turn: int, tilt: float, *, every_script: bool = False
) -> tuple[int, float]:
    """How well a central band of the page reads turned this way: good dictionary words, then
    mean word confidence. English only unless `every_script`."""
    import tesserocr

    turned = _rotate_small(probe, turn, tilt)
    api = _tesseract() if every_script else _probe_reader()
    # One block read as horizontal lines: left to itself, Tesseract finds vertical text and
    # reads a page turned a quarter as well as an upright one.
    api.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK)
    api.SetImage(_middle_band(turned))
    api.SetSourceResolution(150)
    api.Recognize()
    good, confidences = 0, []
    for _word, confidence, dictionary in _iterate_words(api):
        confidences.append(confidence)
        if dictionary and confidence >= 60 and sum(c.isalpha() for c in _word) >= 3:
            good += 1
    api.Clear()
    return good, (sum(confidences) / len(confidences) if confidences else 0.0)


def _middle_band(image: Image.Image) -> Image.Image:
    """The middle of the printed part of a page (by its ink, not the sheet, so a short table at
    the top of an empty page is what is tried): a band across it, a third as high."""
    ink = np.asarray(_ink(image)) > 0
    factor = image.width / ink.shape[1]
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) < 2 or len(cols) < 2:
        return image
    top, bottom = np.percentile(rows, [2, 98]) * factor
    left, right = np.percentile(cols, [2, 98]) * factor
    height = max(bottom - top, 1.0)
    # Centred where half the ink lies above: in the table of a page that is mostly blank below
    # it but for a footer, not in the blank.
    mass = np.cumsum(ink.sum(axis=1))
    middle = float(np.searchsorted(mass, mass[-1] / 2)) * factor
    half = max(height / 6, min(height, 150.0) / 2)
    box = (
        int(max(0, left - 10)),
        int(max(0, middle - half)),
        int(min(image.width, right + 10)),
        int(min(image.height, middle + half)),
    )
    return image.crop(box)


def _rotation_of(transform: Transform) -> tuple[int, float]:
    """The counter-clockwise turn the transform makes at the page centre, as a quarter turn and
    what is left of it."""
    inverse = np.linalg.inv(transform.array())
    cx, cy = transform.size[0] / 2, transform.size[1] / 2

    def back(x: float, y: float) -> np.ndarray:
        p = inverse @ np.array([x, y, 1.0])
        # numpy types a slice of an array divided by one of its items as Any.
        return cast(np.ndarray, p[:2] / p[2])

    u = back(cx + 10, cy) - back(cx, cy)  # the direction in the picture that ends up level
    turned = -float(np.degrees(np.arctan2(-u[1], u[0])))
    rotation = int(round(turned / 90.0)) * 90 % 360
    skew = (turned - rotation + 180.0) % 360.0 - 180.0
    return rotation, round(skew, 2)


def _iterate_words(api: Any, *, boxes: bool = False) -> list[Any]:
    """The words Tesseract recognised: (text, confidence, in its dictionary), with the box
    appended when `boxes`."""
    import tesserocr

    found: list[Any] = []
    iterator = api.GetIterator()
    if iterator is None:
        return found
    level = tesserocr.RIL.WORD
    for item in tesserocr.iterate_level(iterator, level):
        try:
            text = item.GetUTF8Text(level)
        except RuntimeError:  # tesserocr raises on an empty page instead of returning ""
            break
        if not text or not text.strip():
            continue
        entry: tuple[Any, ...] = (
            text.strip(),
            float(item.Confidence(level)),
            bool(item.WordIsFromDictionary()),
        )
        if boxes:
            box = item.BoundingBox(level)
            if box is None:
                continue
            x0, y0, x1, y1 = box
            entry = (*entry, (float(x0), float(y0), float(x1), float(y1)))
        found.append(entry)
    return found


# --- Layout -----------------------------------------------------------------------------------


def group_lines(words: Iterable[Word]) -> list[list[Word]]:
    """Groups words into rows by vertical overlap, each row sorted left to right."""
    listed = list(words)
    return [[listed[i] for i in line] for line in _line_indices(listed)]


def _line_indices(words: Sequence[Word]) -> list[list[int]]:
    ordered = sorted(
        range(len(words)),
        key=lambda i: ((words[i].box[1] + words[i].box[3]) / 2, words[i].box[0]),
    )
    heights = sorted(w.box[3] - w.box[1] for w in words)
    typical = heights[len(heights) // 2] if heights else 0.0
    lines: list[list[int]] = []
    spans: list[tuple[float, float]] = []
    for index in ordered:
        y0, y1 = words[index].box[1], words[index].box[3]
        middle = (y0 + y1) / 2
        if typical > 0 and y1 - y0 > TALL_WORD * typical:
            # OCR of a box's border or a logo gives "words" many rows high: one founding a row
            # would pull the rows it spans into one line. It gets a row's height at its middle.
            y0, y1 = middle - typical / 2, middle + typical / 2
        if lines:
            top, bottom = spans[-1]
            if top <= middle <= bottom:
                lines[-1].append(index)
                # Keep the row's span to its first words so a tall word cannot swallow two rows.
                continue
        lines.append([index])
        spans.append((y0, y1))
    return [sorted(line, key=lambda i: words[i].box[0]) for line in lines]


@dataclass(frozen=True)
class Layout:
    """The text rebuilt from words, and where each word (by its index) sits in it."""

    text: str
    spans: tuple[tuple[int, int], ...]  # (start, end) of words[i] in `text`
    lines: tuple[int, ...]  # the row each word is on


def layout(words: Sequence[Word]) -> Layout:
    """Rebuilds text: one row per line, cells separated by two or more spaces."""
    out: list[str] = []
    position = 0
    spans: list[tuple[int, int]] = [(0, 0)] * len(words)
    rows: list[int] = [0] * len(words)
    for row, line in enumerate(_line_indices(words)):
        if row:
            out.append("\n")
            position += 1
        heights = sorted(words[i].box[3] - words[i].box[1] for i in line)
        height = heights[len(heights) // 2] or 1.0
        previous: Word | None = None
        for index in line:
            word = words[index]
            if previous is not None:
                gap = word.box[0] - previous.box[2]
                separator = "   " if gap > height * 1.2 else " "
                out.append(separator)
                position += len(separator)
            out.append(word.text)
            spans[index] = (position, position + len(word.text))
            rows[index] = row
            position += len(word.text)
            previous = word
    return Layout(text="".join(out), spans=tuple(spans), lines=tuple(rows))


def words_to_text(words: Sequence[Word]) -> str:
    """Rebuilds text: one row per line, cells separated by two or more spaces."""
    return layout(words).text
