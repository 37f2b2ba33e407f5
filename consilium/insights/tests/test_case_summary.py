"""The drafted case summary: de-identified, every fact linked to its page, drafted by the system
until a coordinator approves it, and only then shown to specialists."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.core.testing import login_with_2fa
from consilium.documents.models import Document
from consilium.documents.services import document_process
from consilium.documents.tests import planted
from consilium.documents.tests.conftest import make_case, submit, upload
from consilium.insights.models import CaseSummary, SummaryStatus
from consilium.insights.selectors import case_summary_for_specialist
from consilium.insights.services import summary_content
from consilium.insights.tests.conftest import drafted, summary_url

pytestmark = pytest.mark.django_db


def test_the_draft_shows_the_patient_only_as_an_age_band_and_a_sex(
    coordinator_client: Client, case: Case
) -> None:
    content = drafted(coordinator_client, case)

    assert content["patient"] == {"age_band": "50–59 years", "sex": "Female"}
    dumped = json.dumps(content, ensure_ascii=False)
    assert planted.identifiers_in(dumped) == {}
    for identifier in ("asha@example.com", "Menon", "Ruby Hall", case.reference):
        assert identifier not in dumped


def test_free_text_of_the_intake_is_de_identified_like_the_reports(
    coordinator_client: Client, case: Case
) -> None:
    content = drafted(coordinator_client, case)

    history = content["sections"]["history"]
    assert history.startswith("Symptoms: I am [NAME], I found a lump in my left breast in [DATE]")
    assert history.endswith("Call [PHONE].")
    assert content["questions"] == ["Does [NAME] need chemotherapy?"]
    assert content["sections"]["diagnosis"] == "Breast cancer, told stage 2"
    assert content["sections"]["treatment_planned"] == "Chemotherapy (AC-T) planned"


def test_every_fact_links_to_the_document_and_page_it_came_from(
    coordinator_client: Client, case: Case
) -> None:
    content = drafted(coordinator_client, case)
    histo = str(Document.objects.get(original_name="histo.pdf").public_id)
    bloods = str(Document.objects.get(original_name="bloods.pdf").public_id)

    tumour = {t["field"]: (t["value"], t["source"]) for t in content["tumour"]}
    assert tumour["histology"] == ("invasive ductal carcinoma", {"document": histo, "page": 1})
    assert tumour["tnm"] == ("pT2N1", {"document": histo, "page": 1})
    markers = {(b["name"], b["status"], b["value"]): b["source"] for b in content["biomarkers"]}
    assert markers[("ER", "positive", "90%")] == {"document": histo, "page": 1}
    assert markers[("HER2", "equivocal", "2+")] == {"document": histo, "page": 1}
    labs = [(lab["name"], lab["flag"], lab["source"]["document"]) for lab in content["labs"]]
    assert labs == [("Potassium", "critical_high", bloods), ("Haemoglobin", "low", bloods)]
    assert content["normal_labs"] == 1  # the platelet count
    missing = [m["item"] for m in content["missing"]]
    assert "HER2 in situ hybridisation (FISH) for the equivocal (2+) result" in missing
    assert "Recent complete blood count" not in missing
    urgency = [(u["kind"], u["text"]) for u in content["urgency"]]
    assert ("lab", "Potassium 6.8 mmol/L is critically high") in urgency
    assert ("intake", "The patient reports: Breathlessness at rest") in urgency

    page = coordinator_client.get(summary_url(case)).content.decode()
    assert f'href="/documents/{histo}/review/#page-1"' in page
    assert "Report 1, page 1" in page and "Report 2, page 1" in page
    assert "Drafted by the system" in page
    assert "histo.pdf" not in page and "bloods.pdf" not in page


def test_specialists_get_nothing_until_a_coordinator_approves_after_releasing_the_reports(
    coordinator_client: Client,
    case: Case,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    drafted(coordinator_client, case)
    assert case_summary_for_specialist(case=case) is None

    refused = coordinator_client.post(
        summary_url(case, "save/"), {"action": "approve"}, follow=True
    )
    assert "Release the reports this summary cites first (report 1, 2)" in (
        refused.content.decode()
    )
    assert case_summary_for_specialist(case=case) is None

    for document in Document.objects.all():
        with django_capture_on_commit_callbacks(execute=True):
            coordinator_client.post(
                f"/documents/{document.public_id}/release/", {"version": document.redaction_version}
            )
    coordinator_client.post(summary_url(case, "save/"), {"action": "approve"})

    summary = CaseSummary.objects.get(case=case)
    assert (summary.status, summary.approved_by) == (SummaryStatus.APPROVED, coordinator)
    assert summary.approved_at is not None
    shown = case_summary_for_specialist(case=case, user=coordinator)
    assert shown is not None and shown.content["labs"][0]["name"] == "Potassium"
    assert AuditEvent.objects.filter(action="summary.approve", actor=coordinator).exists()
    page = coordinator_client.get(summary_url(case)).content.decode()
    assert "Approved by Neha Coordinator" in page


def test_a_coordinators_edits_are_kept_facts_can_be_left_out_and_typed_names_are_masked(
    coordinator_client: Client, case: Case, coordinator: Any
) -> None:
    drafted(coordinator_client, case)

    response = coordinator_client.post(
        summary_url(case, "save/"),
        {
            "action": "save",
            "history": "Lump found by Asha Verma in March 2026.",
            "note": "Please comment on the need for FISH.",
            "question": ["Is chemotherapy needed?", ""],
            "leave_out": ["labs-1"],
        },
        follow=True,
    )

    summary = CaseSummary.objects.get(case=case)
    content = summary_content(summary=summary)
    assert (summary.status, summary.edited_by) == (SummaryStatus.EDITED, coordinator)
    # March 2026 is told as months from the day the request was started, not as a date.
    started = timezone.localdate(case.created_at)
    months = (2026 - started.year) * 12 + 3 - started.month
    told = f"−{-months}" if months < 0 else f"+{months}" if months else "0"
    assert content["sections"]["history"] == f"Lump found by [NAME] in [month {told}]."
    assert content["sections"]["note"] == "Please comment on the need for FISH."
    assert content["questions"] == ["Is chemotherapy needed?"]
    assert [lab["include"] for lab in content["labs"]] == [True, False]
    assert "identifiers in the text were replaced" in response.content.decode()


def test_a_new_report_redrafts_a_system_draft_but_only_flags_an_edited_summary(
    coordinator_client: Client, case: Case, reports: dict[str, bytes], patient: Any
) -> None:
    drafted(coordinator_client, case)
    late = Document.objects.get(original_name="bloods.pdf")
    Document.objects.filter(pk=late.pk).update(status="failed")
    late.facts.all().delete()
    coordinator_client.post(summary_url(case, "redraft/"), {"confirm": "yes"})
    assert summary_content(summary=CaseSummary.objects.get(case=case))["labs"] == []

    document_process(document=late)  # read again (as after a coordinator's retry)

    summary = CaseSummary.objects.get(case=case)
    assert summary.status == SummaryStatus.DRAFTED and not summary.new_facts
    assert len(summary_content(summary=summary)["labs"]) == 2

    coordinator_client.post(summary_url(case, "save/"), {"action": "save", "note": "checked"})
    Document.objects.filter(pk=late.pk).update(status="failed")
    document_process(document=late)

    summary.refresh_from_db()
    assert summary.status == SummaryStatus.EDITED and summary.new_facts
    assert summary_content(summary=summary)["sections"]["note"] == "checked"
    page = coordinator_client.get(summary_url(case)).content.decode()
    assert "Reports were read after this summary was edited or approved" in page


@pytest.mark.parametrize("who", ["holder", "specialist"])
def test_only_coordinators_reach_the_summary(
    client: Client, case: Case, specialist: Any, who: str
) -> None:
    if who == "holder":
        client.force_login(case.patient.holder)
    else:
        login_with_2fa(client, specialist)
    assert client.get(summary_url(case)).status_code == 404
    assert client.post(summary_url(case, "save/"), {"action": "approve"}).status_code == 404
    assert not CaseSummary.objects.exists()


def test_reading_the_summary_is_audited_without_health_data(
    coordinator_client: Client, case: Case, coordinator: Any
) -> None:
    drafted(coordinator_client, case)

    event = AuditEvent.objects.get(action="summary.view")
    assert event.actor == coordinator
    assert set(event.detail) == {"case"}
    assert AuditEvent.objects.filter(action="summary.draft").exists()


def test_the_specialists_summary_drops_left_out_facts_and_those_of_a_report_taken_back(
    coordinator_client: Client, case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    from django.template.loader import render_to_string

    drafted(coordinator_client, case)
    for document in Document.objects.all():
        with django_capture_on_commit_callbacks(execute=True):
            coordinator_client.post(
                f"/documents/{document.public_id}/release/", {"version": document.redaction_version}
            )
    coordinator_client.post(
        summary_url(case, "save/"), {"action": "approve", "leave_out": ["biomarkers-0"]}
    )
    shown = case_summary_for_specialist(case=case)
    assert shown is not None
    assert "ER" not in [b["name"] for b in shown.content["biomarkers"]]
    html = render_to_string("insights/_summary_for_specialist.html", {"summary": shown})
    assert "Pathology or biopsy report, page 1" in html and "Potassium" in html
    assert planted.identifiers_in(html) == {}
    assert "<a href" not in html  # no assignment on this page: sources are named in words
    assignment = SimpleNamespace(status="accepted", public_id=uuid.uuid4())
    linked = render_to_string(
        "insights/_summary_for_specialist.html",
        {"summary": shown, "view": SimpleNamespace(assignment=assignment)},
    )
    histo = Document.objects.get(original_name="histo.pdf")
    assert f'/a/{assignment.public_id}/documents/{histo.public_id}/#page=1"' in linked

    bloods = Document.objects.get(original_name="bloods.pdf")
    box = bloods.boxes.filter(active=True).first()
    assert box is not None
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(f"/documents/box/{box.public_id}/remove/")

    shown = case_summary_for_specialist(case=case)
    assert shown is not None and shown.content["labs"] == []
    assert shown.content["tumour"]  # the pathology report is still released


def test_a_case_with_no_cancer_is_not_asked_for_the_cancer_work_up(
    coordinator_client: Client,
    patient: Any,
    reports: dict[str, bytes],
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = make_case(patient, medical_area="hormones", diagnosis_so_far="Thyroid trouble")
    holder = Client()
    holder.force_login(patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(holder, case, ("bloods.pdf", reports["bloods.pdf"]), category="lab")
    submit(case)

    content = drafted(coordinator_client, case)

    assert content["missing"] == [] and content["work_up_checked"] is False
    page = coordinator_client.get(summary_url(case)).content.decode()
    assert "The reports state no cancer" in page
    assert "The reports hold the usual minimum work-up" not in page
