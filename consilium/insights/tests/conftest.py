"""The case of the summary tests: a submitted breast-cancer case with two reports read."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from consilium.cases.models import Case, CaseQuestion
from consilium.core.testing import login_with_2fa
from consilium.documents.tests import planted
from consilium.documents.tests.conftest import make_case, submit, upload
from consilium.insights.models import CaseSummary
from consilium.insights.services import summary_content
from consilium.insights.tests.fixtures import pdf_from_html


@pytest.fixture(scope="module")
def reports() -> dict[str, bytes]:
    return {
        "histo.pdf": planted.pathology_pdf(),
        "bloods.pdf": pdf_from_html(planted.lab_html()),
    }


@pytest.fixture
def case(patient: Any, reports: dict[str, bytes], django_capture_on_commit_callbacks: Any) -> Case:
    """A submitted breast-cancer case whose intake names the patient in the free text, with a
    pathology report and a blood report read."""
    planted.plant(patient)
    case = make_case(
        patient,
        diagnosis_so_far="Breast cancer, told stage 2",
        symptoms="I am Asha Verma, I found a lump in my left breast in March. Call 9876543210.",
        treatment_so_far="Mastectomy at Ruby Hall on 2 Feb 2026",
        treatment_planned="Chemotherapy (AC-T) planned",
        treating_doctor="Dr. R. Menon, MS (Surgery)",
        red_flags=["breathless"],
    )
    CaseQuestion.objects.create(case=case, position=1, text="Does Asha need chemotherapy?")
    holder = Client()
    holder.force_login(patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(holder, case, ("histo.pdf", reports["histo.pdf"]), category="pathology")
        upload(holder, case, ("bloods.pdf", reports["bloods.pdf"]), category="lab")
    submit(case)
    return case


@pytest.fixture
def coordinator_client(client: Client, coordinator: Any) -> Client:
    login_with_2fa(client, coordinator)
    return client


def summary_url(case: Case, suffix: str = "") -> str:
    return f"/insights/case/{case.public_id}/summary/{suffix}"


def drafted(client: Client, case: Case) -> dict[str, Any]:
    assert client.get(summary_url(case)).status_code == 200
    return summary_content(summary=CaseSummary.objects.get(case=case))
