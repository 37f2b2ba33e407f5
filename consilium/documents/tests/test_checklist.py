"""The checklist of expected reports ticks a line from what reading found in the files and names
the file it was found in, whatever kind the patient chose for it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from consilium.cases.models import Case, MedicalArea
from consilium.documents.checklist import checklist_for
from consilium.documents.models import Document
from consilium.documents.tests.conftest import make_case, upload
from consilium.insights.contents import report_contents
from consilium.insights.labs import extract_labs
from consilium.insights.oncology import OncologyFacts
from consilium.insights.tests.fixtures import html_page, lab_table, pdf_from_html
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db

BLOOD_AND_KIDNEY = html_page(
    lab_table(
        [
            ("Haemoglobin", "11.2", "L", "12.0 - 15.0", "g/dL"),
            ("Total Leucocyte Count", "6800", "", "4000 - 11000", "/cumm"),
            ("Platelet Count", "2.4", "", "1.5 - 4.5", "lakhs/cumm"),
        ],
        heading="Complete Blood Count",
    )
    + lab_table(
        [("Serum Creatinine", "0.9", "", "0.6 - 1.2", "mg/dL"),
         ("Blood Urea", "28", "", "15 - 40", "mg/dL")],
        heading="Kidney Function Test",
    )
)
PRESCRIPTION = html_page(
    "<h1>OPD prescription</h1><p>Rx</p><p>Tab. Pantoprazole 40 mg OD before breakfast</p>"
    "<p>Tab. Ondansetron 4 mg SOS for nausea</p><p>Review after two weeks.</p>"
)


def lines_by_label(case: Case) -> dict[str, Any]:
    documents = list(Document.objects.filter(case=case).order_by("created_at", "id"))
    lines = checklist_for(case=case, documents=documents)
    return {str(line.expected.label): line for line in lines}


def read(client: Client, case: Case, capture: Any, *files: tuple[str, bytes, str]) -> None:
    for name, content, category in files:
        with capture(execute=True):
            upload(client, case, (name, content), category=category)


def test_a_file_holding_a_blood_count_and_kidney_tests_ticks_both_lines_whatever_its_kind(
    client: Client, draft_case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    read(client, draft_case, django_capture_on_commit_callbacks,
         ("rx.pdf", pdf_from_html(PRESCRIPTION), "prescription"),
         ("bloods.pdf", pdf_from_html(BLOOD_AND_KIDNEY), "other"))

    lines = lines_by_label(draft_case)
    assert lines["A recent complete blood count (CBC)"].state == "found"
    assert lines["A recent complete blood count (CBC)"].found_in == (2,)
    assert lines["Kidney function tests"].found_in == (2,)
    assert lines["Liver function tests"].state == "missing"
    assert lines["Biopsy or pathology report"].state == "missing"

    page = client.get(f"/documents/case/{draft_case.public_id}/").content.decode()
    assert "In file 2" in page


def test_a_file_sent_as_blood_tests_that_holds_none_is_not_ticked(
    client: Client, draft_case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(draft_case.patient.holder)
    read(client, draft_case, django_capture_on_commit_callbacks,
         ("labs.pdf", pdf_from_html(PRESCRIPTION), "lab"))

    line = lines_by_label(draft_case)["A recent complete blood count (CBC)"]
    assert (line.state, line.uploaded_as) == ("unconfirmed", (1,))
    page = client.get(f"/documents/case/{draft_case.public_id}/").content.decode()
    assert "we did not find this report in it" in page


def test_while_a_file_is_read_the_line_says_so(draft_case: Case) -> None:
    Document.objects.create(
        case=draft_case, uploaded_by=draft_case.patient.holder, category="lab",
        original_name="x.pdf", content_type="application/pdf", size=1, sha256="0" * 64,
        storage_key="waiting-key",
    )
    assert lines_by_label(draft_case)["A recent complete blood count (CBC)"].state == "reading"


def test_other_areas_get_the_general_list(patient: Patient) -> None:
    case = make_case(patient, medical_area=MedicalArea.HEART)
    assert list(lines_by_label(case)) == [
        "Recent blood tests",
        "Scan or X-ray reports, if any were done",
        "Discharge summary or doctor's notes",
        "Current prescription",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CT THORAX\nFindings: a 3 cm mass in the right upper lobe.\nImpression: neoplasm.",
         {"imaging"}),
        ("HISTOPATHOLOGY REPORT\nMicroscopy: sheets of atypical cells.", {"pathology"}),
        ("DISCHARGE SUMMARY\nDate of admission: ...", {"notes"}),
        ("Rx\nTab. Metformin 500 mg BD\nTab. Amlodipine 5 mg OD", {"prescription"}),
        # A scan named in a letter is no scan report; one haemoglobin is no blood count.
        ("Please bring your CT scan next time. Hb 11.2 g/dL.", set()),
    ],
)
def test_the_kinds_of_report_come_from_what_the_text_holds(text: str, expected: set[str]) -> None:
    assert report_contents(text=text, labs=extract_labs(text), oncology=OncologyFacts()) == expected
