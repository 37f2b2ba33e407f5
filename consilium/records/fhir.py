"""The patient's whole record as one FHIR R4 document Bundle, in the shapes of the NRCeS (ABDM)
profiles: a root Composition first (a health document record listing everything), the Patient,
the reviewers as Practitioner + PractitionerRole, and per case a Condition for the diagnosis,
a DocumentReference per upload and per signed report, a DiagnosticReport with an Observation per
extracted lab (LOINC, UCUM), the Consent, and the opinion as an OPConsultation-style Composition.

Every resource is checked against the fhir.resources R4B models while the Bundle is built
(`Bundle.model_validate`); R4B is the package's model of R4 with the same shapes for every
resource used here. Every id is `urn:uuid:` of a UUID derived from the row's public id, so the
same record exported twice gives the same references.

The caller has decided that the reader may see the whole record and writes the audit event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from fhir.resources.R4B.bundle import Bundle

from consilium.cases.models import Case
from consilium.consent.models import ConsentSignature
from consilium.documents.models import Document
from consilium.insights.models import DocumentFact, FactKind
from consilium.patients.models import Patient, Sex
from consilium.records.selectors import ExportReviewer, opinion_sections, reviewers_of
from consilium.reports.models import Report

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
# The ABHA number's system as the NRCeS profiles' examples write it.
ABHA_SYSTEM = "https://healthid.ndhm.gov.in"
NAMESPACE = uuid.UUID("6f1d0c1e-8f0e-4c57-9f3a-3b0c5e1f2a9d")

# The units our lab reader normalises to, as UCUM codes (insights.labs.ANALYTES' units).
UCUM_UNITS: dict[str, str] = {
    "%": "%",
    "10^12/L": "10*12/L",
    "10^9/L": "10*9/L",
    "U/L": "U/L",
    "U/mL": "U/mL",
    "fL": "fL",
    "g/dL": "g/dL",
    "mIU/mL": "m[IU]/mL",
    "mL/min/1.73m²": "mL/min/{1.73_m2}",
    "mg/L": "mg/L",
    "mg/dL": "mg/dL",
    "mm/h": "mm/h",
    "mmol/L": "mmol/L",
    "ng/dL": "ng/dL",
    "ng/mL": "ng/mL",
    "pg": "pg",
    "pg/mL": "pg/mL",
    "s": "s",
    "µIU/mL": "u[IU]/mL",
    "µg/dL": "ug/dL",
}
# Our lab reader's flags as the v3 ObservationInterpretation codes.
INTERPRETATION: dict[str, tuple[str, str]] = {
    "low": ("L", "Low"),
    "high": ("H", "High"),
    "critical_low": ("LL", "Critical low"),
    "critical_high": ("HH", "Critical high"),
    "none": ("N", "Normal"),
}
GENDER = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.OTHER: "other"}

# The NRCeS OPConsultRecord sections (SNOMED CT), and what of the opinion goes in each.
OP_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("422843007", "Chief complaint section", "chief"),
    ("371529009", "History and physical report", "history"),
    ("404684003", "Clinical finding", "opinion"),
    ("721963009", "Order document", "investigations"),
    ("390906007", "Follow-up encounter", "follow_up"),
    ("371530004", "Clinical consultation report", "documents"),
)


def ref(key: str) -> str:
    """The `urn:uuid:` that names one resource in the Bundle."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, key)}"


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def _narrative(*paragraphs: str) -> dict[str, str]:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p) or "<p>—</p>"
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


@dataclass
class ZipFile:
    """A file the zip holds, named as the Bundle's attachments name it."""

    path: str
    size: int
    sha1_b64: str


@dataclass
class RecordFiles:
    """Where each file of the record sits in the zip (filled while the zip is written)."""

    documents: dict[int, ZipFile] = field(default_factory=dict)
    reports: dict[int, ZipFile] = field(default_factory=dict)
    consents: dict[int, ZipFile] = field(default_factory=dict)


