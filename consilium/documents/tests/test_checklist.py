"""The checklist of expected reports, by medical area, ticked by category."""

from __future__ import annotations

from django.test import Client

from consilium.cases.models import Case, MedicalArea
from consilium.documents.checklist import checklist_for
from consilium.documents.models import Document
from consilium.documents.tests.conftest import make_case, text_pdf, upload
from consilium.patients.models import Patient


def doc(category: str) -> Document:
    return Document(category=category)


def test_for_cancer_a_pathology_report_and_labs_tick_their_lines(draft_case: Case) -> None:
    lines = checklist_for(case=draft_case, documents=[doc("pathology"), doc("lab")])
    present = {str(line.expected.label): line.present for line in lines}
    assert present == {
        "Biopsy or pathology report": True,
        "Scans: CT, MRI or PET-CT": False,
        "A recent complete blood count (CBC)": True,
        "Kidney and liver function tests": True,
        "Treatment notes": False,
    }


def test_other_areas_get_the_general_list(patient: Patient) -> None:
    case = make_case(patient, medical_area=MedicalArea.HEART)
    lines = checklist_for(case=case, documents=[doc("prescription"), doc("operation_notes")])
    present = {str(line.expected.label): line.present for line in lines}
    assert present == {
        "Recent blood tests": False,
        "Scan or X-ray reports, if any were done": False,
        "Discharge summary or doctor's notes": True,
        "Current prescription": True,
    }


def test_the_page_says_what_is_still_missing_and_how_it_decides(
    client: Client, draft_case: Case
) -> None:
    client.force_login(draft_case.patient.holder)
    upload(client, draft_case, ("biopsy.pdf", text_pdf("IHC ER+")), category="pathology")
    page = client.get(f"/documents/case/{draft_case.public_id}/").content.decode()
    assert page.count("Still missing") == 4
    assert "not by reading the files" in page
