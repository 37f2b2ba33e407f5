"""The 75 MB limit per case: counted across all of the case's files, exact at the byte."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from consilium.cases.models import Case
from consilium.documents.models import Document
from consilium.documents.tests.conftest import sized_pdf, stored_files, upload

LIMIT = 20_000


@pytest.fixture
def small_limit(settings: Any) -> int:
    settings.CASE_UPLOAD_LIMIT_BYTES = LIMIT
    return LIMIT


def test_a_file_of_exactly_the_limit_is_accepted(
    client: Client, draft_case: Case, small_limit: int
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("ct.pdf", sized_pdf(small_limit)), json=True)
    assert response.status_code == 200
    assert Document.objects.get().uploaded_size == small_limit


def test_one_byte_over_the_limit_is_refused_and_the_partial_file_removed(
    client: Client, draft_case: Case, small_limit: int, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("ct.pdf", sized_pdf(small_limit + 1)), json=True)
    assert response.status_code == 400
    assert "“ct.pdf” was not saved" in response.json()["errors"][0]
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_the_limit_counts_the_files_already_there_and_keeps_them(
    client: Client, draft_case: Case, small_limit: int, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("first.pdf", sized_pdf(12_000)))
    response = upload(client, draft_case, ("second.pdf", sized_pdf(8_001)))
    page = client.get(response.url).content.decode()
    assert "“second.pdf” was not saved" in page
    assert list(Document.objects.values_list("original_name", flat=True)) == ["first.pdf"]
    assert len(stored_files(settings)) == 1
    response = upload(client, draft_case, ("second.pdf", sized_pdf(8_000)), json=True)
    assert response.status_code == 200


def test_in_one_request_the_files_that_fit_are_kept_and_the_rest_refused(
    client: Client, draft_case: Case, small_limit: int, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(
        client, draft_case, ("a.pdf", sized_pdf(9_000)), ("b.pdf", sized_pdf(9_000)),
        ("c.pdf", sized_pdf(9_000)), json=True,
    )
    assert response.json()["saved"] == ["a.pdf", "b.pdf"]
    assert "“c.pdf” was not saved" in response.json()["errors"][0]
    assert len(stored_files(settings)) == 2


def test_a_body_far_larger_than_the_room_left_is_refused_with_a_message(
    client: Client, draft_case: Case, small_limit: int, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("huge.pdf", sized_pdf(9 * 1024 * 1024)))
    assert response.status_code == 302
    assert "“huge.pdf” was not saved" in client.get(response.url).content.decode()
    assert stored_files(settings) == []


def test_the_page_shows_how_much_room_is_left(
    client: Client, draft_case: Case, settings: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("ct.pdf", sized_pdf(5 * 1024 * 1024)))
    page = client.get(f"/documents/case/{draft_case.public_id}/").content.decode()
    assert "5 MB used of 75 MB — 70 MB left" in page


def test_the_real_limit_of_75_mib_is_exact(client: Client, draft_case: Case) -> None:
    limit = 75 * 1024 * 1024
    client.force_login(draft_case.patient.holder)
    response = upload(client, draft_case, ("big.pdf", sized_pdf(limit + 1)), json=True)
    assert response.status_code == 400
    response = upload(client, draft_case, ("big.pdf", sized_pdf(limit)), json=True)
    assert response.status_code == 200
    assert response.json()["left_mb"] == "0"
