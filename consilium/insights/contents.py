"""What kinds of report a document turned out to hold, from what reading found in it.

The patient picks one category per file, but a single PDF often holds a blood count, a kidney
panel and a scan report; the checklist of expected reports ticks from these codes, so it says
what is really there and where. Codes only (a fixed vocabulary), never text from the report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from consilium.insights.labs import LabResult
from consilium.insights.oncology import OncologyFacts

BLOOD_COUNT = "blood_count"
KIDNEY = "kidney"
LIVER = "liver"
PATHOLOGY = "pathology"
IMAGING = "imaging"
NOTES = "notes"
PRESCRIPTION = "prescription"
CODES = (BLOOD_COUNT, KIDNEY, LIVER, PATHOLOGY, IMAGING, NOTES, PRESCRIPTION)

# LOINC codes of the analytes that make each panel, and how many must be read to call it there:
# one haemoglobin quoted in a letter is not a blood count.
PANELS: dict[str, tuple[frozenset[str], int]] = {
    BLOOD_COUNT: (frozenset({"718-7", "6690-2", "777-3", "789-8", "4544-3", "751-8"}), 2),
    KIDNEY: (frozenset({"2160-0", "3091-6", "3094-0", "33914-3", "62238-1"}), 1),
    LIVER: (frozenset({"1975-2", "1968-7", "1742-6", "1920-8", "6768-6", "1751-7", "2324-2"}), 2),
}

_MODALITY = re.compile(
    r"\b(?:CT|CECT|NCCT|HRCT|MRI|MR|PET|PET[- /]CT|PSMA|USG|ultrasound|ultrasonography|"
    r"sonography|doppler|x-?ray|radiograph\w*|mammogra\w*|scan)\b",
    re.I,
)
_READ_OUT = re.compile(r"\b(?:impression|findings|conclusion|opinion)\b", re.I)
_PATHOLOGY = re.compile(
    r"\b(?:histopatholog\w*|biopsy|microscop\w*|gross (?:description|examination)|"
    r"immunohistochem\w*|cytolog\w*|surgical pathology)\b",
    re.I,
)
_NOTES = re.compile(
    r"discharge summary|date of (?:admission|discharge)|course in (?:the )?hospital|"
    r"clinical notes?|operation notes?|operative (?:notes?|findings)|chief complaints?|"
    r"history of present illness|presenting complaints?|consultation notes?|referral",
    re.I,
)
_PRESCRIPTION = re.compile(
    r"(?:^|\s)(?:Rx|℞)\b|\b(?:tab|cap|syp|inj)\.?\s+[A-Z]|\b(?:OD|BD|TDS|QID|HS|SOS)\b", re.M
)


def report_contents(*, text: str, labs: Sequence[LabResult], oncology: OncologyFacts) -> set[str]:
    """The codes of the kinds of report the document holds."""
    found: set[str] = set()
    read = {lab.loinc for lab in labs}
    for code, (analytes, needed) in PANELS.items():
        if len(read & analytes) >= needed:
            found.add(code)
    if oncology.histology or oncology.biomarkers or _PATHOLOGY.search(text):
        found.add(PATHOLOGY)
    if _MODALITY.search(text) and _READ_OUT.search(text):
        found.add(IMAGING)
    if _NOTES.search(text):
        found.add(NOTES)
    if len(_PRESCRIPTION.findall(text)) >= 2:
        found.add(PRESCRIPTION)
    return found
