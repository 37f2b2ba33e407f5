"""The reports page costs the same number of queries with 1 or 12 documents."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from consilium.cases.models import Case
from consilium.documents.models import Document


def add_documents(case: Case, count: int) -> None:
    start = Document.objects.filter(case=case).count()
    for index in range(start, start + count):
        Document.objects.create(
            case=case, uploaded_by=case.patient.holder, category="lab",
            original_name=f"report-{index}.pdf", content_type="application/pdf", size=1000,
            uploaded_size=1000, sha256="0" * 64, storage_key=f"test/{case.pk}/{index}",
            status="processed", page_count=2,
        )


def queries_for(client: Client, url: str, **kwargs: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **kwargs).status_code == 200
    return len(captured)


def test_the_list_page_query_count_does_not_grow_with_the_documents(
    client: Client, draft_case: Case
) -> None:
    client.force_login(draft_case.patient.holder)
    url = f"/documents/case/{draft_case.public_id}/"
    add_documents(draft_case, 1)
    client.get(url)
    with_one = queries_for(client, url)
    add_documents(draft_case, 11)
    assert queries_for(client, url) == with_one
    # Ours: session, user, case + patient, audit insert, documents (the session is no longer
    # saved by every request); the rest is the intake steps bar of the cases app.
    assert with_one <= 11


@pytest.mark.parametrize("count", [1, 12])
def test_the_polled_fragment_query_count_is_pinned(
    count: int, client: Client, draft_case: Case, django_assert_num_queries: Any
) -> None:
    add_documents(draft_case, count)
    client.force_login(draft_case.patient.holder)
    url = f"/documents/case/{draft_case.public_id}/"
    client.get(url, headers={"HX-Request": "true"})
    # What reading found in the files, for the checklist, is one of them; the session is no
    # longer written by every request (three fewer: savepoint, update, release).
    with django_assert_num_queries(6):
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.content.decode().count("/download/") == count
