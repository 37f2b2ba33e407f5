"""The patient reads the signed opinion as a page: summary first, each section, the reviewers
with their registration numbers, the answers, addenda in order, and the signed PDF's hash."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from consilium.accounts.models import User
from consilium.audit.models import AuditEvent
from consilium.cases.models import Case
from consilium.records.actions import RecordAction
from consilium.reports.models import Report
from consilium.review.models import FollowUp
from consilium.review.services import follow_up_answer, follow_up_ask

pytestmark = pytest.mark.django_db


def opinion_url(case: Case) -> str:
    return reverse("records:opinion", kwargs={"public_id": case.public_id})


def test_the_patient_reads_the_summary_first_then_each_section_and_the_hash(
    client: Client, reported_case: Case, report: Report
) -> None:
    client.force_login(reported_case.patient.holder)

    response = client.get(opinion_url(reported_case))

    assert response.status_code == 200
    page = response.content.decode()
    summary = page.index("The diagnosis is right and the plan your doctors suggest is sound.")
    assert summary < page.index("Breast-conserving surgery followed by radiotherapy.")
    assert summary < page.index("Stage IIA")
    assert "MCI-12345, National Medical Commission" in page
    assert "MBBS, MD, DM (Medical Oncology)" in page
    for question in reported_case.questions.all():
        assert question.text in page
        assert f"Answer to question {question.position}." in page
    assert report.sha256 in page
    assert reverse("reports:download", kwargs={"public_id": report.public_id}) in page
    assert response["Cache-Control"] == "private, no-store"


def test_reading_it_is_audited_on_the_case(
    client: Client, reported_case: Case, report: Report
) -> None:
    client.force_login(reported_case.patient.holder)
    client.get(opinion_url(reported_case))

    event = AuditEvent.objects.get(action=RecordAction.OPINION_VIEW)
    assert event.actor == reported_case.patient.holder
    assert event.target_id == str(reported_case.public_id)
    assert event.detail == {"report": str(report.public_id)}


def test_in_the_blind_mode_the_specialist_is_not_named(
    client: Client, reported_case: Case, specialist: User, settings: Any
) -> None:
    settings.IDENTITY_MODE = "blind"
    client.force_login(reported_case.patient.holder)
    page = client.get(opinion_url(reported_case)).content.decode()
    assert specialist.full_name not in page
    assert "Specialist 1" in page


def test_in_the_open_mode_the_specialist_is_named(
    client: Client, reported_case: Case, specialist: User, settings: Any
) -> None:
    settings.IDENTITY_MODE = "open"
    client.force_login(reported_case.patient.holder)
    page = client.get(opinion_url(reported_case)).content.decode()
    assert specialist.full_name in page


def test_addenda_follow_in_the_order_they_were_answered(
    client: Client, reported_case: Case, specialist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    holder = reported_case.patient.holder
    for question, answer in (("When do I start?", "Within four weeks."),
                             ("Can I travel?", "Yes, between cycles.")):
        follow_up = follow_up_ask(case=reported_case, actor=holder, question=question)
        with django_capture_on_commit_callbacks(execute=True):
            follow_up_answer(follow_up=follow_up, actor=specialist, answer=answer)
    assert Report.objects.filter(case=reported_case).count() == 3
    client.force_login(holder)

    page = client.get(opinion_url(reported_case)).content.decode()

    assert page.index("Within four weeks.") < page.index("Yes, between cycles.")
    latest = Report.objects.filter(case=reported_case).order_by("-version").first()
    assert latest is not None and latest.sha256 in page


def test_an_answer_given_after_the_latest_signed_version_is_not_shown_yet(
    client: Client, reported_case: Case, specialist: User
) -> None:
    holder = reported_case.patient.holder
    follow_up = follow_up_ask(case=reported_case, actor=holder, question="When do I start?")
    # Answered, but its addendum is not signed yet (the task has not run).
    follow_up_answer(follow_up=follow_up, actor=specialist, answer="Within four weeks.")
    assert FollowUp.objects.get(pk=follow_up.pk).answered_at is not None
    client.force_login(holder)

    page = client.get(opinion_url(reported_case)).content.decode()

    assert "Within four weeks." not in page


def test_nobody_else_reads_it_and_nothing_is_recorded(
    client: Client, reported_case: Case, other_patient: Any, coordinator: User,
    specialist: User,
) -> None:
    for someone in (other_patient.holder, coordinator, specialist):
        client.force_login(someone)
        assert client.get(opinion_url(reported_case)).status_code in (404, 302)
    assert not AuditEvent.objects.filter(action=RecordAction.OPINION_VIEW).exists()


def test_a_case_without_a_report_has_no_opinion_page(client: Client, submitted_case: Case) -> None:
    client.force_login(submitted_case.patient.holder)
    assert client.get(opinion_url(submitted_case)).status_code == 404


def test_the_case_page_links_the_opinion_page_once_the_report_exists(
    client: Client, reported_case: Case
) -> None:
    client.force_login(reported_case.patient.holder)
    page = client.get(reported_case.get_absolute_url()).content.decode()
    assert opinion_url(reported_case) in page
    assert reverse("records:shares", kwargs={"public_id": reported_case.public_id}) in page
