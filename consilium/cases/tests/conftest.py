"""Cases in the states the tests need, built through the services or, for the other apps' rows
(reports, consent, payment), directly with their models."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from consilium.billing.models import Payment, PaymentStatus
from consilium.cases.models import Case, MedicalArea
from consilium.cases.services import case_create, case_save_condition, case_set_questions
from consilium.consent.models import ConsentSignature, ConsentText
from consilium.documents.models import Document
from consilium.patients.models import Patient


def add_document(case: Case) -> Document:
    return Document.objects.create(
        case=case, uploaded_by=case.patient.holder, category="imaging",
        original_name="ct-report.pdf", content_type="application/pdf", size=1234,
        sha256="0" * 64, storage_key=f"test/{uuid.uuid4()}",
    )


def add_consent(case: Case) -> ConsentSignature:
    text, _ = ConsentText.objects.get_or_create(
        version=1, language="en",
        defaults={"title": "Consent", "body": "I agree.", "is_active": True,
                  "published_at": timezone.now()},
    )
    return ConsentSignature.objects.create(
        case=case, consent_text=text, signer=case.patient.holder,
        signer_name=case.patient.holder.full_name, relationship="self", signed_at=timezone.now(),
    )


def add_payment(case: Case) -> Payment:
    return Payment.objects.create(
        case=case, provider="offline", review_type="single", amount=Decimal("2500.00"),
        currency="INR", status=PaymentStatus.PAID, paid_at=timezone.now(),
    )


def make_complete_draft(patient: Patient, **condition: Any) -> Case:
    holder = patient.holder
    case = case_create(patient=patient, actor=holder)
    case_save_condition(
        case=case, actor=holder,
        data={"medical_area": MedicalArea.CANCER,
              "diagnosis_so_far": "Carcinoma of the left breast, stage II", **condition},
    )
    case_set_questions(case=case, actor=holder, texts=["Is surgery needed first?"])
    add_document(case)
    add_consent(case)
    add_payment(case)
    return case


@pytest.fixture
def draft(patient: Patient) -> Case:
    return case_create(patient=patient, actor=patient.holder)


@pytest.fixture
def complete_draft(patient: Patient) -> Case:
    return make_complete_draft(patient)


def born_years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=1)


def count_queries(fn: Any) -> int:
    """How many queries `fn()` runs (savepoints included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)
