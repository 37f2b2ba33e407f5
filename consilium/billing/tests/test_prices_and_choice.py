from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from consilium.billing.models import Payment, PaymentStatus, Price
from consilium.billing.money import format_money
from consilium.billing.selectors import price_for
from consilium.billing.tests.factories import make_case
from consilium.cases.models import CaseStatus
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_prices_are_seeded_from_the_settings(db: None) -> None:
    assert {p.review_type: p.amount for p in Price.objects.all()} == {
        "single": Decimal("2500"),
        "double": Decimal("3500"),
        "board": Decimal("5000"),
        "platform": Decimal("2500"),
    }
    assert price_for(review_type="board").currency == "INR"


def test_a_missing_price_is_created_from_the_settings(settings: Any) -> None:
    Price.objects.all().delete()
    settings.PRICE_DOUBLE = Decimal("4200")
    assert price_for(review_type="double").amount == Decimal("4200")


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("2500"), "₹2,500"),
        (Decimal("125000"), "₹1,25,000"),
        (Decimal("999.5"), "₹999.50"),
        (Decimal("10000000"), "₹1,00,00,000"),
    ],
)
def test_amounts_are_written_the_indian_way(amount: Decimal, text: str) -> None:
    assert format_money(amount, "INR") == text


def test_the_holder_sees_every_review_type_with_its_price_before_paying(
    client: Any, patient: Patient
) -> None:
    case = make_case(patient)
    Price.objects.filter(review_type="board").update(amount=Decimal("5500"))
    client.force_login(patient.holder)
    page = client.get(reverse("billing:choose", args=[case.public_id])).content.decode()
    for text in [
        "One specialist",
        "Two specialists",
        "A board of three or more specialists",
        "Let the platform choose",
        "₹2,500",
        "₹3,500",
        "₹5,500",
    ]:
        assert text in page
    assert not Payment.objects.exists()


def test_choosing_a_type_saves_it_and_opens_a_payment_at_that_price(
    client: Any, patient: Patient
) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    response = client.post(
        reverse("billing:choose", args=[case.public_id]), {"review_type": "double"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:checkout", args=[case.public_id])
    case.refresh_from_db()
    assert case.review_type == "double"
    payment = Payment.objects.get(case=case)
    assert (payment.amount, payment.status, payment.provider) == (
        Decimal("3500"),
        PaymentStatus.CREATED,
        "offline",
    )


def test_changing_the_type_replaces_the_open_payment(client: Any, patient: Patient) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    url = reverse("billing:choose", args=[case.public_id])
    client.post(url, {"review_type": "single"})
    client.post(url, {"review_type": "single"})
    assert Payment.objects.filter(case=case).count() == 1
    client.post(url, {"review_type": "board"})
    statuses = dict(Payment.objects.filter(case=case).values_list("review_type", "status"))
    assert statuses == {"single": PaymentStatus.FAILED, "board": PaymentStatus.CREATED}


def test_choosing_nothing_shows_an_error_and_saves_nothing(client: Any, patient: Patient) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    response = client.post(reverse("billing:choose", args=[case.public_id]), {})
    assert response.status_code == 200
    assert "Choose one kind of review." in response.content.decode()
    assert not Payment.objects.exists()


def test_another_patient_and_staff_cannot_open_the_choice_page(
    client: Any, patient: Patient, other_patient: Patient
) -> None:
    case = make_case(patient)
    client.force_login(other_patient.holder)
    assert client.get(reverse("billing:choose", args=[case.public_id])).status_code == 404
    assert client.get(reverse("billing:checkout", args=[case.public_id])).status_code == 404


def test_a_submitted_case_cannot_change_its_review_type(client: Any, patient: Patient) -> None:
    case = make_case(patient, status=CaseStatus.TRIAGE, review_type="single")
    client.force_login(patient.holder)
    response = client.post(
        reverse("billing:choose", args=[case.public_id]), {"review_type": "board"}
    )
    assert response.status_code == 404


def test_the_home_page_shows_the_admins_prices_and_the_turnaround_settings(
    client: Any, settings: Any
) -> None:
    Price.objects.update_or_create(review_type="board", defaults={"amount": Decimal("6200")})
    settings.TURNAROUND_TARGET_HOURS = 48
    settings.TURNAROUND_LIMIT_HOURS = 96
    page = client.get("/").content.decode()
    assert "Prices and time to your opinion" in page
    assert "₹6,200" in page
    assert "within 48 hours of a complete request" in page and "within 96 hours" in page
