"""Makes the forms a patient uploads from one text-layer PDF: a flat scan, phone photos on a table
(tilted, sideways, upside down, in low light), each with the exact transform from the PDF's page
(points, origin top left) to the pixels of the file made, so a place on the page can be followed
into any form.

No code of the reader is used here: pages are rendered with pypdfium2 and transformed with OpenCV.
Every random choice is seeded by the document, form and page, so a form is the same on every run.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

FORMS = ("text", "scan", "photo", "sideways", "upside", "lowlight")
# Bump when the way forms are made changes, so cached forms are made again.
VERSION = 3


@dataclass
class Input:
    """One file of a form: a PDF (every page) or one photo (one page of the source)."""

    path: Path
    content_type: str
    # For each page of the file: the source page it shows (1-based) and the 3×3 transform from
    # source page points to the pixels of that page as the file stores it. For PDF forms the
    # "pixels" are the page's own points (text) or the scan's pixels.
    pages: list[tuple[int, list[list[float]]]]


def _seed(*parts: object) -> int:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def render(pdf_path: Path, dpi: float) -> Iterator[tuple[Image.Image, tuple[float, float]]]:
    """Every page as an RGB picture at `dpi`, with the page's size in points."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                size = page.get_size()
                bitmap = page.render(scale=dpi / 72, draw_annots=False)
                yield bitmap.to_pil().convert("RGB"), (float(size[0]), float(size[1]))
            finally:
                page.close()
    finally:
        pdf.close()


def scale(s: float) -> np.ndarray:
    return np.array([[s, 0, 0], [0, s, 0], [0, 0, 1]], dtype=np.float64)


def _rotation_about(angle_deg: float, cx: float, cy: float) -> np.ndarray:
    m = cv2.getRotationMatrix2D((cx, cy), angle_deg, 1.0)
    return np.vstack([m, [0, 0, 1]])


def _quarter_turn(width: int, height: int, turns: int) -> np.ndarray:
    """The transform of np.rot90(image, k=turns) (counter-clockwise quarter turns)."""
    turns %= 4
    if turns == 0:
        return np.eye(3)
    if turns == 1:  # (x, y) -> (y, W-1-x)
        return np.array([[0, 1, 0], [-1, 0, width - 1], [0, 0, 1]], dtype=np.float64)
    if turns == 2:
        return np.array([[-1, 0, width - 1], [0, -1, height - 1], [0, 0, 1]], dtype=np.float64)
    return np.array([[0, -1, height - 1], [1, 0, 0], [0, 0, 1]], dtype=np.float64)


