"""The summary lists only results a report states as findings; what a report recommends or says
was not done goes to the work-up, a relative's result to family history."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from consilium.documents.tests.conftest import make_case, submit, upload
from consilium.insights.tests.conftest import drafted
from consilium.insights.tests.fixtures import html_page, pdf_from_html

pytestmark = pytest.mark.django_db

REPORT = html_page(
    "<h1>Molecular pathology report</h1>"
    "<p>Diagnosis: adenocarcinoma of the right upper lobe of the lung.</p>"
    "<p>EGFR: exon 19 deletion detected (PCR).</p>"
    "<p>ROS1 could not be tested (insufficient tissue).</p>"
    "<p>ALK testing by IHC is recommended.</p>"
    "<p>Family history: mother is a known BRCA1 carrier.</p>"
)


def test_recommended_and_untested_markers_are_never_listed_as_results(
    patient: Any, coordinator_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case(patient)
    holder = Client()
    holder.force_login(patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(holder, case, ("molecular.pdf", pdf_from_html(REPORT)), category="pathology")
    submit(case)

    content = drafted(coordinator_client, case)
    found = {b["name"]: b for b in content["biomarkers"]}
    assert "EGFR" in found and "deletion" in found["EGFR"]["value"]
    assert "ALK" not in found and "ROS1" not in found
    asked = " ".join(m["item"] + " " + m["why"] for m in content["missing"] + content["asked"])
    assert "ALK" in asked and "ROS1" in asked
    assert "recommends" in asked and "not done" in asked
    assert [b["name"] for b in content["family"]] == ["BRCA1"]