class _Builder:
    def __init__(self, patient: Patient, files: RecordFiles, reviewers: dict[int, ExportReviewer]):
        self.patient = patient
        self.files = files
        self.reviewers = reviewers
        self.entries: list[dict[str, Any]] = []
        self.patient_ref = ref(f"patient:{patient.public_id}")

    def add(self, key: str, resource: dict[str, Any]) -> str:
        url = ref(key)
        self.entries.append({"fullUrl": url, "resource": resource})
        return url

    # --- who -----------------------------------------------------------------------------

    def patient_resource(self) -> None:
        p = self.patient
        identifiers: list[dict[str, Any]] = [
            {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{p.public_id}"}
        ]
        if p.abha_number:
            identifiers.append({
                "type": _coding(V2_0203, "MR", "Medical record number") | {"text": "ABHA number"},
                "system": ABHA_SYSTEM, "value": p.abha_number,
            })
        resource: dict[str, Any] = {
            "resourceType": "Patient",
            "text": _narrative(p.full_name),
            "identifier": identifiers,
            "name": [{"text": p.full_name}],
        }
        telecom = []
        if p.phone:
            telecom.append({"system": "phone", "value": p.phone, "use": "mobile"})
        if p.email:
            telecom.append({"system": "email", "value": p.email})
        if telecom:
            resource["telecom"] = telecom
        if p.sex in GENDER:
            resource["gender"] = GENDER[Sex(p.sex)]
        if p.date_of_birth:
            resource["birthDate"] = p.date_of_birth.isoformat()
        address = {k: v for k, v in {
            "text": ", ".join(x for x in (p.address, p.city, p.state, p.country) if x),
            "line": [p.address] if p.address else None,
            "city": p.city, "state": p.state, "country": p.country,
        }.items() if v}
        if address:
            resource["address"] = [address]
        self.add(f"patient:{p.public_id}", resource)

    def practitioner(self, reviewer: ExportReviewer) -> str:
        profile = reviewer.assignment.specialist
        key = f"practitioner:{profile.user.public_id}"
        url = ref(key)
        if any(e["fullUrl"] == url for e in self.entries):
            return url
        resource = {
            "resourceType": "Practitioner",
            "text": _narrative(reviewer.label, profile.qualifications),
            "identifier": [{
                "type": _coding(V2_0203, "MD", "Medical License number"),
                "value": profile.registration_number,
                "assigner": {"display": profile.registration_council},
            }],
            "name": [{"text": reviewer.label}],
            "qualification": [{"code": {"text": profile.qualifications}}],
        }
        self.add(key, resource)
        self.add(f"practitioner-role:{profile.user.public_id}", {
            "resourceType": "PractitionerRole",
            "practitioner": {"reference": url},
            "code": [{"text": "Reviewing specialist (second opinion)"}],
            "specialty": [{"text": profile.get_specialty_display()}],
        })
        return url

    # --- one case ------------------------------------------------------------------------

    def case(self, case: Case, sections: list[dict[str, Any]]) -> None:
        case_refs: list[str] = []
        condition = None
        if case.diagnosis_so_far:
            condition = self.add(f"condition:{case.public_id}", {
                "resourceType": "Condition",
                "text": _narrative(case.diagnosis_so_far),
                "clinicalStatus": _coding(
                    "http://terminology.hl7.org/CodeSystem/condition-clinical", "active",
                    "Active"),
                "category": [_coding(
                    "http://terminology.hl7.org/CodeSystem/condition-category",
                    "encounter-diagnosis", "Encounter Diagnosis")],
                "code": {"text": case.diagnosis_so_far},
                "subject": {"reference": self.patient_ref},
                "recordedDate": _instant(case.created_at),
            })
            case_refs.append(condition)
        documents = [d for d in case.documents.all() if d.pk in self.files.documents]
        document_refs = [self.document_reference(d) for d in documents]
        lab_refs = [r for r in (self.labs(d, document_ref) for d, document_ref in
                                zip(documents, document_refs, strict=True)) if r]
        consent_refs = [self.consent(c) for c in case.consents.all()
                        if c.pk in self.files.consents]
        report_refs = [self.report_reference(r) for r in case.reports.all()
                       if r.pk in self.files.reports]
        opinion = self.opinion(case, condition, document_refs, lab_refs, report_refs)
        sections.append({
            "title": f"Request {case.reference}",
            "code": _coding(SNOMED, "371530004", "Clinical consultation report"),
            "text": _narrative(
                f"Request {case.reference}: {case.get_status_display()}, "
                f"started {case.created_at:%d %b %Y}.", case.diagnosis_so_far),
            "entry": [{"reference": r} for r in
                      [*case_refs, *([opinion] if opinion else []), *document_refs, *lab_refs,
                       *consent_refs, *report_refs]],
        })

    def document_reference(self, document: Document) -> str:
        stored = self.files.documents[document.pk]
        return self.add(f"document:{document.public_id}", {
            "resourceType": "DocumentReference",
            "text": _narrative(document.original_name),
            "status": "current",
            "type": {"text": document.get_category_display()},
            "subject": {"reference": self.patient_ref},
            "date": _instant(document.created_at),
            "description": document.original_name,
            "content": [{"attachment": {
                "contentType": document.content_type, "url": stored.path, "size": stored.size,
                "hash": stored.sha1_b64, "title": document.original_name,
                "creation": _instant(document.created_at),
            }}],
        })

    def report_reference(self, report: Report) -> str:
        stored = self.files.reports[report.pk]
        return self.add(f"report:{report.public_id}", {
            "resourceType": "DocumentReference",
            "text": _narrative(f"Signed second-opinion report, version {report.version}"),
            "status": "current",
            "type": _coding(LOINC, "11488-4", "Consult note"),
            "subject": {"reference": self.patient_ref},
            "date": _instant(report.signed_at),
            "description": f"Signed second-opinion report, version {report.version}",
            "content": [{"attachment": {
                "contentType": "application/pdf", "url": stored.path, "size": stored.size,
                "hash": stored.sha1_b64, "title": report.filename,
                "creation": _instant(report.signed_at),
            }}],
        })

    def labs(self, document: Document, document_ref: str) -> str | None:
        facts: Iterable[DocumentFact] = document.facts.all()
        observations = []
        for fact in facts:
            if fact.kind != FactKind.LAB or fact.withheld:
                continue
            observations.append(self.observation(document, fact))
        if not observations:
            return None
        url = self.add(f"lab-report:{document.public_id}", {
            "resourceType": "DiagnosticReport",
            "text": _narrative(f"Lab results read from {document.original_name}"),
            "status": "final",
            "category": [_coding("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB",
                                 "Laboratory")],
            "code": _coding(LOINC, "11502-2", "Laboratory report"),
            "subject": {"reference": self.patient_ref},
            "issued": _instant(document.created_at),
            "result": [{"reference": o} for o in observations],
            "conclusion": (f"Read by {settings.SITE_NAME} from the uploaded report "
                           f"“{document.original_name}”; the report itself is authoritative."),
        })
        # The upload is the source the results were read from.
        for entry in self.entries:
            if entry["fullUrl"] == document_ref:
                entry["resource"]["context"] = {"related": [{"reference": url}]}
        return url

    def observation(self, document: Document, fact: DocumentFact) -> str:
        code: dict[str, Any] = ({"coding": [{"system": LOINC, "code": fact.code,
                                             "display": fact.name}], "text": fact.name}
                                if fact.code else {"text": fact.name})
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "text": _narrative(f"{fact.name}: {fact.printed or fact.value} {fact.unit}".strip()),
            "status": "final",
            "category": [_coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory",
                "Laboratory")],
            "code": code,
            "subject": {"reference": self.patient_ref},
            "issued": _instant(document.created_at),
        }
        if fact.number is not None:
            quantity: dict[str, Any] = {"value": fact.number, "unit": fact.unit}
            if fact.unit in UCUM_UNITS:
                quantity |= {"system": UCUM, "code": UCUM_UNITS[fact.unit]}
            if fact.comparator in {"<", "<=", ">=", ">"}:
                quantity["comparator"] = fact.comparator
            resource["valueQuantity"] = quantity
        elif fact.value:
            resource["valueString"] = fact.value
        if fact.flag in INTERPRETATION:
            code_, display = INTERPRETATION[fact.flag]
            resource["interpretation"] = [_coding(
                "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", code_,
                display)]
        if fact.reference_range:
            resource["referenceRange"] = [{"text": fact.reference_range}]
        if fact.page:
            resource["note"] = [{"text": f"Page {fact.page} of {document.original_name}"}]
        return self.add(f"observation:{document.public_id}:{fact.position}", resource)

    def consent(self, signature: ConsentSignature) -> str:
        stored = self.files.consents[signature.pk]
        text = signature.consent_text
        return self.add(f"consent:{signature.public_id}", {
            "resourceType": "Consent",
            "text": _narrative(f"{text.title} (version {text.version}), signed by "
                               f"{signature.signer_name}"),
            "status": "inactive" if signature.withdrawn_at else "active",
            "scope": _coding("http://terminology.hl7.org/CodeSystem/consentscope",
                             "patient-privacy", "Privacy Consent"),
            "category": [_coding(LOINC, "59284-0", "Patient Consent")],
            "patient": {"reference": self.patient_ref},
            "dateTime": _instant(signature.signed_at),
            "policyRule": {"text": f"{settings.SITE_NAME}: {text.title}, version {text.version}"},
            "sourceAttachment": {
                "contentType": "application/pdf", "url": stored.path, "size": stored.size,
                "hash": stored.sha1_b64, "title": text.title,
                "creation": _instant(signature.signed_at),
            },
            **({"provision": {"type": "deny",
                              "period": {"start": _instant(signature.withdrawn_at)}}}
               if signature.withdrawn_at else {}),
        })

    def opinion(self, case: Case, condition: str | None, document_refs: list[str],
                lab_refs: list[str], report_refs: list[str]) -> str | None:
        """The latest signed opinion as an OPConsultation-style Composition."""
        report = max((r for r in case.reports.all() if r.pk in self.files.reports),
                     key=lambda r: r.version, default=None)
        if report is None:
            return None
        content = opinion_sections(report=report)
        authors = [self.practitioner(self.reviewers[a.pk]) for a in content.assignments
                   if a.pk in self.reviewers]
        text_of = {
            "chief": [case.diagnosis_so_far, *(q for q, _a in content.questions)],
            "history": [case.symptoms, case.past_history, case.treatment_so_far],
            "opinion": [f"{s.title}: {s.text}" for s in content.sections if s.text],
            "investigations": [content.investigations],
            "follow_up": [f"{q} — {a}" for q, a in content.questions if a],
            "documents": [f"Signed report version {r.version}" for r in
                          case.reports.all() if r.pk in self.files.reports],
        }
        entries_of: dict[str, list[str]] = {
            "chief": [condition] if condition else [],
            "history": [],
            "opinion": [],
            "investigations": lab_refs,
            "follow_up": [],
            "documents": [*report_refs, *document_refs],
        }
        sections = []
        for code, display, name in OP_SECTIONS:
            texts = [t for t in text_of[name] if t]
            if not texts and not entries_of[name]:
                continue
            section: dict[str, Any] = {
                "title": display, "code": _coding(SNOMED, code, display),
                "text": _narrative(*texts),
            }
            if entries_of[name]:
                section["entry"] = [{"reference": r} for r in entries_of[name]]
            sections.append(section)
        return self.add(f"opinion:{report.public_id}", {
            "resourceType": "Composition",
            "text": _narrative(f"Second opinion on request {case.reference}, version "
                               f"{report.version}", content.summary),
            "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{report.public_id}"},
            "status": "final",
            "type": _coding(SNOMED, "371530004", "Clinical consultation report"),
            "subject": {"reference": self.patient_ref},
            "date": _instant(report.signed_at),
            "author": [{"reference": a} for a in authors] or [{"display": settings.SITE_NAME}],
            "title": "Consultation Report (second opinion)",
            **({"attester": [{"mode": "legal", "time": _instant(report.signed_at),
                              "party": {"reference": authors[0]}}]} if authors else {}),
            "custodian": {"display": settings.REPORT_ORGANISATION},
            "section": sections,
        })