def _jpeg(array: np.ndarray, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


# --- Scan -------------------------------------------------------------------------------------


def make_scan(pdf_path: Path, out: Path, doc: str) -> Input:
    """A flatbed scan: 200 dpi greyscale, a fraction of a degree off, speckle, in a PDF of
    pictures with no text layer."""
    dpi = 200
    pictures: list[Image.Image] = []
    pages = []
    for number, (image, _size) in enumerate(render(pdf_path, dpi), 1):
        rng = np.random.default_rng(_seed(doc, "scan", number))
        gray = np.asarray(image.convert("L"), dtype=np.float32)
        h, w = gray.shape
        angle = float(rng.uniform(-0.6, 0.6))
        rot = _rotation_about(angle, w / 2, h / 2)
        turned = cv2.warpAffine(gray, rot[:2], (w, h), borderValue=255, flags=cv2.INTER_LINEAR)
        blurred = cv2.GaussianBlur(turned, (0, 0), 0.5)
        noisy = blurred * 0.97 + 4 + rng.normal(0, 5, blurred.shape)
        picture = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
        pictures.append(Image.open(io.BytesIO(_jpeg(np.asarray(picture), 80))))
        pages.append((number, (rot @ scale(dpi / 72)).tolist()))
    pictures[0].save(out, format="PDF", save_all=True, append_images=pictures[1:],
                     resolution=float(dpi))
    return Input(out, "application/pdf", pages)


# --- Phone photos -------------------------------------------------------------------------------


def _table(rng: np.random.Generator, width: int, height: int, dark: bool) -> np.ndarray:
    """A table top: wood grain or a dark cloth, with low-frequency blotches."""
    kind = rng.integers(0, 3)
    base = {0: (58, 38, 24), 1: (34, 34, 38), 2: (92, 70, 48)}[int(kind)]
    small = rng.normal(0, 1, (max(2, height // 64), max(2, width // 64)))
    blotch = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = np.sin(np.linspace(0, rng.uniform(30, 90), height))[:, None] * np.ones((1, width))
    grain += rng.normal(0, 0.4, (height, 1))
    field = 1 + 0.10 * blotch + (0.07 * grain if kind != 1 else 0)
    table = np.stack([np.clip(c * field, 0, 255) for c in base], axis=2)
    if dark:
        table *= 0.6
    return table.astype(np.float32)


def _photo(
    page: Image.Image, page_dpi: float, rng: np.random.Generator, *, low_light: bool
) -> tuple[np.ndarray, np.ndarray]:
    """A phone photo of a printed page on a table: the page turned 2-8 degrees either way, a
    little keystone, uneven light, a soft shadow, lens blur, sensor noise. Returns the picture
    (RGB, portrait) and the transform from rendered-page pixels to photo pixels."""
    long_side = int(rng.choice([4032, 3264, 2592]))
    out_w, out_h = long_side * 3 // 4, long_side
    src = np.asarray(page, dtype=np.float32)
    paper = np.array(rng.choice([(250, 248, 240), (244, 241, 230), (248, 248, 246)]),
                     dtype=np.float32) / 255.0
    src = src * paper
    ph, pw = src.shape[:2]
    fill = rng.uniform(0.72, 0.9)  # share of the frame's height the page takes
    s = fill * out_h / ph
    angle = float(rng.uniform(2, 8) * rng.choice([-1, 1]))
    cx = out_w / 2 + rng.uniform(-0.04, 0.04) * out_w
    cy = out_h / 2 + rng.uniform(-0.03, 0.03) * out_h
    corners = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float64)
    placed = (corners - [pw / 2, ph / 2]) * s
    theta = math.radians(angle)
    rot = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    placed = placed @ rot.T + [cx, cy]
    # Keystone: the phone is not held exactly parallel to the page.
    jitter = rng.uniform(-0.025, 0.025, (4, 2)) * [out_w, out_h]
    top_shrink = rng.uniform(0, 0.03) * out_w
    placed[0, 0] += top_shrink
    placed[1, 0] -= top_shrink
    placed += jitter
    homography = cv2.getPerspectiveTransform(corners.astype(np.float32), placed.astype(np.float32))
    warped = cv2.warpPerspective(src, homography, (out_w, out_h), flags=cv2.INTER_AREA,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), homography, (out_w, out_h),
                               flags=cv2.INTER_LINEAR)
    table = _table(rng, out_w, out_h, dark=low_light)
    scene = warped * mask[..., None] + table * (1 - mask[..., None])
    # Light: a gradient across the frame and the soft shadow of the phone and hand.
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    gx, gy = rng.uniform(-0.25, 0.25, 2)
    light = 1 + gx * (xx / out_w - 0.5) + gy * (yy / out_h - 0.5)
    sx, sy = rng.uniform(0.1, 0.9) * out_w, rng.uniform(0.6, 1.1) * out_h
    radius = rng.uniform(0.25, 0.45) * out_w
    shadow = np.exp(-(((xx - sx) ** 2 + (yy - sy) ** 2) / (2 * radius**2)))
    light *= 1 - rng.uniform(0.12, 0.3) * shadow
    if low_light:
        light *= rng.uniform(0.32, 0.45)
        tint = np.array([1.0, 0.86, 0.62], dtype=np.float32)  # a tungsten bulb
    else:
        light *= rng.uniform(0.9, 1.0)
        tint = np.array([1.0, 0.98, 0.95], dtype=np.float32)
    scene = scene * light[..., None] * tint
    scene = cv2.GaussianBlur(scene, (0, 0), rng.uniform(0.7, 1.3) * (1.4 if low_light else 1))
    noise = rng.normal(0, 11 if low_light else 4, scene.shape[:2])[..., None]
    scene = scene + noise + rng.normal(0, 2, scene.shape)
    return np.clip(scene, 0, 255).astype(np.uint8), homography @ scale(page_dpi / 72)


def make_photos(pdf_path: Path, out_dir: Path, doc: str, form: str) -> list[Input]:
    inputs = []
    dpi = 200
    for number, (image, _size) in enumerate(render(pdf_path, dpi), 1):
        rng = np.random.default_rng(_seed(doc, form, number))
        picture, transform = _photo(image, dpi, rng, low_light=form == "lowlight")
        turns = {"sideways": int(rng.choice([1, 3])), "upside": 2}.get(form, 0)
        if turns:
            h, w = picture.shape[:2]
            transform = _quarter_turn(w, h, turns) @ transform
            picture = np.ascontiguousarray(np.rot90(picture, k=turns))
        path = out_dir / f"{form}-p{number}.jpg"
        path.write_bytes(_jpeg(picture, 72 if form == "lowlight" else 85))
        inputs.append(Input(path, "image/jpeg", [(number, transform.tolist())]))
    return inputs


def make_form(pdf_path: Path, cache: Path, doc: str, form: str) -> list[Input]:
    """The files of one form of one document, made once and kept in `cache`."""
    digest = hashlib.sha256(pdf_path.read_bytes()).hexdigest()[:16]
    folder = cache / f"{doc}-{digest}-v{VERSION}"
    manifest = folder / f"{form}.json"
    if manifest.exists():
        return [
            Input(Path(item["path"]), item["content_type"],
                  [(n, t) for n, t in item["pages"]])
            for item in json.loads(manifest.read_text())
        ]
    folder.mkdir(parents=True, exist_ok=True)
    if form == "text":
        sizes = [size for _image, size in render(pdf_path, 10)]
        inputs = [Input(pdf_path, "application/pdf",
                        [(n, np.eye(3).tolist()) for n in range(1, len(sizes) + 1)])]
    elif form == "scan":
        inputs = [make_scan(pdf_path, folder / "scan.pdf", doc)]
    elif form in ("photo", "sideways", "upside", "lowlight"):
        inputs = make_photos(pdf_path, folder, doc, form)
    else:
        raise ValueError(f"unknown form {form!r}; choose from {', '.join(FORMS)}")
    manifest.write_text(json.dumps([
        {"path": str(i.path), "content_type": i.content_type, "pages": i.pages} for i in inputs
    ]))
    return inputs
