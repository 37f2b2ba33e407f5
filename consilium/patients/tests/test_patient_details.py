"""The patient's details: ABHA and phone checks, creating and updating with an audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from consilium.audit.models import AuditEvent
from consilium.patients.models import Patient, Relationship
from consilium.patients.selectors import patients_of
from consilium.patients.services import patient_create, patient_update
from consilium.patients.validators import normalize_abha, normalize_phone


@pytest.mark.parametrize(
    "typed", ["12345678901234", "12-3456-7890-1234", " 12 3456 7890 1234 "]
)
def test_an_abha_number_of_fourteen_digits_is_accepted_and_shown_the_official_way(
    typed: str,
) -> None:
    assert normalize_abha(typed) == "12-3456-7890-1234"


@pytest.mark.parametrize("typed", ["1234567890123", "123456789012345", "12-3456-7890-12AB"])
def test_an_abha_number_that_is_not_fourteen_digits_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        normalize_abha(typed)


def test_an_empty_abha_number_is_fine_because_it_is_optional() -> None:
    assert normalize_abha("") == ""


def test_a_mobile_number_needs_digits() -> None:
    assert normalize_phone("+91 98765 43210") == "+91 98765 43210"
    with pytest.raises(ValidationError):
        normalize_phone("call me")


@pytest.mark.django_db
def test_a_new_patient_for_oneself_takes_the_accounts_name_and_contact(patient: Patient) -> None:
    from conftest import make_user

    user = make_user("sunita@example.com", full_name="Sunita Iyer", phone="+919811112222")
    me = patient_create(holder=user, relationship=Relationship.SELF)
    assert (me.full_name, me.email, me.phone) == (
        "Sunita Iyer", "sunita@example.com", "+919811112222"
    )
    assert list(patients_of(user=user)) == [me]
    assert AuditEvent.objects.filter(action="patient.create", target_id=str(me.public_id)).exists()


@pytest.mark.django_db
def test_an_update_saves_only_changed_fields_and_audits_their_names(patient: Patient) -> None:
    patient_update(
        patient=patient, actor=patient.holder,
        data={"city": "Nagpur", "date_of_birth": dt.date(1970, 5, 17), "unknown": "x"},
    )
    patient.refresh_from_db()
    assert patient.city == "Nagpur"
    event = AuditEvent.objects.get(action="patient.update")
    assert event.detail == {"fields": ["city"]}


def test_the_age_is_counted_in_whole_years() -> None:
    someone = Patient(date_of_birth=dt.date(2000, 6, 15))
    assert someone.age_on(dt.date(2026, 6, 14)) == 25
    assert someone.age_on(dt.date(2026, 6, 15)) == 26
    assert Patient().age_on(dt.date(2026, 1, 1)) is None
