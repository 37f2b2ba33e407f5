"""The specialist rendition: page pictures with solid black boxes, as a PDF of images only.

Nothing of the original file is copied: no text layer, no fonts, no metadata (document info or
XMP), no attachments, annotations, forms or outlines. Each page is one JPEG drawn full size, so
what a specialist can get out of the file is exactly what the coordinator saw. Pure functions,
no database.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pikepdf
from PIL import Image, ImageDraw, ImageFont

from consilium.documents.redaction import Box
from consilium.insights.reading import RENDER_SCALE

# Pictures are kept at most this many pixels on their longest side (about 150 dpi on A4).
MAX_PICTURE_SIDE = 1800
JPEG_QUALITY = 82


def picture_fit(image: Image.Image) -> Image.Image:
    """The page picture as stored: RGB, at most MAX_PICTURE_SIDE pixels on its longest side."""
    image = image.convert("RGB")
    scale = MAX_PICTURE_SIDE / max(image.size)
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def jpeg_bytes(image: Image.Image, *, quality: int = JPEG_QUALITY) -> bytes:
    buffer = io.BytesIO()
    # Pillow writes no EXIF or XMP unless asked; a bare JFIF header carries nothing about the file.
    image.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def picture_open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def draw_boxes(
    image: Image.Image, boxes: Iterable[Box], labels: Sequence[str] = ()
) -> Image.Image:
    """A copy of the picture with a solid black rectangle over each box (rounded outwards to
    whole pixels, so not one pixel of a covered glyph stays). A box's label (a date told from
    the case's day 0, "day −18") is written in white inside it, shrunk to fit."""
    redacted = image.convert("RGB").copy()
    draw = ImageDraw.Draw(redacted)
    width, height = redacted.size
    for index, (x0, y0, x1, y1) in enumerate(boxes):
        left = max(0, math.floor(x0 * width) - 1)
        top = max(0, math.floor(y0 * height) - 1)
        right = min(width - 1, math.ceil(x1 * width) + 1)
        bottom = min(height - 1, math.ceil(y1 * height) + 1)
        draw.rectangle((left, top, right, bottom), fill=(0, 0, 0))
        label = labels[index] if index < len(labels) else ""
        if label:
            _label(draw, label, (left, top, right, bottom))
    return redacted


# The label's fonts: DejaVu Sans has the minus sign (U+2212) that Pillow's own font and Noto Sans
# lack; Devanagari (a Hindi label) is drawn with Noto Sans Devanagari, shaped by raqm.
LABEL_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LABEL_FONT_DEVANAGARI = "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf"


def _label_runs(text: str) -> list[tuple[str, bool]]:
    """The label cut into runs of Devanagari and of everything else (spaces join the run
    before them), each drawn with a font that has its characters."""
    runs: list[tuple[str, bool]] = []
    for char in text:
        devanagari = "\u0900" <= char <= "\u097f" or (char == " " and bool(runs) and runs[-1][1])
        if runs and runs[-1][1] == devanagari:
            runs[-1] = (runs[-1][0] + char, devanagari)
        else:
            runs.append((char, devanagari))
    return runs


def _label_font(size: int, *, devanagari: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(LABEL_FONT_DEVANAGARI if devanagari else LABEL_FONT, size)
    except OSError:  # the font is not installed: Pillow's own (it lacks the minus sign)
        return ImageFont.load_default(size=size)


def _label(draw: ImageDraw.ImageDraw, text: str, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    runs = _label_runs(text)

    def laid_out(size: int) -> list[tuple[str, Any, tuple[float, float, float, float]]]:
        parts = []
        for run, devanagari in runs:
            font = _label_font(size, devanagari=devanagari)
            parts.append((run, font, draw.textbbox((0, 0), run, font=font)))
        return parts

    size = max(6, int((bottom - top) * 0.7))
    parts = laid_out(size)
    while size > 6 and sum(b[2] - b[0] for _, _, b in parts) > right - left - 2:
        size -= 1
        parts = laid_out(size)
    width = sum(b[2] - b[0] for _, _, b in parts)
    y0 = min(b[1] for _, _, b in parts)
    y1 = max(b[3] for _, _, b in parts)
    x = left + max(1, (right - left - width) // 2)
    y = top + max(0, (bottom - top - (y1 - y0)) // 2) - y0
    for run, font, (bx0, _, bx1, _) in parts:
        draw.text((x - bx0, y), run, fill=(255, 255, 255), font=font)
        x += bx1 - bx0


def pdf_of_pictures(pictures: Iterable[bytes]) -> bytes:
    """A PDF holding only the given JPEGs, one page each, sized at about 150 dpi."""
    pdf = pikepdf.new()
    for data in pictures:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != "JPEG" or probe.mode != "RGB":
                raise ValueError("rendition pages must be RGB JPEGs")
            px_width, px_height = probe.size
        width, height = px_width / RENDER_SCALE, px_height / RENDER_SCALE
        image = pikepdf.Stream(pdf, data)
        image.Type = pikepdf.Name.XObject
        image.Subtype = pikepdf.Name.Image
        image.Width = px_width
        image.Height = px_height
        image.ColorSpace = pikepdf.Name.DeviceRGB
        image.BitsPerComponent = 8
        image.Filter = pikepdf.Name.DCTDecode
        page = pdf.add_blank_page(page_size=(width, height))
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = pdf.make_stream(f"q {width:.3f} 0 0 {height:.3f} 0 0 cm /Im0 Do Q".encode())
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    buffer = io.BytesIO()
    # A deterministic /ID is a hash of the content: it says nothing about when or where.
    pdf.save(buffer, deterministic_id=True, fix_metadata_version=False)
    return buffer.getvalue()
