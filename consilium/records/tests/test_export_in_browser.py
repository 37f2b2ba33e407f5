"""In Chromium, on a 360 px phone: the patient finds the download of the whole record from
their cases, builds it with one click, sees it ready, and downloads the zip. Every page is
checked with axe-core."""

from __future__ import annotations

import contextlib
import io
import re
import threading
import zipfile
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from consilium.accounts.models import User
from consilium.patients.models import Patient
from consilium.records.export import BUNDLE_NAME, README_NAME
from consilium.records.tests.test_export import build_record
from consilium.records.tests.test_share_in_browser import (
    AXE,
    accessibility_problems,
    fits_the_screen,
    phone,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def built_outside_the_browsers_loop(patient: Patient, coordinator: User,
                                    specialist: User) -> None:
    """The record's report is signed by pyHanko, which runs asyncio: not inside the event loop
    Playwright's sync API keeps running in this thread."""
    failures: list[BaseException] = []

    def build() -> None:
        try:
            # Outside a transaction, on_commit work (reading, the report) runs at once.
            build_record(patient, coordinator, specialist,
                         lambda execute: contextlib.nullcontext())
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            failures.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    assert failures == []


def test_a_patient_builds_and_downloads_the_whole_record_on_a_phone(
    chromium: Any, live_server: Any, patient: Patient, coordinator: User, specialist: User,
) -> None:
    assert AXE.exists(), "axe-core is missing: run `make setup` (it runs `npm ci`)"
    built_outside_the_browsers_loop(patient, coordinator, specialist)
    holder = Client()
    holder.force_login(patient.holder)
    page = phone(chromium, live_server, holder.cookies[django_settings.SESSION_COOKIE_NAME].value)
    problems: list[str] = []

    # Given the patient on their list of cases, when they open the download of the record
    page.goto(reverse("cases:my_cases"))
    page.get_by_role("link", name=re.compile("Download the whole record")).first.click()
    problems += accessibility_problems(page, "export")
    assert fits_the_screen(page)
    assert "You have not downloaded this record yet." in page.locator("main").inner_text()

    # and build it with one click, then it is ready on the page (the worker ran it)
    page.get_by_role("button", name="Build the download").click()
    page.get_by_role("link", name=re.compile(r"^Download \(")).wait_for()
    problems += accessibility_problems(page, "export-ready")
    assert fits_the_screen(page)
    assert "email you when it is ready" in page.locator(".messages").inner_text()

    # and the zip downloads in their signed-in browser
    href = page.get_by_role("link", name=re.compile(r"^Download \(")).get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.body()))
    assert {README_NAME, BUNDLE_NAME} <= set(archive.namelist())

    assert problems == []
