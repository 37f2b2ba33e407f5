"""A small file cannot make the worker do unbounded work: huge pages and too many pages are
refused at upload, a page is never rendered past a size cap, reading has a time budget, and
reading stops as soon as its document is deleted."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from typing import Any

import pikepdf
from django.db import connection
from django.test import Client

from consilium.cases.models import Case
from consilium.documents.models import Document, DocumentStatus
from consilium.documents.services import document_delete, document_process
from consilium.documents.tests.conftest import stored_files, text_pdf, upload

TEXT = "Haemoglobin 9.1 g/dL, range 12.0 - 15.0"


def huge_page_pdf(side: float = 14_400) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(side, side))
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=True)
    return buffer.getvalue()


def many_pages_pdf(count: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page(page_size=(595, 842))
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def test_a_pdf_with_a_page_larger_than_a0_is_refused_at_upload_with_a_clear_message(
    client: Client, draft_case: Case, settings: Any
) -> None:
    data = huge_page_pdf()
    assert len(data) < 2000
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("report.pdf", data), json=True)
    assert response.status_code == 400
    message = response.json()["errors"][0]
    assert "Page 1" in message and "too large" in message
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_pdf_with_thousands_of_pages_is_refused_at_upload(
    client: Client, draft_case: Case, settings: Any
) -> None:
    data = many_pages_pdf(5000)
    client.force_login(draft_case.patient.holder)
    started = time.monotonic()
    response = upload(client, draft_case, ("report.pdf", data), json=True)
    assert time.monotonic() - started < 20
    assert response.status_code == 400
    message = response.json()["errors"][0]
    assert "5000 pages" in message and str(settings.DOCUMENT_MAX_PAGES) in message
    assert not Document.objects.exists()


def test_the_page_limits_are_settings(client: Client, draft_case: Case, settings: Any) -> None:
    settings.DOCUMENT_MAX_PAGES = 2
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("report.pdf", text_pdf("a", "b", "c")), json=True)
    assert "3 pages" in response.json()["errors"][0]
    settings.DOCUMENT_MAX_PAGES = 300
    settings.DOCUMENT_MAX_PAGE_AREA_M2 = 0.01
    response = upload(client, draft_case, ("report.pdf", text_pdf("a")), json=True)
    assert "too large" in response.json()["errors"][0]


RENDER_UNDER_A_MEMORY_LIMIT = r"""
import resource, sys
import pypdfium2 as pdfium
from consilium.insights.reading import render_pdf_page
pdf = pdfium.PdfDocument(sys.stdin.buffer.read())
with open("/proc/self/status") as status:
    size = next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmSize:"))
# 600 MB more than the process holds now: a capped render fits, a 2.7 GB bitmap does not.
resource.setrlimit(resource.RLIMIT_AS, (size + 600 * 1024 * 1024, resource.RLIM_INFINITY))
image = render_pdf_page(pdf[0])
print(image.width, image.height)
"""


def test_a_huge_page_is_rendered_within_the_size_cap_and_bounded_memory() -> None:
    from consilium.insights.reading import MAX_RENDER_PIXELS

    done = subprocess.run(  # noqa: S603 (our own script, run by our own interpreter)
        [sys.executable, "-c", RENDER_UNDER_A_MEMORY_LIMIT], input=huge_page_pdf(),
        capture_output=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-800:]
    width, height = (int(n) for n in done.stdout.split())
    assert width == height
    assert width * height <= MAX_RENDER_PIXELS


def test_reading_stops_when_its_document_is_deleted(
    client: Client, draft_case: Case, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf(*[TEXT] * 6)))
    document = Document.objects.get()
    progress: list[str] = []

    def delete_while_reading(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if 'SET "pages_done" = ' in sql:
            progress.append(sql)
            if len(progress) == 1:
                # The patient removes the report while the worker is on its first page.
                with connection.execute_wrapper(lambda *call: call[0](*call[1:4])):
                    document_delete(document=Document.objects.get(pk=document.pk),
                                    actor=draft_case.patient.holder)
        return execute(sql, params, many, context)

    with django_capture_on_commit_callbacks(execute=True), \
            connection.execute_wrapper(delete_while_reading):
        document_process(document=document)

    assert len(progress) == 1, "no page was read after the document was deleted"
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_reading_past_its_time_budget_fails_the_document_with_a_message(
    client: Client, draft_case: Case, settings: Any
) -> None:
    settings.DOCUMENT_READ_SECONDS = 0
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("cbc.pdf", text_pdf(*[TEXT] * 3)))
    (original,) = stored_files(settings)

    document = document_process(document=Document.objects.get())

    assert document.status == DocumentStatus.FAILED
    assert "too long" in document.processing_error
    assert document.pages_done <= 1
    assert stored_files(settings) == [original]
