"""The "Your data and your rights" page: the Rule 3 notice items, the grievance officer from
the deployment's settings, linked from every page's footer and from the account page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db

RIGHTS = reverse("records:rights")


def test_anyone_reads_what_is_kept_why_how_long_and_how_to_act_on_it(
    client: Client, settings: Any
) -> None:
    settings.GRIEVANCE_OFFICER_NAME = "Ms Kavita Rao, Grievance Officer"
    settings.GRIEVANCE_OFFICER_EMAIL = "dpo@hospital.example"
    settings.GRIEVANCE_OFFICER_PHONE = "+91 20 5555 0100"
    settings.EXPORT_LINK_DAYS = 5
    page = client.get(RIGHTS).content.decode()
    for heading in ("What we keep, and why", "For how long", "See and download your record",
                    "Correct it", "Withdraw your consent", "Erase it", "Complain",
                    "Data Protection Board of India"):
        assert heading in page
    assert "Ms Kavita Rao, Grievance Officer" in page
    assert 'href="mailto:dpo@hospital.example"' in page and "+91 20 5555 0100" in page
    assert "deleted 5 days after it is ready" in page


def test_the_page_says_signed_reports_stay_only_where_the_deployment_keeps_them(
    client: Client, settings: Any
) -> None:
    settings.ERASURE_KEEPS_REPORTS = False
    assert "also keeps the signed reports" not in client.get(RIGHTS).content.decode()
    settings.ERASURE_KEEPS_REPORTS = True
    assert "also keeps the signed reports" in client.get(RIGHTS).content.decode()


def test_it_is_linked_from_the_footer_and_the_account_page(
    client: Client, patient: Patient
) -> None:
    assert f'href="{RIGHTS}"' in client.get(reverse("accounts:login")).content.decode()
    client.force_login(patient.holder)
    account = client.get(reverse("accounts:settings")).content.decode()
    assert account.count(f'href="{RIGHTS}"') == 2  # the section and the footer
