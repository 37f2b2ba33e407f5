"""Reads the words of a report: the PDF text layer where there is one, OCR everywhere else.

Every page comes back as words with boxes in page coordinates (PDF points for PDF pages, pixels of
the straightened image for OCR'd pages, origin top left) plus a text rebuilt from those boxes, so a
table row printed as separate cells reads as one line whatever produced the words.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

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
OCR_LANG = os.environ.get("CONSILIUM_OCR_LANG", "eng+hin")
MAX_SKEW_DEGREES = 15.0
# On a text-layer page every embedded picture covering at least this share of the page is OCR'd
# too: a letterhead strip is 3-8 % of A4; a small logo, under 1 %, is left alone.
PICTURE_SHARE_FOR_OCR = 0.01


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
    bitmap = page.render(
        scale=RENDER_SCALE, grayscale=grayscale, draw_annots=False, may_draw_forms=False
    )
    image: Image.Image = bitmap.to_pil()
    return image.convert("L" if grayscale else "RGB")


def _read_pdf_page(page: Any, *, number: int, images: bool) -> tuple[Page, Image.Image | None]:
    width, height = page.get_size()
    words = _pdf_words(page, height)
    if sum(len(w.text) for w in words) < MIN_TEXT_LAYER_CHARS:
        # A scan with at most a stamp or a page number on it.
        return _ocr_page(render_pdf_page(page, grayscale=not images), number=number,
                         keep_image=images)
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
        Page(number=number, text=words_to_text(words), words=words, source="text-layer",
             width=width, height=height, extra=extra),
        image,
    )


Box = tuple[float, float, float, float]


def _pictures(page: Any, width: float, height: float) -> list[Box]:
    """Boxes (page points, origin top left) of the embedded pictures big enough to hold text."""
    import pypdfium2.raw as pdfium_c

    found = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        box = (max(0.0, left), max(0.0, height - top), min(width, right),
               min(height, height - bottom))
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
            words.append(Word(
                w.text,
                ((w.box[0] + crop[0]) / scale, (w.box[1] + crop[1]) / scale,
                 (w.box[2] + crop[0]) / scale, (w.box[3] + crop[1]) / scale),
                w.confidence,
            ))
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


def _ocr_page(
    image: Image.Image, *, number: int, keep_image: bool = False, straighten_page: bool = True
) -> tuple[Page, Image.Image | None]:
    import tesserocr

    gray = clean_photo(image)
    with _api_lock:
        api = _tesseract()
        turns: list[Turn] = []
        rotation, skew = 0, 0.0
        if straighten_page:
            gray, rotation, skew, turns = _straighten(gray)
        api.SetPageSegMode(tesserocr.PSM.AUTO)
        api.SetImage(gray)
        dpi = image.info.get("dpi", (0, 0))[0]
        api.SetSourceResolution(int(dpi) if dpi and dpi >= 70 else 150)
        api.Recognize()
        words = _ocr_words(api)
        api.Clear()
    page = Page(
        number=number,
        text=words_to_text(words),
        words=words,
        source="ocr",
        width=float(gray.width),
        height=float(gray.height),
        rotation=rotation,
        skew=round(skew, 2),
    )
    if not keep_image:
        return page, None
    seen = apply_turns(image.convert("RGB"), turns)
    if seen.size != gray.size:  # cannot happen: the same turns on a picture of the same size
        raise RuntimeError("the straightened picture does not match the OCR'd one")
    return page, seen


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


def _skew_search(ink: Image.Image) -> tuple[float, float]:
    """Returns the tilt that makes rows of ink spikiest, and how spiky (per row) they are."""

    def score(angle: float) -> float:
        turned = np.asarray(ink.rotate(angle, expand=False, fillcolor=0), dtype=np.float32)
        rows = turned.sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2)) / max(1, turned.shape[0])

    coarse = [float(a) for a in np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 1.0)]
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


# One turn of `Image.rotate(angle, expand=True)`: the angle and whether it was resampled.
Turn = tuple[float, bool]


def straighten(gray: Image.Image) -> tuple[Image.Image, int, float]:
    """Turns a page upright and level; returns it with the quarter turn and tilt removed.

    Tesseract's orientation detection is unsure on tilted or sparse pages (a three-row lab
    table), so profiles decide first whether the lines run across or down the page and how much
    they tilt; OSD, run on the levelled page, then only has to tell upright from upside down.
    """
    straight, rotation, angle, _turns = _straighten(gray)
    return straight, rotation, angle


def _straighten(gray: Image.Image) -> tuple[Image.Image, int, float, list[Turn]]:
    ink = _ink(gray)
    angle, spiky = _skew_search(ink)
    side_angle, side_spiky = _skew_search(ink.rotate(90, expand=True))
    rotation = 0
    turns: list[Turn] = []
    if side_spiky > spiky * 1.5:
        rotation, angle = 90, side_angle
        turns.append((90.0, False))
    if abs(angle) >= 0.3:
        turns.append((angle, True))
    gray = apply_turns(gray, turns)
    if _detect_rotation(gray) == 180:
        rotation = (rotation + 180) % 360
        turns.append((180.0, False))
        gray = apply_turns(gray, turns[-1:])
    return gray, rotation, angle, turns


def apply_turns(image: Image.Image, turns: Sequence[Turn]) -> Image.Image:
    """Applies the turns `straighten` made, to the page or to a colour copy of it."""
    white: float | tuple[int, ...] = 255 if image.mode == "L" else (255,) * len(image.getbands())
    for angle, resample in turns:
        image = image.rotate(
            angle,
            expand=True,
            fillcolor=white,
            resample=Image.Resampling.BICUBIC if resample else Image.Resampling.NEAREST,
        )
    return image


def _ocr_words(api: Any) -> list[Word]:
    import tesserocr

    words: list[Word] = []
    iterator = api.GetIterator()
    if iterator is None:
        return words
    level = tesserocr.RIL.WORD
    for item in tesserocr.iterate_level(iterator, level):
        try:
            text = item.GetUTF8Text(level)
        except RuntimeError:  # tesserocr raises on an empty page instead of returning ""
            break
        if not text or not text.strip():
            continue
        box = item.BoundingBox(level)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        words.append(
            Word(
                text.strip(),
                (float(x0), float(y0), float(x1), float(y1)),
                float(item.Confidence(level)),
            )
        )
    return words


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
    lines: list[list[int]] = []
    spans: list[tuple[float, float]] = []
    for index in ordered:
        y0, y1 = words[index].box[1], words[index].box[3]
        middle = (y0 + y1) / 2
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
