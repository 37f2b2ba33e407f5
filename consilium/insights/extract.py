"""One document in, its facts out: reading, de-identification and every extractor in one pass.

No database and no web request: the documents pipeline and the command line both call
`extract_document`, so what a coordinator sees is what `python -m consilium.insights extract`
prints.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from consilium.insights.deid import Finding, KnownIdentity, detect, redact
from consilium.insights.labs import LabResult, extract_labs
from consilium.insights.oncology import OncologyFacts, extract_oncology
from consilium.insights.reading import Page, read_document
from consilium.insights.urgency import UrgentReason, urgent_reasons
from consilium.insights.workup import Missing, asked_by_report, missing_investigations

PAGE_BREAK = "\n\f\n"  # pages of the de-identified text are joined with a form feed

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
}


@dataclass
class Extraction:
    pages: list[Page]
    redacted_pages: list[str]
    findings: list[dict[str, Any]]
    labs: list[LabResult]
    oncology: OncologyFacts
    missing: list[Missing]
    urgent: list[UrgentReason]
    seconds: dict[str, float] = field(default_factory=dict)
    recommended: list[Missing] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `python -m consilium.insights extract FILE --json`."""
        sources: dict[str, int] = {}
        for page in self.pages:
            sources[page.source] = sources.get(page.source, 0) + 1
        return {
            "text": PAGE_BREAK.join(self.redacted_pages),
            "labs": [
                {
                    "name": lab.name,
                    "value": lab.value,
                    "unit": lab.unit,
                    "reference_range": lab.reference_range,
                    "reference_source": lab.reference_source,
                    "flag": lab.flag,
                    "loinc": lab.loinc,
                    "page": lab.page,
                }
                for lab in self.labs
            ],
            # Every biomarker with what the report asserts of it; the status is empty unless the
            # report states a result ("recommended", "not_tested", "historical", "family").
            "biomarkers": [
                {
                    k: v
                    for k, v in b.as_dict().items()
                    if v not in ("", None) or k in ("page", "status")
                }
                for b in self.oncology.biomarkers
            ],
            "oncology": self.oncology.as_dict(),
            "findings": self.findings,
            "missing_investigations": [m.as_dict() for m in self.missing],
            "recommended_by_report": [m.as_dict() for m in self.recommended],
            "urgent": [r.reason for r in self.urgent],
            "pages": {
                "count": len(self.pages),
                "source": sources,
                "detail": [
                    {
                        "number": p.number,
                        "source": p.source,
                        "rotation": p.rotation,
                        "skew": p.skew,
                        "words": len(p.words),
                    }
                    for p in self.pages
                ],
            },
            "seconds": self.seconds,
        }


@dataclass
class Facts:
    labs: list[LabResult]
    oncology: OncologyFacts
    missing: list[Missing]  # the condition's minimum work-up the documents do not show
    urgent: list[UrgentReason]
    # Tests the report itself recommends or says were not done, beyond the work-up above.
    recommended: list[Missing] = field(default_factory=list)


def deidentify_page(page: Page, *, known: KnownIdentity | None = None) -> list[Finding]:
    """The identifiers on one page, as sorted character spans of `page.text`."""
    return detect(page.text, known=known)


def extract_facts(pages: list[Page]) -> Facts:
    """Every extractor over pages already read. Facts come from the original text: a marker
    such as "[DATE]" must not split a table row, and none of the extracted fields is an
    identifier (names of analytes and markers, numbers, a fixed vocabulary of tumour terms)."""
    labs = extract_labs(pages)
    oncology = extract_oncology(pages)
    full_text = "\n".join(page.text for page in pages)
    missing = missing_investigations(facts=oncology, labs=labs, text=full_text)
    recommended = asked_by_report(facts=oncology, missing=missing)
    urgent = urgent_reasons(pages=[(p.number, p.text) for p in pages], labs=labs)
    return Facts(
        labs=labs, oncology=oncology, missing=missing, urgent=urgent, recommended=recommended
    )


def extract_pages(pages: list[Page], *, known: KnownIdentity | None = None) -> Extraction:
    """Runs de-identification and every extractor over pages already read."""
    started = time.perf_counter()
    findings: list[dict[str, Any]] = []
    redacted: list[str] = []
    for page in pages:
        page_findings = deidentify_page(page, known=known)
        findings.extend(
            {"type": f.type, "text": f.text, "page": page.number} for f in page_findings
        )
        redacted.append(redact(page.text, page_findings))
    facts = extract_facts(pages)
    return Extraction(
        pages=pages,
        redacted_pages=redacted,
        findings=findings,
        labs=facts.labs,
        oncology=facts.oncology,
        missing=facts.missing,
        urgent=facts.urgent,
        seconds={"extract": round(time.perf_counter() - started, 4)},
        recommended=facts.recommended,
    )


def extract_document(
    data: bytes | IO[bytes] | Path, content_type: str, *, known: KnownIdentity | None = None
) -> Extraction:
    """Reads a PDF or image and extracts its facts."""
    started = time.perf_counter()
    pages = read_document(data, content_type)
    read_seconds = time.perf_counter() - started
    result = extract_pages(pages, known=known)
    result.seconds["read"] = round(read_seconds, 4)
    return result


def content_type_for(path: Path, head: bytes = b"") -> str:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
