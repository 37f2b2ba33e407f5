"""A coordinator corrects a drafted row of the summary: the correction is kept beside what the
system drafted, both are shown as such, to the coordinator and to the specialists."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.documents.models import Document
from consilium.insights.models import CaseSummary
from consilium.insights.selectors import case_summary_for_specialist
from consilium.insights.services import summary_content
from consilium.insights.tests.conftest import drafted, summary_url

pytestmark = pytest.mark.django_db


def tumour_row(content: dict[str, Any], field: str) -> tuple[int, dict[str, Any]]:
    return next((i, row) for i, row in enumerate(content["tumour"]) if row["field"] == field)


def test_a_correction_is_kept_beside_the_drafted_row_and_shown_as_such(
    coordinator_client: Client, case: Case
) -> None:
    content = drafted(coordinator_client, case)
    index, row = tumour_row(content, "histology")
    original = row["value"]

    page = coordinator_client.post(
        summary_url(case, "save/"),
        {"action": "save", f"correct-tumour-{index}": "invasive lobular carcinoma"},
        follow=True,
    ).content.decode()

    content = summary_content(summary=CaseSummary.objects.get(case=case))
    _index, row = tumour_row(content, "histology")
    assert row["value"] == original  # what was drafted is never overwritten
    assert row["correction"]["text"] == "invasive lobular carcinoma"
    assert "corrected by the coordinator; the system drafted:" in page
    assert "<del>" + original in page
    event = AuditEvent.objects.filter(action="summary.edit").latest("id")
    assert event.detail["corrected"] == 1


def test_an_empty_correction_gives_the_draft_back(coordinator_client: Client, case: Case) -> None:
    content = drafted(coordinator_client, case)
    index, _row = tumour_row(content, "histology")
    coordinator_client.post(
        summary_url(case, "save/"), {"action": "save", f"correct-tumour-{index}": "something else"}
    )
    coordinator_client.post(
        summary_url(case, "save/"), {"action": "save", f"correct-tumour-{index}": "  "}
    )
    content = summary_content(summary=CaseSummary.objects.get(case=case))
    assert "correction" not in tumour_row(content, "histology")[1]


def test_a_name_typed_into_a_correction_is_masked(coordinator_client: Client, case: Case) -> None:
    drafted(coordinator_client, case)
    coordinator_client.post(
        summary_url(case, "save/"),
        {"action": "save", "correct-labs-0": "Asha Verma's potassium 5.1"},
    )
    content = summary_content(summary=CaseSummary.objects.get(case=case))
    assert "Asha" not in content["labs"][0]["correction"]["text"]
    assert "[NAME]" in content["labs"][0]["correction"]["text"]


def test_specialists_see_the_correction_and_what_was_drafted(
    coordinator_client: Client, case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    content = drafted(coordinator_client, case)
    index, row = tumour_row(content, "histology")
    for document in Document.objects.all():
        with django_capture_on_commit_callbacks(execute=True):
            coordinator_client.post(
                f"/documents/{document.public_id}/release/", {"version": document.redaction_version}
            )
    coordinator_client.post(
        summary_url(case, "save/"),
        {
            "action": "approve",
            f"correct-tumour-{index}": "invasive lobular carcinoma",
        },
    )
    shown = case_summary_for_specialist(case=case)
    assert shown is not None
    html = render_to_string("insights/_summary_for_specialist.html", {"summary": shown})
    assert "invasive lobular carcinoma" in html
    assert "corrected by the coordinator" in html and row["value"] in html
