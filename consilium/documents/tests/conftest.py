"""Cases, files and upload helpers for the documents tests."""

from __future__ import annotations

import io
import secrets
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from consilium.cases.models import Case, CaseStatus, MedicalArea
from consilium.core.testing import StoredObject, stored_objects
from consilium.patients.models import Patient


def make_case(patient: Patient, medical_area: str = MedicalArea.CANCER, **extra: Any) -> Case:
    return Case.objects.create(
        reference=f"CN-{secrets.token_hex(3).upper()}", patient=patient,
        created_by=patient.holder, medical_area=medical_area, **extra,
    )


@pytest.fixture
def draft_case(patient: Patient) -> Case:
    return make_case(patient)


@pytest.fixture
def other_case(other_patient: Patient) -> Case:
    return make_case(other_patient)


def submit(case: Case) -> None:
    """Moves a case out of draft as test setup (the real move is the cases app's service)."""
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.TRIAGE)
    case.refresh_from_db()


def text_pdf(*pages: str, extra: dict[str, Any] | None = None) -> bytes:
    """A valid PDF with one line of Helvetica text per page."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                           BaseFont=pikepdf.Name.Helvetica)
    )
    for text in pages or ("",):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode())
    for key, value in (extra or {}).items():
        pdf.Root[key] = value
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def sized_pdf_parts(size: int, text: str = "Haemoglobin 11.2 g/dL") -> tuple[bytes, int, bytes]:
    """A valid one-page PDF of exactly `size` bytes as (head, number of padding bytes, tail): the
    padding is the body of an unused stream, so a large file need not be built in memory."""
    content = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    padding = size
    for _attempt in range(10):
        head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(head))
            head += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        offsets.append(len(head))
        head += b"6 0 obj\n<< /Length %d >>\nstream\n" % padding
        after_padding = len(head) + padding
        tail = b"\nendstream\nendobj\n"
        xref_at = after_padding + len(tail)
        tail += b"xref\n0 7\n0000000000 65535 f \n"
        tail += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        tail += b"trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
        total = len(head) + padding + len(tail)
        if total == size:
            return head, padding, tail
        padding -= total - size
        if padding < 0:
            raise ValueError(f"a PDF cannot be as small as {size} bytes")
    raise ValueError(f"could not size a PDF to {size} bytes")


def sized_pdf(size: int) -> bytes:
    head, padding, tail = sized_pdf_parts(size)
    return head + b"\0" * padding + tail


def jpeg(size: tuple[int, int] = (64, 48), exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG", exif=exif or Image.Exif())
    return buffer.getvalue()


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(
    client: Client, case: Case, *files: tuple[str, bytes], category: str = "lab",
    json: bool = False,
) -> Any:
    data = {
        "category": category,
        "files": [SimpleUploadedFile(name, content) for name, content in files],
    }
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        reverse("documents:upload", kwargs={"public_id": case.public_id}), data, headers=headers
    )


def stored_files(settings: Any) -> list[StoredObject]:
    """Every file the store holds, unfinished writes included, whichever its backend (local disk,
    or S3 when the run has CONSILIUM_FILES_BACKEND=s3); each reads and writes raw ciphertext."""
    return stored_objects()
