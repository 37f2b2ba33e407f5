"""What we do to an uploaded file before we keep it: photos lose their metadata (a phone photo's
EXIF often holds the GPS position of the patient's home), PDFs that could run code are refused.

Both read the plaintext through the decrypting reader, so it never touches disk in the clear.
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Any, BinaryIO, cast

import pikepdf
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from consilium.core.crypto import DecryptingReader
from consilium.core.errors import DomainError
from consilium.core.storage import encrypted_open_write, encrypted_write_bytes
from consilium.documents.upload import JPEG

# A 48-megapixel phone photo passes; a decompression bomb (a small file that decodes to gigabytes)
# does not. Decoding 50 MP of RGB takes about 150 MB.
MAX_IMAGE_PIXELS = 50_000_000

# Keys whose mere presence means active content or a file hidden inside the PDF.
FORBIDDEN_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"})
FORBIDDEN_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/Rendition"})
FORBIDDEN_TYPES = frozenset({"/EmbeddedFile"})


def image_strip_metadata(
    *, source: DecryptingReader, content_type: str, data_key: bytes
) -> tuple[str, int, str]:
    """Re-encodes a JPEG or PNG without EXIF, XMP, comments or text chunks, upright (the EXIF
    orientation applied first). Returns the new encrypted file's (key, size, SHA-256)."""
    fmt = "JPEG" if content_type == JPEG else "PNG"
    unreadable = _("This photo could not be opened. Please take the photo again or upload a PDF.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(cast(BinaryIO, source), formats=[fmt]) as original:
                if original.width * original.height > MAX_IMAGE_PIXELS:
                    raise DomainError(
                        _("This photo is too large (more than 50 megapixels). Please upload a "
                          "smaller photo.")
                    )
                image = ImageOps.exif_transpose(original)
                icc_profile = original.info.get("icc_profile")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(_("This photo is too large to open safely.")) from None
    except (OSError, SyntaxError, ValueError):
        raise DomainError(unreadable) from None
    # Nothing but pixels: Pillow writes back what it read into `info` (a JPEG comment, which may
    # hold a name or HTML, among others), so only the colour profile and PNG transparency are
    # carried over.
    transparency = image.info.get("transparency") if fmt == "PNG" else None
    image.info = {}
    options: dict[str, Any] = {"icc_profile": icc_profile} if icc_profile else {}
    if transparency is not None:
        options["transparency"] = transparency
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options |= {"quality": 90}
    pending = encrypted_open_write(data_key=data_key)
    try:
        image.save(pending, format=fmt, **options)  # type: ignore[arg-type]
        size, sha256 = pending.commit()
    except BaseException:
        pending.abort()
        raise
    finally:
        image.close()
    return pending.key, size, sha256


def _walk(obj: Any) -> str | None:
    """The first forbidden thing found in `obj` and its direct children; indirect children are
    visited from the object table."""
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        keys = set(obj.keys())
        if keys & FORBIDDEN_KEYS:
            return sorted(keys & FORBIDDEN_KEYS)[0]
        if str(obj.get("/S", "")) in FORBIDDEN_ACTIONS:
            return str(obj.get("/S"))
        if str(obj.get("/Type", "")) in FORBIDDEN_TYPES:
            return str(obj.get("/Type"))
        children: Any = obj.values()
    elif isinstance(obj, pikepdf.Array):
        children = obj
    else:
        return None
    for child in children:
        if not isinstance(child, pikepdf.Object) or child.is_indirect:
            continue
        found = _walk(child)
        if found:
            return found
    return None


def _disarm(pdf: pikepdf.Pdf) -> bool:
    """Removes every action that runs without the reader asking: the document's open action and
    the additional actions (/AA) of the document, its pages, annotations and form fields, whatever
    they do (a /URI or /SubmitForm calls out as surely as JavaScript). Links stay. True when
    something was removed."""
    removed = False
    if "/OpenAction" in pdf.Root:
        del pdf.Root["/OpenAction"]
        removed = True
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary) and "/AA" in obj:
            del obj["/AA"]
            removed = True
    return removed


_M2_PER_PT2 = (0.0254 / 72) ** 2


def _page_limits_check(pdf: pikepdf.Pdf) -> None:
    """Refuses more pages than DOCUMENT_MAX_PAGES, or a page larger than
    DOCUMENT_MAX_PAGE_AREA_M2: each is work for the worker that a file of a few bytes can ask."""
    count = len(pdf.pages)
    if count > settings.DOCUMENT_MAX_PAGES:
        raise DomainError(
            _("This PDF has %(count)s pages; we accept up to %(limit)s pages in one file. Please "
              "upload the reports that matter for this question, or split the file into "
              "several.") % {"count": count, "limit": settings.DOCUMENT_MAX_PAGES}
        )
    for number, page in enumerate(pdf.pages, 1):
        x0, y0, x1, y1 = (_number(v, 0.0) for v in page.mediabox)
        unit = _number(page.obj.get("/UserUnit", 1), 1.0)
        width, height = abs(x1 - x0) * unit, abs(y1 - y0) * unit
        if not width * height * _M2_PER_PT2 <= settings.DOCUMENT_MAX_PAGE_AREA_M2:
            raise DomainError(
                _("Page %(number)s of this PDF is too large (%(width)s × %(height)s cm), larger "
                  "than any printed report. Please save or print it again on normal-sized "
                  "pages, or upload a photo of the report.") % {
                    "number": number, "width": _centimetres(width),
                    "height": _centimetres(height),
                }
            )


def _number(value: Any, default: float) -> float:
    """A PDF number as a float: the default for something that is not a number (a hostile file
    can put a name where a size goes), infinity for a number too large to be finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else math.inf


def _centimetres(points: float) -> str:
    return f"{points * 2.54 / 72:.0f}" if points < 1e9 else "∞"


def pdf_check(*, source: DecryptingReader, data_key: bytes) -> tuple[str, int, str] | None:
    """Refuses a PDF that needs a password, is damaged beyond repair, or carries JavaScript,
    launch actions or embedded files. A PDF with actions that run by themselves is kept
    disarmed: returns the new encrypted file's (key, size, SHA-256), or None when the upload is
    kept as it is."""
    disarmed: bytes | None = None
    try:
        with pikepdf.open(cast(BinaryIO, source)) as pdf:
            found = _walk(pdf.trailer)
            for obj in pdf.objects:
                found = found or _walk(obj)
                if found:
                    break
            if not found:
                _page_limits_check(pdf)
            if not found and _disarm(pdf):
                buffer = io.BytesIO()
                pdf.save(buffer)
                disarmed = buffer.getvalue()
    except pikepdf.PasswordError:
        raise DomainError(
            _("This PDF is protected by a password, so our doctors could not open it. Please "
              "upload a copy without a password (many labs send the password by SMS; open the "
              "file and save or print it again as PDF).")
        ) from None
    except (pikepdf.PdfError, ValueError, OSError):
        raise DomainError(
            _("This PDF is damaged and could not be opened. Please download it again from the "
              "lab or hospital, or upload a photo of the report.")
        ) from None
    if found:
        raise DomainError(
            _("This PDF contains scripts, actions or attached files, which we do not accept for "
              "safety. Please print it again as a plain PDF, or upload a photo of the report.")
        )
    if disarmed is None:
        return None
    return encrypted_write_bytes(data=disarmed, data_key=data_key)
