from __future__ import annotations

import ctypes
import io
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from django.urls import reverse

from consilium.audit.models import AuditEvent
from consilium.billing.tests.factories import make_case
from consilium.cases.models import Case, CaseStatus
from consilium.consent.models import ConsentSignature
from consilium.consent.selectors import consent_is_active
from consilium.consent.services import consent_sign
from consilium.core.testing import login_with_2fa
from consilium.patients.models import Patient

pytestmark = pytest.mark.django_db


def _signed(patient: Patient, name: str = "Asha Verma") -> ConsentSignature:
    return consent_sign(
        case=make_case(patient),
        signer=patient.holder,
        signer_name=name,
        relationship="self",
        ip="198.51.100.4",
        user_agent="Mozilla/5.0 (Linux; Android 12) TestPhone",
    )


def _pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(io.BytesIO(content))
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def _font_names(content: bytes) -> set[str]:
    names = set()
    for page in pdfium.PdfDocument(io.BytesIO(content)):
        for obj in page.get_objects():
            if obj.type == pdfium_raw.FPDF_PAGEOBJ_TEXT:
                font = pdfium_raw.FPDFTextObj_GetFont(obj.raw)
                size = pdfium_raw.FPDFFont_GetBaseFontName(font, None, 0)
                buffer = ctypes.create_string_buffer(size)
                pdfium_raw.FPDFFont_GetBaseFontName(font, buffer, size)
                names.add(buffer.value.decode())
    return names


def test_the_downloaded_pdf_is_a_real_pdf_with_the_signer_and_the_evidence(
    client: Any, patient: Patient
) -> None:
    signature = _signed(patient)
    client.force_login(patient.holder)
    response = client.get(reverse("consent:download", args=[signature.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "Asha Verma" in text
    assert "198.51.100.4" in text
    assert "IST" in text and "UTC" in text
    assert signature.text_sha256 in text.replace("\n", "").replace("\r", "")
    assert AuditEvent.objects.filter(
        action="consent.download", target_id=str(signature.public_id)
    ).exists()


def test_a_devanagari_name_renders_in_the_pdf(client: Any, patient: Patient) -> None:
    signature = _signed(patient, name="आशा")
    client.force_login(patient.holder)
    response = client.get(reverse("consent:download", args=[signature.public_id]))
    assert "आशा" in _pdf_text(response.content)
    # The glyphs come from an embedded Noto Devanagari font, not boxes from a fallback font.
    assert any("Devanagari" in name for name in _font_names(response.content))


def test_a_coordinator_may_download_the_consent_of_a_submitted_case_but_not_of_a_draft(
    client: Any, patient: Patient, coordinator: Any
) -> None:
    signature = _signed(patient)
    url = reverse("consent:download", args=[signature.public_id])
    login_with_2fa(client, coordinator)
    assert client.get(url).status_code == 404
    Case.objects.filter(pk=signature.case_id).update(status=CaseStatus.TRIAGE)
    assert client.get(url).status_code == 200


def test_another_patient_and_a_specialist_get_404_for_the_pdf(
    client: Any, patient: Patient, other_patient: Patient, specialist: Any
) -> None:
    signature = _signed(patient)
    url = reverse("consent:download", args=[signature.public_id])
    client.force_login(other_patient.holder)
    assert client.get(url).status_code == 404
    login_with_2fa(client, specialist)
    assert client.get(url).status_code == 404


def test_withdrawal_asks_for_confirmation_and_explains_the_effect(
    client: Any, patient: Patient
) -> None:
    signature = _signed(patient)
    client.force_login(patient.holder)
    response = client.get(reverse("consent:withdraw", args=[signature.public_id]))
    assert response.status_code == 200
    assert "cannot be sent to a specialist until you sign again" in response.content.decode()
    assert consent_is_active(case=signature.case)


def test_withdrawing_makes_the_consent_inactive_and_allows_signing_again(
    client: Any, patient: Patient
) -> None:
    signature = _signed(patient)
    client.force_login(patient.holder)
    response = client.post(reverse("consent:withdraw", args=[signature.public_id]))
    assert response.status_code == 302
    assert not consent_is_active(case=signature.case)
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1
    # A second POST changes nothing.
    client.post(reverse("consent:withdraw", args=[signature.public_id]))
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1
    page = client.get(reverse("consent:sign", args=[signature.case.public_id]))
    assert page.context["form"] is not None


def test_only_the_holder_may_withdraw(
    client: Any, patient: Patient, other_patient: Patient, coordinator: Any
) -> None:
    signature = _signed(patient)
    url = reverse("consent:withdraw", args=[signature.public_id])
    client.force_login(other_patient.holder)
    assert client.post(url).status_code == 404
    login_with_2fa(client, coordinator)
    assert client.post(url).status_code == 404
    assert consent_is_active(case=signature.case)
