"""Drafting the referral summary from the intake and the facts read from the reports.

Pure functions over plain data (no database, no files), so a draft can be checked line by line in
a test. The content is a JSON-ready dict; every fact carries its source: the document's public id
and the page. The patient appears only as an age band and a sex; free text from the intake goes
through the same de-identification as the reports, with the patient's registered identity.
Documents are named by their place in the case and their kind, never by their file name (a
patient often names the file after themselves).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.utils.translation import gettext as _

from consilium.insights.deid import Finding, KnownIdentity, detect
from consilium.insights.deid.timeline import redact_with_timeline
from consilium.insights.labs import LabResult
from consilium.insights.oncology import Assertion, Biomarker, OncologyFacts, Status
from consilium.insights.urgency import finding_reason, unread_critical_reason
from consilium.insights.workup import asked_by_report, missing_investigations, shows_cancer

CONTENT_VERSION = 1
TUMOUR_FIELDS = ("type", "site", "histology", "grade", "tnm", "stage")
TEXT_SECTIONS = ("history", "diagnosis", "treatment_so_far", "treatment_planned", "note")
# "uncertain": a value the reader could not check (its printed range fits no scale): listed for
# the coordinator to check on the page, never counted among the normal results.
# "unread": a value OCR may have misread (labs.LabResult.withheld): the test is listed with its
# page and without the value, for the coordinator to read it there.
FLAG_ORDER = {
    "critical_high": 0,
    "critical_low": 0,
    "high": 1,
    "low": 1,
    "uncertain": 2,
    "unread": 2,
}


@dataclass(frozen=True)
class Fact:
    """One row of the fact table, as plain data."""

    kind: str
    name: str
    page: int | None
    value: str = ""
    number: float | None = None
    code: str = ""
    unit: str = ""
    reference_range: str = ""
    reference_source: str = ""
    flag: str = ""
    comparator: str = ""
    detail: str = ""
    method: str = ""
    assertion: str = ""
    vaf: str = ""
    origin: str = ""
    printed: str = ""
    printed_range: str = ""
    uncertain: bool = False
    note: str = ""
    withheld: bool = False


@dataclass(frozen=True)
class SourceDocument:
    public_id: str
    ordinal: int  # 1-based place in the case
    category: str  # the kind's label, e.g. "Pathology or biopsy report"
    text: str  # the text read from it (original, for the work-up checks only; never copied)
    facts: Sequence[Fact] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return _("Report %(number)s (%(kind)s)") % {"number": self.ordinal, "kind": self.category}


@dataclass(frozen=True)
class Intake:
    """What the patient told us, as the cases app stores it."""

    date_of_birth: dt.date | None
    sex: str
    medical_area: str
    diagnosis_so_far: str
    symptoms: str
    symptom_timeline: str
    past_history: str
    allergies: str
    current_medicines: str
    treatment_so_far: str
    treatment_planned: str
    questions: Sequence[str]
    red_flag_labels: Sequence[str]


def age_band(date_of_birth: dt.date | None, today: dt.date) -> str:
    """Ten-year bands for adults, narrower for children (dose and disease differ), and one band
    from 90 (an exact great age identifies people)."""
    if date_of_birth is None:
        return ""
    age = (
        today.year
        - date_of_birth.year
        - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    )
    if age < 1:
        return _("under 1 year")
    if age >= 90:
        return _("90 or older")
    if age < 18:
        low, high = next((lo, hi) for lo, hi in ((1, 4), (5, 9), (10, 14), (15, 17)) if age <= hi)
    elif age < 30:
        low, high = 18, 29
    else:
        low, high = age // 10 * 10, age // 10 * 10 + 9
    return _("%(low)s–%(high)s years") % {"low": low, "high": high}


def deidentify_text(
    text: str, known: KnownIdentity | None, anchor: dt.date | None = None
) -> tuple[str, int]:
    """Free text with identifiers masked, and how many were masked. Findings of one kind with
    only spaces between them read as one marker ("[NAME]", not "[NAME] [NAME]"); with the case's
    anchor, dates read as days from it ("[day −18]")."""
    text = text or ""
    findings: list[Finding] = []
    for finding in detect(text, known=known):
        last = findings[-1] if findings else None
        if last and last.type == finding.type and not text[last.end : finding.start].strip():
            findings[-1] = Finding(
                last.type, last.start, finding.end, text[last.start : finding.end]
            )
        else:
            findings.append(finding)
    return redact_with_timeline(text, findings, anchor=anchor), len(findings)


def _source(document: SourceDocument, page: int | None) -> dict[str, Any]:
    return {"document": document.public_id, "page": page}


def _lab_of(fact: Fact) -> LabResult:
    return LabResult(
        name=fact.name,
        loinc=fact.code,
        value=fact.number or 0.0,
        unit=fact.unit,
        reference_range=fact.reference_range,
        reference_source=fact.reference_source or "none",  # type: ignore[arg-type]
        flag=fact.flag or "none",  # type: ignore[arg-type]
        page=fact.page,
        comparator=fact.comparator,
        printed=fact.printed,
        printed_range=fact.printed_range,
        uncertain=fact.uncertain,
        note=fact.note,
        withheld=fact.withheld,
    )


def _history(intake: Intake) -> str:
    parts = [
        (_("Symptoms"), intake.symptoms),
        (_("How it started and changed"), intake.symptom_timeline),
        (_("Past illnesses and operations"), intake.past_history),
        (_("Allergies"), intake.allergies),
        (_("Current medicines"), intake.current_medicines),
    ]
    return "\n".join(f"{label}: {' '.join(text.split())}" for label, text in parts if text.strip())


def summary_draft(
    *,
    intake: Intake,
    documents: Sequence[SourceDocument],
    known: KnownIdentity | None,
    today: dt.date,
    sex_label: str = "",
    anchor: dt.date | None = None,
) -> dict[str, Any]:
    """The drafted content: patient (age band, sex), free-text sections, questions, tumour facts,
    biomarkers found and missing, abnormal labs, urgency, and the documents they came from."""
    sections = {
        "history": _history(intake),
        "diagnosis": intake.diagnosis_so_far.strip(),
        "treatment_so_far": intake.treatment_so_far.strip(),
        "treatment_planned": intake.treatment_planned.strip(),
        "note": "",
    }
    masked = 0
    for name, text in sections.items():
        sections[name], count = deidentify_text(text, known, anchor)
        masked += count
    questions = []
    for question in intake.questions:
        text, count = deidentify_text(question, known, anchor)
        masked += count
        questions.append(text)

    tumour: list[dict[str, Any]] = []
    biomarkers: list[dict[str, Any]] = []
    family: list[dict[str, Any]] = []
    labs: list[dict[str, Any]] = []
    urgency: list[dict[str, Any]] = []
    seen_tumour: set[tuple[str, str]] = set()
    seen_markers: set[tuple[str, str, str, str, str]] = set()
    all_labs: list[LabResult] = []
    all_markers: list[Biomarker] = []
    merged = OncologyFacts()
    normal_labs = 0
    for document in documents:
        for fact in document.facts:
            if fact.kind == "tumour" and fact.name in TUMOUR_FIELDS:
                if not getattr(merged, "cancer_type" if fact.name == "type" else fact.name):
                    setattr(merged, "cancer_type" if fact.name == "type" else fact.name, fact.value)
                if (fact.name, fact.value) not in seen_tumour:
                    seen_tumour.add((fact.name, fact.value))
                    tumour.append(
                        {
                            "field": fact.name,
                            "value": fact.value,
                            "source": _source(document, fact.page),
                            "include": True,
                        }
                    )
            elif fact.kind == "biomarker":
                assertion = cast(Assertion, fact.assertion or "stated")
                # The row holds what a Biomarker was built with: its status and assertion are
                # the same literals, kept as text.
                all_markers.append(
                    Biomarker(
                        fact.name,
                        cast(Status, fact.value),
                        fact.detail,
                        fact.method,
                        fact.page,
                        assertion=assertion,
                        vaf=fact.vaf,
                        origin=fact.origin,
                    )
                )
                # Only a result the report states is a finding; what it recommends or says was
                # not done is in the work-up lists below, never here.
                target = {"stated": biomarkers, "historical": biomarkers, "family": family}.get(
                    assertion
                )
                key = (fact.name, fact.value, fact.detail, fact.method, assertion)
                if (
                    target is not None
                    and key not in seen_markers
                    and (fact.value or fact.detail or target is family)
                ):
                    seen_markers.add(key)
                    target.append(
                        {
                            "name": fact.name,
                            "status": fact.value,
                            "value": fact.detail,
                            "method": fact.method,
                            "vaf": fact.vaf,
                            "origin": fact.origin,
                            "earlier": assertion == "historical",
                            "source": _source(document, fact.page),
                            "include": True,
                        }
                    )
            elif fact.kind == "lab" and fact.withheld:
                # Never its value: OCR may have misread it. The test and its page are listed,
                # and a value that read as critical still raises the alarm, without the number.
                all_labs.append(_lab_of(fact))
                labs.append(
                    {
                        "name": fact.name,
                        "value": "",
                        "comparator": "",
                        "unit": "",
                        "reference_range": "",
                        "flag": "unread",
                        "source": _source(document, fact.page),
                        "printed": "",
                        "printed_range": "",
                        "note": "",
                        "withheld": True,
                        "include": True,
                    }
                )
                if fact.flag.startswith("critical"):
                    urgency.append(
                        {
                            "kind": "lab",
                            "text": unread_critical_reason(fact.name, fact.flag),
                            "source": _source(document, fact.page),
                            "include": True,
                        }
                    )
            elif fact.kind == "lab":
                all_labs.append(_lab_of(fact))
                flag = (
                    fact.flag
                    if fact.flag in FLAG_ORDER
                    else ("uncertain" if fact.uncertain else "")
                )
                if flag:
                    labs.append(
                        {
                            "name": fact.name,
                            "value": fact.value,
                            "comparator": fact.comparator,
                            "unit": fact.unit,
                            "reference_range": fact.reference_range,
                            "flag": flag,
                            "source": _source(document, fact.page),
                            "printed": fact.printed,
                            "printed_range": fact.printed_range,
                            "note": fact.note,
                            "include": True,
                        }
                    )
                    if fact.flag.startswith("critical"):
                        template = (
                            _("%(name)s %(value)s %(unit)s is critically low")
                            if fact.flag == "critical_low"
                            else _("%(name)s %(value)s %(unit)s is critically high")
                        )
                        urgency.append(
                            {
                                "kind": "lab",
                                "text": template
                                % {"name": fact.name, "value": fact.value, "unit": fact.unit},
                                "source": _source(document, fact.page),
                                "include": True,
                            }
                        )
                else:
                    normal_labs += 1
            elif fact.kind == "urgent":
                urgency.append(
                    {
                        "kind": "finding",
                        "text": finding_reason(fact.name),
                        "source": _source(document, fact.page),
                        "include": True,
                    }
                )
    labs.sort(key=lambda lab: FLAG_ORDER[lab["flag"]])
    merged.biomarkers = all_markers
    # A case filed under cancer is checked against the cancer work-up even before a report
    # states the diagnosis; any other case only when its reports state a cancer.
    cancer = True if intake.medical_area == "cancer" else shows_cancer(merged)
    work_up = missing_investigations(
        facts=merged, labs=all_labs, text="\n".join(d.text for d in documents), cancer=cancer
    )
    asked = asked_by_report(facts=merged, missing=work_up)
    for label in intake.red_flag_labels:
        urgency.append(
            {
                "kind": "intake",
                "text": _("The patient reports: %(flag)s") % {"flag": label},
                "source": None,
                "include": True,
            }
        )
    return {
        "version": CONTENT_VERSION,
        "patient": {"age_band": age_band(intake.date_of_birth, today), "sex": sex_label},
        "medical_area": intake.medical_area,
        "sections": sections,
        "questions": questions,
        "tumour": tumour,
        "biomarkers": biomarkers,
        "family": family,
        "missing": [{"item": m.item, "why": m.why, "include": True} for m in work_up],
        "work_up_checked": cancer,
        "asked": [{"item": m.item, "why": m.why, "include": True} for m in asked],
        "labs": labs,
        "normal_labs": normal_labs,
        "urgency": urgency,
        "documents": [
            {"id": d.public_id, "label": d.label, "ordinal": d.ordinal} for d in documents
        ],
        "masked": masked,
    }


def cited_documents(content: dict[str, Any]) -> set[str]:
    """The public ids of the documents an included fact of the content comes from."""
    cited: set[str] = set()
    for section in ("tumour", "biomarkers", "family", "labs", "urgency"):
        for item in content.get(section, []):
            source = item.get("source")
            if item.get("include", True) and source:
                cited.add(source["document"])
    return cited


def row_text(section: str, item: dict[str, Any]) -> str:
    """A drafted row's finding in words, as the summary shows it ("positive (90%) · IHC"), so a
    coordinator's correction can be shown beside exactly what was drafted."""
    if section == "tumour":
        return str(item.get("value", ""))
    if section in ("biomarkers", "family"):
        if item.get("status") in ("value", ""):
            text = str(item.get("value", ""))
        else:
            text = str(item.get("status", ""))
            if item.get("value"):
                text += f" ({item['value']})"
        extras = [item.get("method", ""), item.get("origin", "")]
        if item.get("vaf"):
            extras.append(_("VAF %(vaf)s") % {"vaf": item["vaf"]})
        if item.get("earlier"):
            extras.append(_("from an earlier report"))
        if not text and section == "family":
            text = _("named in a relative's history")
        return " · ".join([text, *(e for e in extras if e)])
    if section == "labs":
        if item.get("withheld"):
            return _("not shown: it may have been misread")
        text = f"{item.get('comparator', '')}{item.get('value', '')} {item.get('unit', '')}".strip()
        printed = " ".join(str(item.get("printed", "")).split())
        if printed and printed.replace(" ", "") != text.replace(" ", ""):
            # The page's own spelling beside the normalised value ("210 10^9/L", printed
            # "2.1 lakhs/cumm"), so the coordinator can find it on the page.
            text += " " + _("(printed: %(printed)s)") % {"printed": printed}
        return text
    if section in ("missing", "asked"):
        return str(item.get("item", ""))
    return str(item.get("text", ""))
