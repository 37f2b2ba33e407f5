"""No identifier of a planted patient survives in a specialist rendition: the rendition is
rendered and read back with Tesseract, and each identifier is searched for, after checking that
the same OCR does read every one of them on the page without its boxes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from consilium.cases.models import Case
from consilium.documents.files import page_picture, rendition_open, rendition_verify
from consilium.documents.models import Document
from consilium.documents.rendition import pdf_of_pictures
from consilium.documents.tests import planted
from consilium.documents.tests.conftest import upload

pytestmark = pytest.mark.django_db


def process(client: Client, case: Case, name: str, data: bytes, capture: Any) -> Document:
    planted.plant(case.patient)
    client.force_login(case.patient.holder)
    with capture(execute=True):
        upload(client, case, (name, data), category="pathology")
    return Document.objects.get(original_name=name)


def rendition_of(document: Document) -> bytes:
    rendition_verify(document=document)
    with rendition_open(document=document) as reader:
        return reader.read()


def unboxed_pdf(document: Document) -> bytes:
    """The same page pictures assembled the same way, without any box: the control."""
    return pdf_of_pictures(
        page_picture(document=document, page=page) for page in document.pages.order_by("number")
    )


@pytest.mark.parametrize(
    ("name", "make"),
    [("report.pdf", planted.pathology_pdf), ("photo.jpg", planted.lab_photo)],
    ids=["text-layer PDF", "skewed JPEG photo"],
)
def test_ocr_of_the_rendition_finds_none_of_the_identifiers_the_original_shows(
    name: str, make: Any, client: Client, draft_case: Case,
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = process(client, draft_case, name, make(), django_capture_on_commit_callbacks)

    seen_without_boxes = planted.identifiers_in("\n".join(planted.ocr_pdf_pages(
        unboxed_pdf(document)
    )))
    seen_in_rendition = planted.identifiers_in("\n".join(planted.ocr_pdf_pages(
        rendition_of(document)
    )))

    assert set(seen_without_boxes) == set(planted.IDENTIFIERS)
    assert seen_in_rendition == {}


def test_the_rendition_is_pictures_only_with_no_text_layer_or_metadata(
    client: Client, draft_case: Case, django_capture_on_commit_callbacks: Any,
) -> None:
    original = planted.pathology_pdf()
    assert planted.pdf_structure(original)["chars"] > 500  # the original has a text layer
    document = process(client, draft_case, "report.pdf", original,
                       django_capture_on_commit_callbacks)

    structure = planted.pdf_structure(rendition_of(document))

    assert structure["pages"] == document.page_count == 1
    assert structure["chars"] == 0
    assert structure["fonts"] == 0
    assert structure["xobjects"] == ["/Image"]
    assert structure["annotations"] == 0
    assert structure["metadata"] == {}
    assert structure["info"] is False
    assert structure["root_keys"] == {"/Type", "/Pages"}
    assert document.rendition_sha256 and not document.released_at
