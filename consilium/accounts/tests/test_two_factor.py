from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from consilium.core.testing import login_with_2fa

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
TWO_FACTOR = reverse("accounts:two_factor")
SETUP = reverse("accounts:two_factor_setup")


def code_for(device: TOTPDevice) -> str:
    return str(totp(device.bin_key, device.step, device.t0, device.digits, device.drift)).zfill(
        device.digits
    )


def sign_in(client: Client, email: str, next_url: str = "") -> Any:
    url = LOGIN + (f"?next={quote(next_url)}" if next_url else "")
    return client.post(url, {"email": email, "password": PASSWORD})


def test_a_coordinator_is_sent_to_two_step_sign_in_after_the_password(
    client: Client, coordinator: Any
) -> None:
    TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)

    response = sign_in(client, "coordinator@example.com")

    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)


def test_staff_who_have_not_passed_two_step_sign_in_are_redirected_everywhere_but_accounts(
    client: Client, coordinator: Any
) -> None:
    client.force_login(coordinator)

    for path in ("/", "/cases/triage/", "/admin/", "/patients/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == f"{TWO_FACTOR}?next={quote(path, safe='')}", path
    assert client.get(TWO_FACTOR).status_code == 302  # on to setup: no device yet
    assert client.get(SETUP).status_code == 200


@pytest.mark.parametrize(
    "name", ["accounts:settings", "accounts:specialist_home", "accounts:password_change"]
)
def test_account_pages_beyond_the_sign_in_steps_also_need_two_step_sign_in(
    client: Client, specialist: Any, name: str
) -> None:
    client.force_login(specialist)

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)


def test_a_coordinator_passes_with_a_real_code_and_reaches_the_page_they_asked_for(
    client: Client, coordinator: Any
) -> None:
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    sign_in(client, "coordinator@example.com", next_url="/")

    response = client.post(TWO_FACTOR, {"token": code_for(device), "next": "/"})

    assert response.status_code == 302
    assert response.url == "/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    # The middleware now lets the coordinator through: home sends them to the triage queue.
    assert client.get("/").url == reverse("cases:triage_queue")


def test_a_wrong_code_is_refused_with_a_message(client: Client, coordinator: Any) -> None:
    TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    sign_in(client, "coordinator@example.com")

    response = client.post(TWO_FACTOR, {"token": "000000"})

    assert response.status_code == 200
    assert "That code did not work" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_staff_without_an_authenticator_set_one_up_with_a_qr_code_and_a_real_code(
    client: Client, specialist: Any
) -> None:
    sign_in(client, "oncologist@example.com")

    response = client.get(TWO_FACTOR)
    assert response.status_code == 302
    assert response.url.startswith(SETUP)

    page = client.get(response.url)
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=specialist)
    assert device.confirmed is False
    assert "<svg" in html
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")

    confirmed = client.post(response.url, {"token": code_for(device)})

    device.refresh_from_db()
    assert device.confirmed is True
    assert confirmed.status_code == 302
    assert confirmed.url.startswith(reverse("accounts:two_factor_backup_codes"))
    codes_page = client.get(confirmed.url)
    codes = codes_page.context["codes"]
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=specialist).count() == 10
    # Shown once only.
    assert client.get(confirmed.url).status_code == 302
    assert client.get(reverse("accounts:specialist_home")).status_code == 200


def test_reloading_the_setup_page_keeps_the_same_secret(client: Client, specialist: Any) -> None:
    client.force_login(specialist)

    first = client.get(SETUP).context["secret"]
    second = client.get(SETUP).context["secret"]

    assert first == second
    assert TOTPDevice.objects.filter(user=specialist).count() == 1


def test_staff_with_an_authenticator_cannot_replace_it_before_passing_the_check(
    client: Client, coordinator: Any
) -> None:
    TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    client.force_login(coordinator)

    response = client.get(SETUP)

    assert response.url.startswith(TWO_FACTOR)
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_a_backup_code_works_once(client: Client, coordinator: Any) -> None:
    TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=coordinator, name="backup", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    sign_in(client, "coordinator@example.com")

    first = client.post(TWO_FACTOR, {"token": "abcd2345"})
    assert first.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == static.persistent_id

    client.post(reverse("accounts:logout"))
    sign_in(client, "coordinator@example.com")
    second = client.post(TWO_FACTOR, {"token": "abcd2345"})

    assert second.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_patient_may_turn_two_step_sign_in_on_and_is_then_asked_for_a_code(
    client: Client, patient: Any
) -> None:
    user = patient.holder
    client.force_login(user)
    assert "Turn on two-step sign-in" in client.get(reverse("accounts:settings")).content.decode()
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    client.post(SETUP, {"token": code_for(device)})
    client.post(reverse("accounts:logout"))

    response = sign_in(client, "asha@example.com")

    assert response.url.startswith(TWO_FACTOR)
    assert client.get("/").url.startswith(TWO_FACTOR)


def test_a_patient_without_two_step_sign_in_is_never_asked_for_a_code(
    client: Client, patient: Any
) -> None:
    response = sign_in(client, "asha@example.com")

    assert response.url == patient.holder.home_url()


def test_a_patient_may_turn_two_step_sign_in_off_but_staff_may_not(
    client: Client, patient: Any, coordinator: Any
) -> None:
    login_with_2fa(client, patient.holder)
    client.post(reverse("accounts:two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=patient.holder).exists()

    staff = Client()
    login_with_2fa(staff, coordinator)
    staff.post(reverse("accounts:two_factor_disable"))
    assert TOTPDevice.objects.filter(user=coordinator).exists()


def test_the_menu_shows_no_staff_pages_until_the_code_is_given(
    client: Client, coordinator: Any
) -> None:
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    sign_in(client, "coordinator@example.com")

    page = client.get(TWO_FACTOR).content.decode()

    assert "Triage queue" not in page and "Dashboard" not in page and "Notices" not in page
    assert "Sign out" in page
    client.post(TWO_FACTOR, {"token": code_for(device)})
    assert "Triage queue" in client.get(reverse("cases:triage_queue")).content.decode()
