"""A lab value is kept as the page prints it beside the normalised one, and a value the reader
could not check against a range is shown to the coordinator as such: never counted as normal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from consilium.cases.models import Case
from consilium.documents.models import Document
from consilium.documents.tests.conftest import make_case, submit, upload
from consilium.insights.models import DocumentFact
from consilium.insights.summary import row_text
from consilium.insights.tests.conftest import drafted, summary_url
from consilium.insights.tests.fixtures import html_page, pdf_from_html

pytestmark = pytest.mark.django_db

ROWS = [
    ("Platelet Count", "2.6", "lakhs/cumm", "1.5 - 4.1"),
    # The range's decimal point lost the other way: 400 - 1100 for 4,000 - 11,000 per cumm.
    ("Total Leucocyte Count", "7,840", "/cumm", "400 - 1100"),
    # A range no scale of the analyte explains: the value cannot be checked against it.
    ("Serum Creatinine", "0.1", "mg/dL", "0.07 - 0.13"),
    ("Haemoglobin", "11.2", "g/dL", "13.0 - 17.0"),
]


def report() -> bytes:
    cells = "".join(
        f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td></tr>" for a, b, c, d in ROWS
    )
    return pdf_from_html(
        html_page(
            "<h1>City Path Lab</h1><table><tr><th>Investigation</th><th>Result</th><th>Unit</th>"
            f"<th>Bio. Ref. Interval</th></tr>{cells}</table>"
        )
    )


@pytest.fixture
def case(patient: Any, django_capture_on_commit_callbacks: Any) -> Case:
    case = make_case(patient, diagnosis_so_far="Anaemia")
    holder = Client()
    holder.force_login(patient.holder)
    with django_capture_on_commit_callbacks(execute=True):
        upload(holder, case, ("bloods.pdf", report()), category="lab")
    submit(case)
    return case


def test_each_lab_keeps_what_the_page_printed_and_why_it_was_read_otherwise(case: Case) -> None:
    facts = {f.name: f for f in DocumentFact.objects.filter(document__case=case, kind="lab")}

    platelets = facts["Platelet count"]
    assert (platelets.number, platelets.unit, platelets.printed) == (
        260.0,
        "10^9/L",
        "2.6 lakhs/cumm",
    )
    wbc = facts["White blood cell count"]
    assert wbc.printed == "7,840 /cumm" and wbc.printed_range == "400 - 1100"
    assert not wbc.uncertain and "4000 - 11000" in wbc.note
    creatinine = facts["Creatinine"]
    assert creatinine.uncertain and creatinine.flag == "none" and creatinine.note
    assert creatinine.printed_range == "0.07 - 0.13"
    assert not facts["Haemoglobin"].uncertain


def test_an_unchecked_value_is_listed_for_the_coordinator_not_counted_as_normal(
    coordinator_client: Client, case: Case
) -> None:
    content = drafted(coordinator_client, case)

    rows = {lab["name"]: lab for lab in content["labs"]}
    assert set(rows) == {"Haemoglobin", "Creatinine"}
    assert rows["Creatinine"]["flag"] == "uncertain"
    assert rows["Creatinine"]["printed_range"] == "0.07 - 0.13"
    assert [lab["name"] for lab in content["labs"]] == ["Haemoglobin", "Creatinine"]
    assert content["normal_labs"] == 2  # the platelets and the white cells, both within range

    page = coordinator_client.get(summary_url(case)).content.decode()
    assert "Not checked: read it on the page" in page
    assert "does not fit the analyte" in page
    assert "0.07 - 0.13" in page
    document = Document.objects.get(case=case)
    assert f"/documents/{document.public_id}/review/#page-1" in page


def test_the_drafted_row_shows_the_printed_value_beside_the_normalised_one() -> None:
    row = {"value": "260", "unit": "10^9/L", "printed": "2.6 lakhs/cumm"}
    assert row_text("labs", row) == "260 10^9/L (printed: 2.6 lakhs/cumm)"
    same = {"value": "11.2", "unit": "g/dL", "printed": "11.2 g/dL"}
    assert row_text("labs", same) == "11.2 g/dL"
