"""A submitted case, a bench of specialists, released documents and complete opinions: the review
and report tests start from these. Loaded for every test by the root conftest (pytest_plugins)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from conftest import make_specialist, make_user
from consilium.accounts.models import Role, Specialty, User
from consilium.cases.models import Case, CaseStatus, ReviewType
from consilium.cases.services import case_submit
from consilium.cases.tests.conftest import make_complete_draft
from consilium.core.crypto import patient_data_key
from consilium.core.storage import encrypted_write_bytes
from consilium.documents.models import Document
from consilium.patients.models import Patient
from consilium.reports.models import Report
from consilium.review.models import Assignment, Opinion
from consilium.review.services import (
    assignment_accept,
    assignment_offer,
    opinion_save,
    opinion_submit,
)


def submitted(patient: Patient, review_type: str = ReviewType.SINGLE, **condition: Any) -> Case:
    case = make_complete_draft(patient, **condition)
    Case.objects.filter(pk=case.pk).update(review_type=review_type)
    case.refresh_from_db()
    case_submit(case=case, actor=patient.holder)
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE
    return case


@pytest.fixture
def submitted_case(patient: Patient) -> Case:
    return submitted(patient)


@pytest.fixture
def board_case(patient: Patient) -> Case:
    return submitted(patient, ReviewType.BOARD)


@pytest.fixture
def tumour_board(db: None) -> list[User]:
    """A medical, a surgical and a radiation oncologist."""
    return [
        make_specialist("medonc@example.com", Specialty.MEDICAL_ONCOLOGY),
        make_specialist("surgonc@example.com", Specialty.SURGICAL_ONCOLOGY),
        make_specialist("radonc@example.com", Specialty.RADIATION_ONCOLOGY),
    ]


def rendition_pdf(text_colour: str = "black") -> bytes:
    """A one-page image-only PDF, as the redaction pipeline makes."""
    image = Image.new("RGB", (200, 280), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PDF")
    return buffer.getvalue()


def release(document: Document, actor: User) -> Document:
    """Gives a document a specialist rendition and releases it (setup for the review side; the
    real rendition and release belong to the documents pipeline)."""
    key, _size, sha256 = encrypted_write_bytes(
        data=rendition_pdf(), data_key=patient_data_key(patient=document.case.patient)
    )
    Document.objects.filter(pk=document.pk).update(
        rendition_storage_key=key, rendition_sha256=sha256, released_at=timezone.now(),
        released_by=actor,
    )
    document.refresh_from_db()
    return document


def complete_opinion(case: Case, **overrides: str) -> dict[str, str]:
    data = {
        "assessment": "confirmed",
        "assessment_explanation": "The biopsy and imaging support invasive ductal carcinoma.",
        "stage_or_severity": "Stage IIA",
        "recommended_treatment": "Breast-conserving surgery followed by radiotherapy.",
        "alternatives": "Mastectomy: fewer radiotherapy visits, a larger operation.",
        "further_investigations": "HER2 by IHC on the core biopsy.",
        "clinical_trial": "consider",
        "clinical_trial_note": "Ask about adjuvant trials at a regional cancer centre.",
        "lifestyle_advice": "Keep active; stop smoking.",
        "urgency": "soon",
        "patient_summary": "The diagnosis is right and the plan your doctors suggest is sound.",
    }
    for question in case.questions.all():
        data[f"answer_{question.position}"] = f"Answer to question {question.position}."
    data.update(overrides)
    return data


def panel_agreement(value: str = "agree") -> dict[str, str]:
    """The lead's answer, for every section, to "does the panel agree on it?"."""
    from consilium.review.selectors import SECTIONS

    return {f"agree_{name}": value for name, _note in SECTIONS}


def accept_all(assignments: list[Assignment]) -> None:
    for assignment in assignments:
        assignment_accept(assignment=assignment, actor=assignment.specialist.user)


def write_and_submit(assignment: Assignment, **overrides: str) -> Opinion:
    assignment.refresh_from_db()
    opinion = Opinion.objects.get(assignment=assignment)
    user = assignment.specialist.user
    opinion_save(opinion=opinion, actor=user,
                 data=complete_opinion(assignment.review.case, **overrides))
    return opinion_submit(opinion=opinion, actor=user)


def offer(
    case: Case, coordinator: User, specialists: list[User], **kwargs: Any
) -> list[Assignment]:
    return assignment_offer(
        case=case, actor=coordinator,
        specialists=[s.specialist_profile for s in specialists], **kwargs,
    )


@pytest.fixture
def coordinators(coordinator: User) -> list[User]:
    return [coordinator, make_user("coordinator2@example.com", Role.COORDINATOR)]


@pytest.fixture
def reported_case(
    submitted_case: Case, coordinator: User, specialist: User,
    django_capture_on_commit_callbacks: Any,
) -> Case:
    """A case whose single specialist has submitted: its signed report exists and was sent."""
    [seat] = offer(submitted_case, coordinator, [specialist])
    accept_all([seat])
    with django_capture_on_commit_callbacks(execute=True):
        write_and_submit(seat)
    submitted_case.refresh_from_db()
    return submitted_case


@pytest.fixture
def report(reported_case: Case) -> Report:
    return Report.objects.get(case=reported_case)
