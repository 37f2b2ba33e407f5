"""The background reading of an upload: every page read, identifiers boxed, facts stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from consilium.cases.models import Case
from consilium.documents.files import (
    document_read_analysis,
    document_read_text,
    rendition_read_text,
)
from consilium.documents.models import Document, DocumentStatus
from consilium.documents.tests import planted
from consilium.documents.tests.conftest import upload
from consilium.insights.models import DocumentFact


@pytest.fixture(scope="module")
def pathology_pdf() -> bytes:
    return planted.pathology_pdf()


@pytest.fixture(scope="module")
def lab_photo() -> bytes:
    return planted.lab_photo()


def uploaded(
    client: Client, case: Case, name: str, data: bytes, capture: Any, **kw: Any
) -> Document:
    planted.plant(case.patient)
    client.force_login(case.patient.holder)
    with capture(execute=True):
        response = upload(client, case, (name, data), **kw)
    assert response.status_code == 302
    return Document.objects.get(original_name=name)


def facts_of(document: Document, kind: str) -> dict[str, DocumentFact]:
    return {fact.name: fact for fact in document.facts.filter(kind=kind)}


def test_a_text_layer_pathology_report_yields_its_tumour_facts_and_biomarkers_with_their_page(
    client: Client, draft_case: Case, pathology_pdf: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = uploaded(
        client, draft_case, "histo.pdf", pathology_pdf, django_capture_on_commit_callbacks,
        category="pathology",
    )

    assert (document.status, document.page_count, document.pages_done) == (
        DocumentStatus.PROCESSED, 1, 1
    )
    tumour = {name: (f.value, f.page) for name, f in facts_of(document, "tumour").items()}
    assert tumour["type"] == ("breast cancer", 1)
    assert tumour["histology"] == ("invasive ductal carcinoma", 1)
    assert tumour["tnm"] == ("pT2N1", 1)
    markers = {n: (f.value, f.detail, f.page) for n, f in facts_of(document, "biomarker").items()}
    assert markers["ER"] == ("positive", "90%", 1)
    assert markers["HER2"] == ("equivocal", "2+", 1)
    assert document.pages.get().source == "text-layer"


def test_the_planted_identifiers_are_boxed_and_masked_in_the_rendition_text_but_not_the_medicine(
    client: Client, draft_case: Case, pathology_pdf: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = uploaded(
        client, draft_case, "histo.pdf", pathology_pdf, django_capture_on_commit_callbacks,
        category="pathology",
    )

    original = document_read_text(document=document)
    redacted = rendition_read_text(document=document)
    assert set(planted.identifiers_in(original)) == set(planted.IDENTIFIERS)
    assert planted.identifiers_in(redacted) == {}
    assert "Invasive ductal carcinoma" in redacted
    assert "Equivocal (2+)" in redacted
    kinds = set(document.boxes.values_list("kind", flat=True))
    assert {"NAME", "PHONE", "ABHA", "AADHAAR", "DATE", "ID"} <= kinds
    assert document.boxes.filter(origin="proposed", active=True).count() >= 8
    assert all(0 <= b.x0 < b.x1 <= 1 and 0 <= b.y0 < b.y1 <= 1 for b in document.boxes.all())


def test_a_skewed_phone_photo_of_a_lab_report_yields_flagged_labs_and_marks_the_case_urgent(
    client: Client, draft_case: Case, lab_photo: bytes, django_capture_on_commit_callbacks: Any,
) -> None:
    document = uploaded(
        client, draft_case, "cbc.jpg", lab_photo, django_capture_on_commit_callbacks
    )

    labs = {n: (f.number, f.unit, f.flag, f.page) for n, f in facts_of(document, "lab").items()}
    assert labs == {
        "Haemoglobin": (9.2, "g/dL", "low", 1),
        "Platelet count": (210.0, "10^9/L", "none", 1),
        "Potassium": (6.8, "mmol/L", "critical_high", 1),
    }
    draft_case.refresh_from_db()
    assert draft_case.is_urgent
    page = document.pages.get()
    analysis = document_read_analysis(document=document)["pages"][0]
    assert page.source == "ocr"
    assert abs(analysis["skew"] + 4) < 1  # straightened before OCR, as the picture is kept
    assert planted.identifiers_in(rendition_read_text(document=document)) == {}


def test_reading_progress_is_saved_after_every_page(
    client: Client, draft_case: Case, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from consilium.documents import services
    from consilium.insights.tests.fixtures import html_page, pdf_from_html

    three_pages = pdf_from_html(
        html_page("".join(
            f"<p style='page-break-after: always'>Haemoglobin {n}.1 g/dL on day {n}</p>"
            for n in (1, 2, 3)
        ))
    )
    seen: list[tuple[str, int | None, int]] = []
    real = services.iter_pages

    def watching(*args: Any, **kwargs: Any) -> Any:
        for item in real(*args, **kwargs):
            row = Document.objects.values_list("status", "page_count", "pages_done").get()
            seen.append(row)
            yield item

    monkeypatch.setattr(services, "iter_pages", watching)
    uploaded(client, draft_case, "three.pdf", three_pages, django_capture_on_commit_callbacks)

    assert seen == [("processing", 3, 0), ("processing", 3, 1), ("processing", 3, 2)]
    assert Document.objects.values_list("status", "pages_done").get() == ("processed", 3)


def test_the_patient_sees_which_page_is_being_read(client: Client, draft_case: Case) -> None:
    Document.objects.create(
        case=draft_case, uploaded_by=draft_case.patient.holder, category="lab",
        original_name="scan.pdf", content_type="application/pdf", size=10, uploaded_size=10,
        sha256="0" * 64, storage_key="test/key", status="processing", page_count=5, pages_done=1,
    )
    client.force_login(draft_case.patient.holder)

    page = client.get(f"/documents/case/{draft_case.public_id}/").content.decode()

    assert "Reading page 2 of 5" in page
    assert 'data-poll-url="' in page and "js/poll.js" in page


def test_a_red_flag_phrase_in_a_report_marks_the_case_urgent_unless_it_is_negated(
    client: Client, draft_case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    from consilium.documents.tests.conftest import make_case, text_pdf

    calm = make_case(draft_case.patient)
    uploaded(client, calm, "calm.pdf",
             text_pdf("MRI spine: no evidence of cord compression at any level."),
             django_capture_on_commit_callbacks)
    uploaded(client, draft_case, "mri.pdf",
             text_pdf("MRI spine: metastatic spinal cord compression at T10."),
             django_capture_on_commit_callbacks)

    calm.refresh_from_db()
    draft_case.refresh_from_db()
    assert not calm.is_urgent
    assert draft_case.is_urgent
    urgent = Document.objects.get(original_name="mri.pdf").facts.get(kind="urgent")
    assert (urgent.name, urgent.page) == ("spinal cord compression", 1)
