"""The coordinator checks the proposed boxes page by page, removes or adds boxes, and releases
the rendition; nothing reaches a specialist before, and a change after release takes it back."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.core.testing import login_with_2fa
from consilium.documents.files import rendition_read_text
from consilium.documents.models import Document, RedactionBox
from consilium.documents.selectors import documents_released
from consilium.documents.tests import planted
from consilium.documents.tests.conftest import make_case, submit, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    return planted.pathology_pdf()


@pytest.fixture
def document(
    draft_case: Case, report_pdf: bytes, django_capture_on_commit_callbacks: Any
) -> Document:
    """A read pathology report of a submitted case."""
    planted.plant(draft_case.patient)
    holder = Client()
    holder.force_login(draft_case.patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(holder, draft_case, ("histo.pdf", report_pdf), category="pathology")
    submit(draft_case)
    return Document.objects.get()


@pytest.fixture
def signed_in(client: Client, coordinator: Any) -> Client:
    login_with_2fa(client, coordinator)
    return client


def url(document: Document, suffix: str = "review/") -> str:
    return f"/documents/{document.public_id}/{suffix}"


def release(client: Client, document: Document, capture: Any) -> Any:
    document.refresh_from_db()
    with capture(execute=True):
        return client.post(url(document, "release/"), {"version": document.redaction_version})


def test_the_review_page_shows_each_page_as_read_beside_its_rendition_with_every_box(
    signed_in: Client, document: Document
) -> None:
    page = signed_in.get(url(document)).content.decode()

    assert f"/documents/{document.public_id}/page/1/original.jpg" in page
    assert f"/documents/{document.public_id}/page/1/rendition.jpg" in page
    boxes = document.boxes.filter(active=True).count()
    assert page.count('class="redaction-box') == boxes
    assert page.count(">Remove<") == boxes
    assert "Not released" in page
    assert "Asha" not in page.replace(document.original_name, "")  # boxes are drawn, not listed


def test_the_proposed_rendition_picture_is_black_where_the_boxes_are(
    signed_in: Client, document: Document
) -> None:
    box = document.boxes.filter(kind="NAME").first()
    assert box is not None
    original = Image.open(io.BytesIO(signed_in.get(url(document, "page/1/original.jpg")).content))
    redacted = Image.open(io.BytesIO(signed_in.get(url(document, "page/1/rendition.jpg")).content))

    def centre(image: Image.Image) -> Any:
        middle = ((box.x0 + box.x1) / 2 * image.width, (box.y0 + box.y1) / 2 * image.height)
        return image.convert("L").crop(
            (middle[0] - 20, middle[1] - 3, middle[0] + 20, middle[1] + 3)
        ).getextrema()

    assert centre(original)[1] > 200  # white paper between the letters
    assert centre(redacted)[1] < 40  # all black


def test_removing_a_box_shows_the_word_again_and_takes_back_a_release(
    signed_in: Client, document: Document, coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    release(signed_in, document, django_capture_on_commit_callbacks)
    document.refresh_from_db()
    assert document.released_at is not None
    assert documents_released(case=document.case) == [document]
    box = document.boxes.get(kind="AADHAAR")

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/documents/box/{box.public_id}/remove/")

    document.refresh_from_db()
    box.refresh_from_db()
    assert not box.active
    assert document.released_at is None and documents_released(case=document.case) == []
    assert document.rendition_is_current  # redrawn in the background at once
    assert planted.AADHAAR in rendition_read_text(document=document)
    assert AuditEvent.objects.filter(action="redaction.remove", actor=coordinator).exists()
    assert AuditEvent.objects.filter(action="document.unrelease", actor=coordinator).exists()


def test_a_removed_box_can_be_put_back(
    signed_in: Client, document: Document, django_capture_on_commit_callbacks: Any
) -> None:
    box = document.boxes.get(kind="AADHAAR")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/documents/box/{box.public_id}/remove/")
        signed_in.post(f"/documents/box/{box.public_id}/restore/")

    document.refresh_from_db()
    assert document.boxes.get(kind="AADHAAR").active
    assert planted.AADHAAR not in rendition_read_text(document=document)


def test_a_box_drawn_on_the_page_hides_the_words_under_it_in_the_rendition_text(
    signed_in: Client, document: Document, coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert "Sunrise" in rendition_read_text(document=document)
    # The laboratory's name: the top left of the page, above the patient's details.
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            url(document, "boxes/add/"),
            {"page": 1, "unit": "share", "x0": "0.05", "y0": "0.02", "x1": "0.95", "y1": "0.065"},
        )

    assert response.status_code == 302 and response["Location"].endswith("#page-1")
    added = document.boxes.get(origin="coordinator")
    assert (added.kind, added.created_by, added.page) == ("MANUAL", coordinator, 1)
    document.refresh_from_db()
    text = rendition_read_text(document=document)
    assert "Sunrise" not in text and "[REDACTED]" in text
    assert "Invasive ductal carcinoma" in text


def test_a_box_can_be_typed_in_percent_from_the_keyboard(
    signed_in: Client, document: Document
) -> None:
    signed_in.post(
        url(document, "boxes/add/"),
        {"page": 1, "unit": "percent", "x0": "10", "y0": "50", "x1": "40", "y1": "55.5"},
    )

    added = document.boxes.get(origin="coordinator")
    assert (added.x0, added.y0, added.x1, added.y1) == (0.1, 0.5, 0.4, 0.555)


@pytest.mark.parametrize(
    "edges",
    [
        {"x0": "0.2", "y0": "0.2", "x1": "0.2005", "y1": "0.3"},  # a click, not a drag
        {"x0": "left", "y0": "0.2", "x1": "0.3", "y1": "0.3"},
    ],
)
def test_a_box_that_is_no_box_changes_nothing(
    signed_in: Client, document: Document, edges: dict[str, str]
) -> None:
    version = document.redaction_version
    response = signed_in.post(url(document, "boxes/add/"), {"page": 1, "unit": "share", **edges},
                              follow=True)

    assert response.status_code == 200
    assert not document.boxes.filter(origin="coordinator").exists()
    document.refresh_from_db()
    assert document.redaction_version == version


def test_release_asks_first_then_records_who_and_when(
    signed_in: Client, document: Document, coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    confirm = signed_in.get(url(document, "release/")).content.decode()
    assert "Release report 1 to the specialists?" in confirm
    assert documents_released(case=document.case) == []

    response = release(signed_in, document, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.released_by == coordinator and document.released_at is not None
    event = AuditEvent.objects.get(action="document.release")
    assert event.actor == coordinator and event.target_id == str(document.public_id)
    assert set(event.detail) == {"version", "boxes", "rendition_sha256", "checked_by_eye"}
    assert event.detail["checked_by_eye"] == []


def test_a_release_of_boxes_someone_changed_meanwhile_is_refused(
    signed_in: Client, document: Document, django_capture_on_commit_callbacks: Any
) -> None:
    seen = document.redaction_version
    box = document.boxes.filter(active=True).first()
    assert box is not None
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/documents/box/{box.public_id}/remove/")

    response = signed_in.post(url(document, "release/"), {"version": seen}, follow=True)

    assert "The boxes were changed after you opened this page." in response.content.decode()
    document.refresh_from_db()
    assert document.released_at is None


@pytest.mark.parametrize(
    "suffix",
    ["review/", "page/1/original.jpg", "page/1/rendition.jpg", "rendition.pdf", "release/"],
)
@pytest.mark.parametrize("who", ["holder", "specialist", "anonymous"])
def test_only_coordinators_reach_the_review_pages(
    client: Client, document: Document, specialist: Any, who: str, suffix: str
) -> None:
    if who == "holder":
        client.force_login(document.case.patient.holder)
    elif who == "specialist":
        login_with_2fa(client, specialist)
    response = client.get(url(document, suffix))
    assert response.status_code == (302 if who == "anonymous" else 404)


def test_a_patient_cannot_post_boxes_or_release(client: Client, document: Document) -> None:
    client.force_login(document.case.patient.holder)
    box = document.boxes.first()
    assert box is not None
    assert client.post(f"/documents/box/{box.public_id}/remove/").status_code == 404
    assert client.post(url(document, "release/"), {"version": 1}).status_code == 404
    assert client.post(url(document, "boxes/add/"), {"page": 1}).status_code == 404
    document.refresh_from_db()
    assert document.released_at is None and document.boxes.filter(active=False).count() == 0


def test_every_read_of_a_page_is_audited(signed_in: Client, document: Document) -> None:
    signed_in.get(url(document))
    signed_in.get(url(document, "page/1/original.jpg"))
    signed_in.get(url(document, "page/1/rendition.jpg"))
    signed_in.get(url(document, "rendition.pdf"))

    actions = list(
        AuditEvent.objects.filter(target_id=str(document.public_id)).values_list(
            "action", flat=True
        )
    )
    assert {"document.review", "document.page_original", "document.page_rendition",
            "document.rendition_view"} <= set(actions)
    assert all("Asha" not in str(e.detail) for e in AuditEvent.objects.all())


def test_the_case_page_lists_each_report_with_its_progress_boxes_and_release(
    signed_in: Client, document: Document
) -> None:
    page = signed_in.get(document.case.get_absolute_url()).content.decode()

    assert "Reports: reading, redaction and release" in page
    assert "Report 1" in page and "Read (1 page)" in page
    assert f'href="/documents/{document.public_id}/review/"' in page
    assert "Not released" in page
    assert "Case summary:" in page


def test_the_panel_shows_the_page_being_read_and_polls(
    signed_in: Client, document: Document
) -> None:
    Document.objects.filter(pk=document.pk).update(status="processing", page_count=4, pages_done=2)

    panel = signed_in.get(f"/documents/case/{document.case.public_id}/coordinator/")

    assert "Reading page 3 of 4" in panel.content.decode()
    assert 'hx-trigger="every 3s"' in panel.content.decode()


def add_documents(case: Case, count: int) -> None:
    for index in range(count):
        created = Document.objects.create(
            case=case, uploaded_by=case.patient.holder, category="lab",
            original_name=f"report-{index}.pdf", content_type="application/pdf", size=1000,
            uploaded_size=1000, sha256="0" * 64, storage_key=f"test/{uuid.uuid4()}",
            status="processed", page_count=1,
        )
        RedactionBox.objects.create(
            document=created, page=1, x0=0.1, y0=0.1, x1=0.2, y1=0.2, kind="NAME",
            origin="proposed",
        )


@pytest.mark.parametrize("count", [1, 12])
def test_the_coordinator_panel_query_count_is_pinned(
    count: int, signed_in: Client, patient: Any
) -> None:
    case = make_case(patient)
    add_documents(case, count)
    submit(case)
    url = f"/documents/case/{case.public_id}/coordinator/"
    signed_in.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = signed_in.get(url)
    assert response.content.decode().count("/review/") == count
    # session, user, OTP device, case + patient, audit (case), documents with box counts,
    # audit (list), summary, session save.
    assert len(captured) <= 12
    pinned = len(captured)
    add_documents(case, 3)
    with CaptureQueriesContext(connection) as captured:
        signed_in.get(url)
    assert len(captured) == pinned


@pytest.mark.parametrize(
    "path", ["/documents/case/{case}/coordinator/", "/insights/case/{case}/summary/"]
)
def test_a_refused_request_leaves_no_trace_of_reading_the_case(
    client: Client, document: Document, path: str
) -> None:
    case = document.case
    client.force_login(case.patient.holder)  # the holder may see the case, not these pages
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = client.get(path.format(case=case.public_id))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(target_id=str(case.public_id), id__gt=before).exists()


def test_the_review_page_query_count_does_not_grow_with_pages_and_boxes(
    signed_in: Client, document: Document
) -> None:
    from consilium.documents.models import DocumentPage

    signed_in.get(url(document))
    with CaptureQueriesContext(connection) as one_page:
        signed_in.get(url(document))
    for number in (2, 3, 4):
        DocumentPage.objects.create(
            document=document, number=number, source="ocr", width=1000, height=1400,
            image_storage_key=f"test/{uuid.uuid4()}", image_sha256="0" * 64,
        )
        for row in range(5):
            RedactionBox.objects.create(
                document=document, page=number, x0=0.1, y0=0.1 * row + 0.01, x1=0.3,
                y1=0.1 * row + 0.05, kind="NAME", origin="proposed",
            )
    Document.objects.filter(pk=document.pk).update(page_count=4)

    with CaptureQueriesContext(connection) as four_pages:
        page = signed_in.get(url(document)).content.decode()

    assert page.count('class="review-page"') == 4
    assert len(four_pages) == len(one_page)