def record_bundle(*, patient: Patient, files: RecordFiles, identifier: uuid.UUID,
                  now: dt.datetime | None = None) -> dict[str, Any]:
    """The FHIR document Bundle (as JSON-ready data) of the patient's record; validated with the
    R4B models. `files` says where each document, report and consent PDF sits in the zip."""
    now = now or timezone.now()
    cases = list(
        Case.objects.filter(patient=patient)
        .prefetch_related("documents__facts", "consents__consent_text", "reports", "questions")
        .order_by("created_at", "id")
    )
    reviewers = reviewers_of(cases=cases)
    builder = _Builder(patient, files, reviewers)
    builder.patient_resource()
    sections: list[dict[str, Any]] = []
    for case in cases:
        builder.case(case, sections)
    practitioners = [e["fullUrl"] for e in builder.entries
                     if e["resource"]["resourceType"] == "Practitioner"]
    if practitioners:
        sections.append({
            "title": "Reviewing specialists",
            "code": _coding(SNOMED, "405623001", "Assigned practitioner"),
            "text": _narrative(*(r.label for r in reviewers.values())),
            "entry": [{"reference": p} for p in practitioners],
        })
    root = {
        "fullUrl": ref(f"record:{identifier}"),
        "resource": {
            "resourceType": "Composition",
            "text": _narrative(f"Health record of {patient.full_name}, exported from "
                               f"{settings.SITE_NAME} on {now:%d %b %Y}."),
            "identifier": {"system": "urn:ietf:rfc:3986", "value": ref(f"record:{identifier}")},
            "status": "final",
            "type": _coding(SNOMED, "419891008", "Record artifact"),
            "subject": {"reference": builder.patient_ref},
            "date": _instant(now),
            "author": [{"display": settings.SITE_NAME}],
            "title": "Health record (all requests for a second opinion)",
            "custodian": {"display": settings.REPORT_ORGANISATION},
            "section": sections or [{"title": "No requests", "text": _narrative("—")}],
        },
    }
    data = {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{identifier}"},
        "type": "document",
        "timestamp": _instant(now),
        "entry": [root, *builder.entries],
    }
    Bundle.model_validate(data)
    return data
