from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from consilium.audit.models import AuditEvent
from consilium.billing.tests.factories import make_case
from consilium.cases.models import CaseStatus
from consilium.consent.models import ConsentSignature, ConsentText
from consilium.consent.selectors import consent_is_active
from consilium.consent.services import consent_sign, consent_text_publish
from consilium.core.errors import DomainError
from consilium.patients.models import Patient, Relationship

pytestmark = pytest.mark.django_db


def _sign(client: Any, case: Any, name: str = "Asha Verma", **extra: Any) -> Any:
    text = ConsentText.objects.get(language="en", is_active=True)
    data = {
        "signer_name": name,
        "relationship": "self",
        "agree": "on",
        "text_id": str(text.public_id),
        **extra,
    }
    return client.post(
        reverse("consent:sign", args=[case.public_id]),
        data,
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="TestPhone/1.0 (Android 12)",
    )


def test_the_seeded_english_text_is_active_and_plain(db: None) -> None:
    text = ConsentText.objects.get(language="en", is_active=True)
    assert text.version == 1
    for phrase in [
        "not a diagnosis",
        "112",
        "Telemedicine Practice Guidelines",
        "withdraw",
        "erase",
        "encrypted",
        "refund",
    ]:
        assert phrase in text.body


def test_the_holder_reads_the_active_text_with_their_relationship_prefilled(
    client: Any, proxy: Patient
) -> None:
    case = make_case(proxy)
    client.force_login(proxy.holder)
    response = client.get(reverse("consent:sign", args=[case.public_id]))
    assert response.status_code == 200
    assert "not a diagnosis" in response.content.decode()
    assert response.context["form"].initial["relationship"] == Relationship.CHILD
    assert response.context["form"].initial["signer_name"] == "Ravi Kumar"


def test_signing_stores_the_version_the_ip_and_the_user_agent(
    client: Any, patient: Patient
) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    response = _sign(client, case, name="  Asha   Verma ")
    assert response.status_code == 302
    signature = ConsentSignature.objects.get(case=case)
    assert signature.consent_text.version == 1
    assert signature.signer == patient.holder
    assert signature.signer_name == "Asha Verma"
    assert signature.relationship == "self"
    assert signature.ip == "203.0.113.7"
    assert signature.user_agent == "TestPhone/1.0 (Android 12)"
    assert len(signature.text_sha256) == 64
    assert consent_is_active(case=case)
    assert AuditEvent.objects.filter(action="consent.sign", target_id=str(signature.public_id))


def test_the_signed_page_offers_the_download_withdrawal_and_the_next_step(
    client: Any, patient: Patient
) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    _sign(client, case)
    page = client.get(reverse("consent:sign", args=[case.public_id])).content.decode()
    signature = ConsentSignature.objects.get(case=case)
    assert reverse("consent:download", args=[signature.public_id]) in page
    assert reverse("consent:withdraw", args=[signature.public_id]) in page
    assert reverse("billing:choose", args=[case.public_id]) in page


@pytest.mark.parametrize("name", ["", " ", "A"])
def test_a_name_shorter_than_two_characters_is_refused_and_keeps_the_form(
    client: Any, patient: Patient, name: str
) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    response = _sign(client, case, name=name, relationship="parent")
    assert response.status_code == 200
    assert response.context["form"].errors["signer_name"]
    assert response.context["form"]["relationship"].value() == "parent"
    assert not ConsentSignature.objects.exists()


def test_a_text_that_is_gone_when_the_form_comes_back_is_refused_and_signs_nothing(
    client: Any, patient: Patient
) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    response = _sign(client, case, text_id="00000000-0000-4000-8000-000000000000")
    assert response.status_code == 200
    assert "The consent form was updated. Please read it again." in response.content.decode()
    assert not ConsentSignature.objects.exists()


def test_short_and_non_latin_names_are_accepted(client: Any, patient: Patient) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    _sign(client, case, name="आशा")
    assert ConsentSignature.objects.get(case=case).signer_name == "आशा"


def test_not_ticking_the_box_signs_nothing(client: Any, patient: Patient) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    response = _sign(client, case, agree="")
    assert response.status_code == 200
    assert response.context["form"].errors["agree"]
    assert not consent_is_active(case=case)


def test_a_refused_signature_is_announced_at_the_top_of_the_long_page(
    client: Any, patient: Patient
) -> None:
    # On a phone the form is far below the text; the page opens at the top.
    case = make_case(patient)
    client.force_login(patient.holder)
    html = _sign(client, case, agree="").content.decode()
    assert html.index("Your consent is not signed yet") < html.index('class="consent-text"')
    assert 'href="#consent-form"' in html
    assert 'id="consent-form"' in html


def test_another_patient_cannot_open_or_sign_the_consent_of_a_case(
    client: Any, patient: Patient, other_patient: Patient
) -> None:
    case = make_case(patient)
    client.force_login(other_patient.holder)
    assert client.get(reverse("consent:sign", args=[case.public_id])).status_code == 404
    assert _sign(client, case).status_code == 404
    assert not ConsentSignature.objects.exists()


def test_a_submitted_case_can_no_longer_be_signed(client: Any, patient: Patient) -> None:
    case = make_case(patient, status=CaseStatus.TRIAGE)
    client.force_login(patient.holder)
    assert client.get(reverse("consent:sign", args=[case.public_id])).status_code == 404


def test_a_case_holds_one_active_signature(patient: Patient) -> None:
    case = make_case(patient)
    args = {
        "case": case,
        "signer": patient.holder,
        "signer_name": "Asha Verma",
        "relationship": "self",
        "ip": "127.0.0.1",
        "user_agent": "x",
    }
    consent_sign(**args)
    with pytest.raises(DomainError):
        consent_sign(**args)
    assert ConsentSignature.objects.filter(case=case).count() == 1


def test_the_hindi_text_is_shown_to_a_hindi_reader_when_one_is_published(
    client: Any, patient: Patient, admin_user: Any
) -> None:
    hindi = ConsentText.objects.create(
        version=1, language="hi", title="दूसरी राय के लिए सहमति", body="यह निदान नहीं है।"
    )
    consent_text_publish(text=hindi, actor=admin_user)
    case = make_case(patient)
    client.force_login(patient.holder)
    client.cookies["django_language"] = "hi"
    response = client.get(reverse("consent:sign", args=[case.public_id]))
    assert "यह निदान नहीं है।" in response.content.decode()


def test_a_text_replaced_while_the_signer_was_reading_is_not_signed(
    client: Any, patient: Patient, admin_user: Any
) -> None:
    case = make_case(patient)
    client.force_login(patient.holder)
    old = ConsentText.objects.get(language="en", is_active=True)
    new = ConsentText.objects.create(version=2, language="en", title="v2", body="New words")
    consent_text_publish(text=new, actor=admin_user)
    response = client.post(
        reverse("consent:sign", args=[case.public_id]),
        {
            "signer_name": "Asha Verma",
            "relationship": "self",
            "agree": "on",
            "text_id": str(old.public_id),
        },
    )
    assert response.status_code == 200
    assert "updated" in response.content.decode()
    assert not consent_is_active(case=case)
