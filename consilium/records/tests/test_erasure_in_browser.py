"""In Chromium, on a 360 px phone: the patient opens the erasure from their cases, reads what
will be lost and what stays, confirms, and is signed out. The page is checked with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from consilium.cases.services import case_create
from consilium.patients.models import Patient
from consilium.records.models import Erasure
from consilium.records.tests.test_share_in_browser import (
    AXE,
    accessibility_problems,
    fits_the_screen,
    phone,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_erases_their_record_on_a_phone(
    chromium: Any, live_server: Any, patient: Patient,
) -> None:
    assert AXE.exists(), "axe-core is missing: run `make setup` (it runs `npm ci`)"
    case_create(patient=patient, actor=patient.holder)
    holder = Client()
    holder.force_login(patient.holder)
    page = phone(chromium, live_server, holder.cookies[django_settings.SESSION_COOKIE_NAME].value)
    problems: list[str] = []

    page.goto(reverse("cases:my_cases"))
    page.get_by_role("link", name=re.compile("Erase this record")).first.click()
    problems += accessibility_problems(page, "erase")
    assert fits_the_screen(page)
    main = page.locator("main").inner_text()
    assert "What will be lost" in main and "What stays, and why" in main

    # Without the box ticked nothing happens, and the page says why
    page.get_by_role("button", name="Erase the record").click()
    assert "Tick the box to say you understand." in page.locator("main").inner_text()
    problems += accessibility_problems(page, "erase-error")
    assert not Erasure.objects.exists()

    page.get_by_label("I understand that this cannot be undone").check()
    page.get_by_role("button", name="Erase the record").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "Your record has been erased" in page.content()
    assert Erasure.objects.filter(patient=patient).exists()
    assert problems == []


def test_the_rights_page_reads_on_a_phone(chromium: Any, live_server: Any) -> None:
    page = phone(chromium, live_server)
    page.goto(reverse("accounts:login"))
    page.get_by_role("link", name="Your data and your rights").click()
    assert fits_the_screen(page)
    assert accessibility_problems(page, "rights") == []
    assert "Who to write to" in page.locator("main").inner_text()
