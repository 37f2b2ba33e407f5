"""Photos are re-encoded without EXIF: no GPS position, no camera details, upright."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from PIL import ExifTags, Image

from consilium.cases.models import Case
from consilium.documents.models import Document
from consilium.documents.tests.conftest import jpeg, png, stored_files, upload


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: rotate 90° to show it upright
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (18.0, 31.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (73.0, 51.0, 24.0),
    }
    return exif


def downloaded_image(client: Client) -> Image.Image:
    response = client.get(f"/documents/{Document.objects.get().public_id}/download/")
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_a_phone_photo_loses_its_gps_position_and_is_turned_upright(
    client: Client, draft_case: Case, settings: Any
) -> None:
    original = jpeg(size=(80, 40), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("IMG_2041.jpg", original))
    image = downloaded_image(client)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert image.size == (40, 80)
    assert len(stored_files(settings)) == 1, "the original with its EXIF is not kept"
    document = Document.objects.get()
    assert document.uploaded_size == len(original)
    assert document.content_type == "image/jpeg"


def test_a_png_loses_its_text_chunks(client: Client, draft_case: Case) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Patient Asha Verma, Pune")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "PNG", pnginfo=info)
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("scan.png", buffer.getvalue()))
    image = downloaded_image(client)
    assert image.format == "PNG"
    assert "Comment" not in image.info


def test_a_decompression_bomb_is_refused(client: Client, draft_case: Case, settings: Any) -> None:
    client.force_login(draft_case.patient.holder)
    bomb = png(size=(10_000, 6_000))
    response = upload(client, draft_case, ("bomb.png", bomb), json=True)
    assert response.status_code == 400
    assert "too large" in response.json()["errors"][0]
    assert stored_files(settings) == []


def test_a_damaged_photo_is_refused_with_a_clear_message(client: Client, draft_case: Case) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("x.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50), json=True)
    assert "could not be opened" in response.json()["errors"][0]
    assert not Document.objects.exists()
