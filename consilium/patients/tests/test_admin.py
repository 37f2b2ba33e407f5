"""The admin shows cases and patients read-only, without health data in the lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from consilium.cases.models import Case
from consilium.cases.tests.conftest import make_complete_draft
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_the_case_list_shows_reference_and_status_but_no_health_data(
    client: Client, admin_user, patient: Patient
) -> None:
    complete_draft: Case = make_complete_draft(patient)
    login_with_2fa(client, admin_user)
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert complete_draft.reference in page
    assert "Carcinoma" not in page
    detail = client.get(reverse("admin:cases_case_change", args=[complete_draft.pk]))
    assert detail.status_code == 200
    assert client.get(reverse("admin:cases_case_add")).status_code == 403


def test_the_patient_list_shows_the_account_but_not_the_patients_name(
    client: Client, admin_user, proxy: Patient
) -> None:
    login_with_2fa(client, admin_user)
    page = client.get(reverse("admin:patients_patient_changelist")).content.decode()
    assert str(proxy.public_id) in page
    assert "ravi@example.com" in page
    assert "Mohan Kumar" not in page
