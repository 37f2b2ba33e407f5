"""Which reports the specialists expect for a case, and which of them seem to be there.

It goes by the category the patient chose for each file, not by reading the files, so it can
tick a line that the file does not really cover (one lab file ticks every lab line). The page
says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from consilium.cases.models import Case, MedicalArea
from consilium.documents.models import Document, DocumentCategory

C = DocumentCategory
NOTES = frozenset({C.DISCHARGE, C.CLINICAL_NOTES, C.OPERATION_NOTES})


@dataclass(frozen=True)
class Expected:
    label: str | Promise
    hint: str | Promise
    categories: frozenset[str]
    optional: bool = False


@dataclass(frozen=True)
class ChecklistLine:
    expected: Expected
    present: bool


CANCER: tuple[Expected, ...] = (
    Expected(
        _("Biopsy or pathology report"),
        _("With the IHC or receptor tests (for example ER, PR, HER2, PD-L1) if they were done."),
        frozenset({C.PATHOLOGY}),
    ),
    Expected(
        _("Scans: CT, MRI or PET-CT"),
        _("The written report of each scan; the most recent first."),
        frozenset({C.IMAGING}),
    ),
    Expected(
        _("A recent complete blood count (CBC)"),
        _("From the last four weeks if you have one."),
        frozenset({C.LAB}),
    ),
    Expected(
        _("Kidney and liver function tests"),
        _("Often called KFT or RFT, and LFT."),
        frozenset({C.LAB}),
    ),
    Expected(
        _("Treatment notes"),
        _("Discharge summary, the doctor's clinical notes, or operation notes."),
        NOTES,
    ),
)

GENERAL: tuple[Expected, ...] = (
    Expected(
        _("Recent blood tests"),
        _("The latest results your doctor asked for."),
        frozenset({C.LAB}),
    ),
    Expected(
        _("Scan or X-ray reports, if any were done"),
        _("Skip this if no scan was done."),
        frozenset({C.IMAGING}),
        optional=True,
    ),
    Expected(
        _("Discharge summary or doctor's notes"),
        _("What the treating doctor wrote about the illness."),
        NOTES,
    ),
    Expected(
        _("Current prescription"),
        _("The medicines the patient takes now."),
        frozenset({C.PRESCRIPTION}),
    ),
)


def expected_reports(*, medical_area: str) -> tuple[Expected, ...]:
    return CANCER if medical_area == MedicalArea.CANCER else GENERAL


def checklist_for(*, case: Case, documents: Iterable[Document]) -> list[ChecklistLine]:
    """Each expected report with whether a document of a matching category was uploaded."""
    present = {document.category for document in documents}
    return [
        ChecklistLine(expected=item, present=bool(item.categories & present))
        for item in expected_reports(medical_area=case.medical_area)
    ]
