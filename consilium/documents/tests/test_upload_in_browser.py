"""With JavaScript, each chosen file is sent on its own with a progress bar and its result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from consilium.cases.models import Case
from consilium.core.testing import wait_for_js
from consilium.documents.models import Document
from consilium.documents.tests.conftest import text_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_documents_page(page: Any, live_server: Any, case: Case) -> None:
    client = Client()
    client.force_login(case.patient.holder)
    page.context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    page.goto(f"/documents/case/{case.public_id}/")


def send(page: Any, *paths: Path) -> None:
    page.select_option("select[name=category]", "lab")
    page.set_input_files("#id_files", [str(path) for path in paths])
    page.click("#upload-form button[type=submit]")


def test_a_file_is_sent_with_progress_and_a_fake_one_is_refused(
    browser_page: Any, live_server: Any, draft_case: Case, tmp_path: Path
) -> None:
    (tmp_path / "cbc.pdf").write_bytes(text_pdf("CBC"))
    (tmp_path / "notes.pdf").write_bytes(b"just text")
    page = browser_page
    open_documents_page(page, live_server, draft_case)
    send(page, tmp_path / "cbc.pdf")
    page.wait_for_selector("#upload-progress li.upload-saved")
    page.wait_for_selector("#document-list a:has-text('cbc.pdf')")
    send(page, tmp_path / "notes.pdf")
    failed = page.wait_for_selector("#upload-progress li.upload-failed")
    assert "is not a PDF, JPEG or PNG" in failed.inner_text()
    assert list(Document.objects.values_list("original_name", flat=True)) == ["cbc.pdf"]


def test_several_files_go_at_once(
    browser_page: Any, live_server: Any, draft_case: Case, tmp_path: Path, settings: Any
) -> None:
    # The live server answers the three uploads in three threads, and the immediate task backend
    # would then read the three PDFs at once in-process; pdfium is not thread-safe and crashes.
    # The service's worker runs one task at a time, so here the processing is left queued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    names = ["cbc.pdf", "lft.pdf", "kft.pdf"]
    for name in names:
        (tmp_path / name).write_bytes(text_pdf(name))
    page = browser_page
    open_documents_page(page, live_server, draft_case)
    send(page, *(tmp_path / name for name in names))
    wait_for_js(page, 
        "document.querySelectorAll('#upload-progress li.upload-saved').length === 3"
    )
    assert sorted(Document.objects.values_list("original_name", flat=True)) == sorted(names)


def test_a_double_click_on_upload_stores_the_file_once(
    browser_page: Any, live_server: Any, draft_case: Case, tmp_path: Path, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    (tmp_path / "cbc.pdf").write_bytes(text_pdf("CBC"))
    page = browser_page
    open_documents_page(page, live_server, draft_case)
    page.select_option("select[name=category]", "lab")
    page.set_input_files("#id_files", [str(tmp_path / "cbc.pdf")])
    page.dblclick("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-progress li.upload-saved")
    page.wait_for_selector("#document-list a:has-text('cbc.pdf')")
    wait_for_js(page, "!document.querySelector('#upload-form button[type=submit]').disabled")
    assert page.locator("#upload-progress li").count() == 1
    assert list(Document.objects.values_list("original_name", flat=True)) == ["cbc.pdf"]
