from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from consilium.billing.tests.factories import make_case
from consilium.consent.models import ConsentText
from consilium.consent.services import consent_sign
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_a_signed_version_is_read_only_in_the_admin(
    client: Any, admin_user: Any, patient: Patient
) -> None:
    text = ConsentText.objects.get(language="en", is_active=True)
    consent_sign(
        case=make_case(patient),
        signer=patient.holder,
        signer_name="Asha Verma",
        relationship="self",
        ip=None,
        user_agent="",
    )
    login_with_2fa(client, admin_user)
    url = reverse("admin:consent_consenttext_change", args=[text.pk])
    page = client.get(url).content.decode()
    assert 'name="body"' not in page
    client.post(url, {"version": 1, "language": "en", "title": "Changed", "body": "Changed"})
    text.refresh_from_db()
    assert text.title != "Changed"
    delete = client.post(
        reverse("admin:consent_consenttext_delete", args=[text.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert ConsentText.objects.filter(pk=text.pk).exists()


def test_a_new_version_starts_as_a_copy_numbered_after_the_newest(
    client: Any, admin_user: Any
) -> None:
    login_with_2fa(client, admin_user)
    response = client.get(reverse("admin:consent_consenttext_add"))
    form = response.context["adminform"].form
    assert form.initial["version"] == 2
    assert "not a diagnosis" in form.initial["body"]


def test_publishing_activates_the_new_version_and_retires_the_old_one(
    client: Any, admin_user: Any
) -> None:
    old = ConsentText.objects.get(language="en", is_active=True)
    new = ConsentText.objects.create(version=2, language="en", title="Consent v2", body="Words")
    login_with_2fa(client, admin_user)
    client.post(
        reverse("admin:consent_consenttext_changelist"),
        {"action": "publish", "_selected_action": [new.pk]},
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_active, new.is_active) == (False, True)
    assert new.published_at is not None
