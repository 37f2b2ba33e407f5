"""The audit trail in the admin can be read and filtered, never changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from consilium.audit.models import AuditEvent
from consilium.audit.services import record
from consilium.core.testing import login_with_2fa

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:audit_auditevent_changelist")


@pytest.fixture
def admin_client_2fa(client: Client, admin_user: Any) -> Client:
    login_with_2fa(client, admin_user)
    return client


def test_an_admin_sees_audit_events_and_filters_them_by_action(
    admin_client_2fa: Client, admin_user: Any
) -> None:
    record(actor=admin_user, action="case.view", target=admin_user)
    record(actor=admin_user, action="document.download", target=admin_user)
    response = admin_client_2fa.get(CHANGELIST, {"action": "case.view"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_audit_events_can_be_filtered_by_date(admin_client_2fa: Client, admin_user: Any) -> None:
    record(actor=admin_user, action="case.view", target=admin_user)
    day = {"at__gte": "2000-01-01T00:00:00+00:00", "at__lt": "2000-01-02T00:00:00+00:00"}
    response = admin_client_2fa.get(CHANGELIST, day)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_nobody_can_add_an_audit_event_in_the_admin(admin_client_2fa: Client) -> None:
    assert admin_client_2fa.get(reverse("admin:audit_auditevent_add")).status_code == 403


def test_an_audit_event_cannot_be_changed_or_deleted_in_the_admin(
    admin_client_2fa: Client, admin_user: Any
) -> None:
    event = record(actor=admin_user, action="case.view", target=admin_user)
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    response = admin_client_2fa.post(change, {"action": "tampered"})
    assert response.status_code == 403
    assert admin_client_2fa.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "case.view"
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    page = admin_client_2fa.get(change)
    assert page.status_code == 200
    assert b'name="action"' not in page.content


def test_the_bulk_delete_action_is_not_offered(admin_client_2fa: Client, admin_user: Any) -> None:
    record(actor=admin_user, action="case.view", target=admin_user)
    response = admin_client_2fa.get(CHANGELIST)
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )
