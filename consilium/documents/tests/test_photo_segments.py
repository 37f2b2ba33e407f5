"""A stored photo holds pixels and nothing typed into the file: every JPEG segment is read back."""

from __future__ import annotations

import io
import struct

from django.test import Client
from PIL import Image, ImageCms

from consilium.cases.models import Case
from consilium.documents.models import Document
from consilium.documents.tests.conftest import upload

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
APP0, APP2, COM = 0xE0, 0xE2, 0xFE
# What a plain re-encode needs: quantisation and Huffman tables, frame header, restart interval.
PIXEL_SEGMENTS = frozenset({0xDB, 0xC4, 0xDD, *range(0xC0, 0xC4)})


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def segments(data: bytes) -> list[tuple[int, bytes]]:
    """Every marker segment up to the start of the scan, as (marker, payload)."""
    assert data[:2] == b"\xff\xd8"
    found: list[tuple[int, bytes]] = []
    at = 2
    while at < len(data):
        assert data[at] == 0xFF, f"not a marker at {at}"
        marker = data[at + 1]
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        found.append((marker, data[at + 4 : at + 2 + length]))
        if marker == SOS:
            break
        at += 2 + length
    return found


def photo_with_everything_typed_in() -> bytes:
    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, "JPEG", icc_profile=icc)
    plain = buffer.getvalue()
    extra = (
        segment(COM, b"Owner: Asha Verma <script>alert(1)</script>")
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>Asha Verma</x:xmpmeta>")
        + segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0aAsha Verma")
        + segment(0xEC, b"Ducky\x00Asha Verma")
    )
    return plain[:2] + extra + plain[2:]


def test_a_photo_keeps_no_comment_xmp_iptc_or_other_segment_only_its_pixels_and_colour_profile(
    client: Client, draft_case: Case
) -> None:
    original = photo_with_everything_typed_in()
    assert COM in {marker for marker, _ in segments(original)}
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("IMG_2041.jpg", original))
    response = client.get(f"/documents/{Document.objects.get().public_id}/download/")
    stored = b"".join(response.streaming_content)
    markers = [marker for marker, _ in segments(stored)]
    extras = [hex(m) for m in markers if m not in PIXEL_SEGMENTS | {APP0, APP2, SOS}]
    assert extras == [], f"segments beyond the pixels: {extras}"
    for marker, payload in segments(stored):
        if marker == APP0:
            assert payload.startswith(b"JFIF\x00")
        if marker == APP2:
            assert payload.startswith(b"ICC_PROFILE\x00")
    assert b"Asha" not in stored and b"<script" not in stored
    assert Image.open(io.BytesIO(stored)).size == (32, 24)
