"""Which reports the specialists expect for a case, and which of them are there.

A line is ticked from what reading found in the files (insights.contents: a blood count is there
when its analytes were read), naming the report it was found in, whatever category the patient
chose. The category only says where to look while a file is still being read, or when reading
could not confirm it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from consilium.cases.models import Case, MedicalArea
from consilium.documents.models import Document, DocumentCategory, DocumentStatus
from consilium.insights import contents as found
from consilium.insights.models import DocumentFact, FactKind

C = DocumentCategory
NOTES = frozenset({C.DISCHARGE, C.CLINICAL_NOTES, C.OPERATION_NOTES})


@dataclass(frozen=True)
class Expected:
    label: str | Promise
    hint: str | Promise
    categories: frozenset[str]
    optional: bool = False
    # The kinds of report (insights.contents codes) any one of which reading must find.
    contents: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ChecklistLine:
    expected: Expected
    # "found": reading found it (in the reports `found_in`); "reading": not yet, a file of that
    # kind is still being read; "unconfirmed": a file was uploaded as that kind but reading did
    # not find it there (unreadable, or another report); "missing": nothing of the kind.
    state: str
    found_in: tuple[int, ...] = ()
    uploaded_as: tuple[int, ...] = ()

    @property
    def present(self) -> bool:
        return self.state == "found"


CANCER: tuple[Expected, ...] = (
    Expected(
        _("Biopsy or pathology report"),
        _("With the IHC or receptor tests (for example ER, PR, HER2, PD-L1) if they were done."),
        frozenset({C.PATHOLOGY}),
        contents=frozenset({found.PATHOLOGY}),
    ),
    Expected(
        _("Scans: CT, MRI or PET-CT"),
        _("The written report of each scan; the most recent first."),
        frozenset({C.IMAGING}),
        contents=frozenset({found.IMAGING}),
    ),
    Expected(
        _("A recent complete blood count (CBC)"),
        _("From the last four weeks if you have one."),
        frozenset({C.LAB}),
        contents=frozenset({found.BLOOD_COUNT}),
    ),
    Expected(
        _("Kidney function tests"),
        _("Often called KFT or RFT: creatinine, urea."),
        frozenset({C.LAB}),
        contents=frozenset({found.KIDNEY}),
    ),
    Expected(
        _("Liver function tests"),
        _("Often called LFT: bilirubin, SGOT, SGPT."),
        frozenset({C.LAB}),
        contents=frozenset({found.LIVER}),
    ),
    Expected(
        _("Treatment notes"),
        _("Discharge summary, the doctor's clinical notes, or operation notes."),
        NOTES,
        contents=frozenset({found.NOTES}),
    ),
)

GENERAL: tuple[Expected, ...] = (
    Expected(
        _("Recent blood tests"),
        _("The latest results your doctor asked for."),
        frozenset({C.LAB}),
        contents=frozenset({found.BLOOD_COUNT, found.KIDNEY, found.LIVER}),
    ),
    Expected(
        _("Scan or X-ray reports, if any were done"),
        _("Skip this if no scan was done."),
        frozenset({C.IMAGING}),
        optional=True,
        contents=frozenset({found.IMAGING}),
    ),
    Expected(
        _("Discharge summary or doctor's notes"),
        _("What the treating doctor wrote about the illness."),
        NOTES,
        contents=frozenset({found.NOTES}),
    ),
    Expected(
        _("Current prescription"),
        _("The medicines the patient takes now."),
        frozenset({C.PRESCRIPTION}),
        contents=frozenset({found.PRESCRIPTION}),
    ),
)


def expected_reports(*, medical_area: str) -> tuple[Expected, ...]:
    return CANCER if medical_area == MedicalArea.CANCER else GENERAL


def checklist_for(*, case: Case, documents: Iterable[Document]) -> list[ChecklistLine]:
    """Each expected report with where reading found it (one query for every document)."""
    listed = list(documents)
    ordinals = {document.pk: number for number, document in enumerate(listed, start=1)}
    holds: dict[int, set[str]] = {}
    for document_id, code in DocumentFact.objects.filter(
        document_id__in=list(ordinals), kind=FactKind.CONTENTS
    ).values_list("document_id", "name"):
        holds.setdefault(document_id, set()).add(code)
    lines = []
    for item in expected_reports(medical_area=case.medical_area):
        found_in = tuple(
            ordinals[d.pk] for d in listed if holds.get(d.pk, set()) & item.contents
        )
        uploaded_as = tuple(ordinals[d.pk] for d in listed if d.category in item.categories)
        reading = any(
            d.status in (DocumentStatus.UPLOADED, DocumentStatus.PROCESSING) for d in listed
        )
        if found_in:
            state = "found"
        elif reading:
            state = "reading"
        elif uploaded_as:
            state = "unconfirmed"
        else:
            state = "missing"
        lines.append(ChecklistLine(expected=item, state=state, found_in=found_in,
                                   uploaded_as=uploaded_as))
    return lines
