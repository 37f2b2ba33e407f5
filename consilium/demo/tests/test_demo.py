"""The demo data: every role can sign in with the printed password (staff with a printed backup
code), the specialists have full profiles, and seeding again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from consilium.accounts.models import Role, SpecialistProfile, Specialty, User
from consilium.audit.models import AuditEvent
from consilium.cases.models import Case, CaseStatus
from consilium.demo.seeding import (
    ADMIN_EMAIL,
    DEMO_BACKUP_CODES,
    DEMO_PASSWORD,
    PATIENT_EMAIL,
)

pytestmark = pytest.mark.django_db

REQUIRED_SPECIALTIES = {
    Specialty.MEDICAL_ONCOLOGY, Specialty.SURGICAL_ONCOLOGY, Specialty.RADIATION_ONCOLOGY,
    Specialty.PATHOLOGY, Specialty.RADIOLOGY, Specialty.CARDIOLOGY, Specialty.NEUROLOGY,
    Specialty.ORTHOPAEDICS, Specialty.ENDOCRINOLOGY, Specialty.GASTROENTEROLOGY,
}


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _sign_in(client: Client, email: str) -> str:
    response = client.post(reverse("accounts:login"), {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, "the demo password is accepted"
    return str(response["Location"])


def test_seeding_creates_an_admin_two_coordinators_and_a_patient() -> None:
    output = _seed()
    assert User.objects.get(email=ADMIN_EMAIL).role == Role.ADMIN
    assert User.objects.get(email=ADMIN_EMAIL).is_superuser
    assert User.objects.filter(role=Role.COORDINATOR).count() == 2
    assert User.objects.get(email=PATIENT_EMAIL).role == Role.PATIENT
    assert DEMO_PASSWORD in output


def test_the_demo_specialists_are_verified_with_full_profiles_in_every_required_specialty() -> None:
    _seed()
    profiles = list(SpecialistProfile.objects.select_related("user"))
    assert len(profiles) >= 12
    assert {p.specialty for p in profiles} >= REQUIRED_SPECIALTIES
    for profile in profiles:
        assert profile.is_verified
        assert profile.qualifications.startswith("MBBS")
        assert "Medical Commission" in profile.registration_council or (
            "Medical Council" in profile.registration_council
        )
        assert profile.registration_number
        assert "English" in profile.languages
        assert profile.years_experience >= 10
        assert profile.sub_specialties
        assert profile.hospital
        assert profile.capacity > 0


def test_the_demo_patient_has_a_half_finished_draft_case() -> None:
    _seed()
    case = Case.objects.get(patient__holder__email=PATIENT_EMAIL)
    assert case.status == CaseStatus.DRAFT
    assert case.reference.startswith("CN-")
    assert case.patient.date_of_birth is not None
    assert case.medical_area == "cancer"
    assert case.diagnosis_so_far
    assert case.allergies and case.current_medicines
    assert not case.treatment_so_far, "the history is only partly filled"
    assert case.questions.count() == 3
    assert not case.consents.exists()
    assert not case.payments.exists()


def test_the_demo_case_has_a_generated_biopsy_report_stored_encrypted() -> None:
    from consilium.documents.models import Document

    _seed()
    document = Document.objects.get(case__patient__holder__email=PATIENT_EMAIL)
    assert document.category == "pathology"
    assert document.content_type == "application/pdf"
    assert document.original_name == "biopsy-report.pdf"
    assert document.size > 0


def test_seeding_twice_changes_nothing() -> None:
    _seed()
    from consilium.documents.models import Document

    def counts() -> tuple[int, ...]:
        return (
            User.objects.count(), SpecialistProfile.objects.count(), Case.objects.count(),
            Document.objects.count(),
        )

    before = counts()
    references = sorted(Case.objects.values_list("reference", flat=True))
    _seed()
    assert counts() == before
    assert sorted(Case.objects.values_list("reference", flat=True)) == references
    assert StaticToken.objects.filter(device__user__email=ADMIN_EMAIL).count() == len(
        DEMO_BACKUP_CODES
    )


def test_the_demo_password_meets_the_password_rules() -> None:
    validate_password(DEMO_PASSWORD)


def test_the_demo_patient_signs_in_with_the_printed_password(client: Client) -> None:
    _seed()
    _sign_in(client, PATIENT_EMAIL)
    assert client.get(reverse("notifications:list")).status_code == 200


def test_a_demo_coordinator_passes_two_factor_with_a_printed_backup_code(client: Client) -> None:
    _seed()
    email = "coordinator@demo.consilium.local"
    _sign_in(client, email)
    assert client.get(reverse("notifications:outbox")).status_code == 302, "two-factor first"
    response = client.post(reverse("accounts:two_factor"), {"token": DEMO_BACKUP_CODES[0]})
    assert response.status_code == 302
    assert client.get(reverse("notifications:outbox")).status_code == 200
    assert AuditEvent.objects.filter(action="account.two_factor_passed").exists()


def test_a_used_backup_code_comes_back_when_the_demo_starts_again(client: Client) -> None:
    _seed()
    _sign_in(client, ADMIN_EMAIL)
    client.post(reverse("accounts:two_factor"), {"token": DEMO_BACKUP_CODES[0]})
    tokens = StaticToken.objects.filter(device__user__email=ADMIN_EMAIL)
    assert tokens.count() == len(DEMO_BACKUP_CODES) - 1
    _seed()
    assert tokens.count() == len(DEMO_BACKUP_CODES)


def test_demo_logins_prints_every_account_the_password_and_the_backup_codes() -> None:
    _seed()
    out = StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8765", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8765/accounts/login/" in text
    for user in User.objects.all():
        assert user.email in text
    assert DEMO_PASSWORD in text
    assert all(code in text for code in DEMO_BACKUP_CODES)
    assert Case.objects.get(patient__holder__email=PATIENT_EMAIL).reference in text


def test_demo_logins_says_what_to_do_before_the_demo_is_seeded() -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()


def test_the_demo_has_a_case_at_each_stage_of_review() -> None:
    from consilium.reports.models import Report
    from consilium.review.models import Assignment

    _seed()
    family = Case.objects.filter(patient__holder__email="family@demo.consilium.local")
    assert sorted(family.values_list("status", flat=True)) == ["assigned", "reported", "triage"]
    reported = family.get(status="reported")
    assert Report.objects.filter(case=reported).count() == 1
    panel = Assignment.objects.filter(review__case__status="assigned")
    assert sorted(panel.values_list("status", flat=True)) == ["accepted", "accepted", "offered"]
    # Specialists have released, redacted reports and an approved summary to read.
    from consilium.documents.models import Document
    from consilium.insights.selectors import case_summary_for_specialist

    in_review = family.get(status="assigned")
    assert Document.objects.filter(case=in_review, released_at__isnull=False).exists()
    assert case_summary_for_specialist(case=in_review) is not None
