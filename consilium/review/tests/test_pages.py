"""The review pages through HTTP: what each person does, and list pages at a fixed cost."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import make_specialist
from consilium.accounts.models import User
from consilium.cases.models import Case, CaseStatus
from consilium.cases.tests.conftest import count_queries
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient
from consilium.reports.models import Report
from consilium.review.models import Assignment, AssignmentStatus, Opinion
from consilium.review.tests.fixtures import accept_all, complete_opinion, offer, submitted


def staff_client(user: User) -> Client:
    client = Client()
    login_with_2fa(client, user)
    return client


def test_the_coordinator_sees_ranked_proposals_and_offers_the_case(
    submitted_case: Case, coordinator: User, tumour_board: list[User]
) -> None:
    client = staff_client(coordinator)
    url = reverse("review:assign", kwargs={"public_id": submitted_case.public_id})
    page = client.get(url).content.decode()
    assert "Medical oncology fits cancer" in page
    assert page.index("Dr Medonc") < page.index("Dr Surgonc")
    medonc = tumour_board[0].specialist_profile
    response = client.post(url, {"specialists": [medonc.pk]})
    assert response.status_code == 302
    assert Assignment.objects.get(review__case=submitted_case).specialist == medonc
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.ASSIGNED
    assert client.get(submitted_case.get_absolute_url()).status_code == 200


def test_the_specialist_accepts_writes_with_autosave_and_submits_after_confirming(
    submitted_case: Case, coordinator: User, specialist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    client = staff_client(specialist)
    assert seat.review.code in client.get(reverse("review:inbox")).content.decode()
    client.post(reverse("review:accept", kwargs={"public_id": seat.public_id}))
    seat.refresh_from_db()
    assert seat.status == AssignmentStatus.ACCEPTED
    save = reverse("review:opinion_save", kwargs={"public_id": seat.public_id})
    response = client.post(save, {"stage_or_severity": "IIA"}, HTTP_HX_REQUEST="true")
    assert "Draft saved" in response.content.decode()
    response = client.post(save, {"action": "submit"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="problems"' in page and "Explain your assessment" in page
    assert "IIA" in page  # what was typed is still there
    client.post(save, {**complete_opinion(submitted_case), "action": "submit"})
    confirm = reverse("review:opinion_submit", kwargs={"public_id": seat.public_id})
    assert "cannot be changed" in client.get(confirm).content.decode()
    assert Opinion.objects.get(assignment=seat).status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    assert Opinion.objects.get(assignment=seat).status == "submitted"
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.REPORTED


def test_a_decline_without_a_reason_keeps_the_offer_and_says_why(
    submitted_case: Case, coordinator: User, specialist: User
) -> None:
    [seat] = offer(submitted_case, coordinator, [specialist])
    client = staff_client(specialist)
    response = client.post(reverse("review:decline", kwargs={"public_id": seat.public_id}), {})
    assert response.status_code == 400
    seat.refresh_from_db()
    assert seat.status == AssignmentStatus.OFFERED


def test_the_patient_downloads_sends_asks_and_rates_from_the_case_page(
    reported_case: Case, report: Report
) -> None:
    client = Client()
    client.force_login(reported_case.patient.holder)
    page = client.get(reported_case.get_absolute_url()).content.decode()
    download = reverse("reports:download", kwargs={"public_id": report.public_id})
    assert download in page
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    send = reverse("reports:send", kwargs={"public_id": report.public_id})
    response = client.post(send, {"email": "doctor@example.org"})
    assert response.status_code == 200  # the confirmation box is required
    response = client.post(send, {"email": "doctor@example.org", "confirm": "on"})
    assert response.status_code == 302
    client.post(reverse("review:ask", kwargs={"public_id": reported_case.public_id}),
                {"question": "How long is recovery?"})
    client.post(reverse("review:rate", kwargs={"public_id": reported_case.public_id}),
                {"score": "5", "comment": "Thank you"})
    page = client.get(reported_case.get_absolute_url()).content.decode()
    assert "How long is recovery?" in page
    assert "You rated this service 5 of 5" in page


def test_the_coordinator_asks_for_information_and_the_patient_answers_with_a_report(
    submitted_case: Case, coordinator: User
) -> None:
    from consilium.documents.tests.conftest import text_pdf, upload

    staff = staff_client(coordinator)
    staff.post(reverse("cases:information_request_new",
                       kwargs={"public_id": submitted_case.public_id}),
               {"message": "Please upload the biopsy report.", "wanted": ["pathology"]})
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.AWAITING_INFO
    request = submitted_case.information_requests.get()
    patient = Client()
    patient.force_login(submitted_case.patient.holder)
    page = patient.get(submitted_case.get_absolute_url()).content.decode()
    assert "Please upload the biopsy report." in page
    upload(patient, submitted_case, ("biopsy.pdf", text_pdf("Biopsy")), category="pathology")
    answer = reverse(
        "cases:information_request_answer",
        kwargs={"public_id": submitted_case.public_id, "request_id": request.public_id},
    )
    assert "biopsy.pdf" in patient.get(answer).content.decode()
    patient.post(answer, {"answer": "Here it is."})
    submitted_case.refresh_from_db()
    assert submitted_case.status == CaseStatus.TRIAGE


def test_the_specialists_inbox_costs_the_same_with_more_cases(
    patient: Patient, coordinator: User, specialist: User
) -> None:
    client = staff_client(specialist)
    specialist.specialist_profile.capacity = 20
    specialist.specialist_profile.save()
    offer(submitted(patient), coordinator, [specialist])
    accept_all(offer(submitted(patient), coordinator, [specialist]))
    url = reverse("review:inbox")
    client.get(url)
    few = count_queries(lambda: client.get(url))
    for _ in range(4):
        seats = offer(submitted(patient), coordinator, [specialist])
        accept_all(seats)
    assert count_queries(lambda: client.get(url)) == few


def test_the_work_queue_and_dashboard_cost_the_same_with_more_cases(
    patient: Patient, coordinator: User
) -> None:
    client = staff_client(coordinator)
    specialists = [make_specialist(f"s{n}@example.com") for n in range(6)]
    offer(submitted(patient), coordinator, specialists[:1])
    for url in (reverse("review:work_queue"), reverse("review:dashboard")):
        client.get(url)
        few = count_queries(lambda url=url: client.get(url))
        for n in range(1, 3):
            offer(submitted(patient), coordinator, specialists[n:n + 1])
        assert count_queries(lambda url=url: client.get(url)) == few, url


def test_the_dashboard_shows_time_to_opinion_and_outcomes(
    reported_case: Case, coordinator: User
) -> None:
    page = staff_client(coordinator).get(reverse("review:dashboard")).content.decode()
    assert "Median" in page and "90th percentile" in page
    assert "Confirmed" in page and "100.0 %" in page
