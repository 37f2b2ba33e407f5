from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consilium.cases.models import Case
from consilium.core.models import BaseModel


class DocumentCategory(models.TextChoices):
    IMAGING = "imaging", _("Imaging report (CT, MRI, PET, X-ray, ultrasound)")
    PATHOLOGY = "pathology", _("Pathology or biopsy report")
    LAB = "lab", _("Blood and lab tests")
    DISCHARGE = "discharge", _("Discharge summary")
    PRESCRIPTION = "prescription", _("Prescription")
    CLINICAL_NOTES = "clinical_notes", _("Clinical notes")
    OPERATION_NOTES = "operation_notes", _("Operation notes")
    OTHER = "other", _("Other")


class DocumentStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PROCESSING = "processing", _("Reading")
    PROCESSED = "processed", _("Read")
    FAILED = "failed", _("Could not be read")


class Document(BaseModel):
    """An uploaded report. The bytes live encrypted in file storage under `storage_key`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=20, choices=DocumentCategory.choices)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(help_text=_("Bytes of the stored (cleaned) file"))
    # What the patient sent, before photos were re-encoded without their metadata: the 75 MB per
    # case limit counts these bytes, the sizes the patient sees on their phone.
    uploaded_size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(
        max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.UPLOADED
    )
    page_count = models.PositiveIntegerField(null=True, blank=True)
    # Extracted text is health data: it is stored encrypted in file storage, never in this table.
    text_storage_key = models.CharField(max_length=255, blank=True)
    processing_error = models.CharField(max_length=200, blank=True)
    # The specialist rendition: what a specialist may open instead of the original (page images
    # with identifiers blacked out, no text layer, no metadata), encrypted like the original.
    # Specialists see a document only once a coordinator has released its rendition.
    rendition_storage_key = models.CharField(max_length=255, blank=True)
    rendition_sha256 = models.CharField(max_length=64, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Reading progress, shown as "page k of n" while the status is processing.
    pages_done = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    # What reading found, encrypted like the original: the words with their boxes and the
    # identifiers found on each page (JSON), and the text of the rendition (identifiers masked).
    analysis_storage_key = models.CharField(max_length=255, blank=True)
    redacted_text_storage_key = models.CharField(max_length=255, blank=True)
    # Every change to the redaction boxes counts one up; the rendition records the count it was
    # drawn from, so a stale rendition is never released.
    redaction_version = models.PositiveIntegerField(default=0)
    rendition_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def rendition_is_current(self) -> bool:
        return bool(self.rendition_storage_key) and self.rendition_version == self.redaction_version


class PageSource(models.TextChoices):
    TEXT_LAYER = "text-layer", _("Text of the PDF")
    OCR = "ocr", _("Read from the picture (OCR)")


class DocumentPage(models.Model):
    """One page as the reader saw it: a picture (a PDF page rendered, a photo straightened),
    encrypted in file storage. Redaction boxes are drawn on it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=16, choices=PageSource.choices)
    width = models.PositiveIntegerField(help_text=_("Pixels of the stored picture"))
    height = models.PositiveIntegerField()
    image_storage_key = models.CharField(max_length=255, unique=True)
    image_sha256 = models.CharField(max_length=64)
    # How sure reading was of this page (0..1; text-layer pages 1). Under the reader's threshold
    # the page is hard to read: identifiers may have been missed, so the coordinator must look at
    # it by eye before it is released (checked_* record the last time they said they did).
    confidence = models.FloatField(null=True, blank=True)
    hard_to_read = models.BooleanField(default=False)
    checked_by_eye_at = models.DateTimeField(null=True, blank=True)
    checked_by_eye_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_page_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="document_page_from_1"),
        ]

    def __str__(self) -> str:
        return f"page {self.number}"


class RedactionKind(models.TextChoices):
    NAME = "NAME", _("Name")
    DATE = "DATE", _("Date")
    PHONE = "PHONE", _("Phone number")
    EMAIL = "EMAIL", _("Email")
    ADDRESS = "ADDRESS", _("Address")
    LOCATION = "LOCATION", _("Place")
    PIN = "PIN", _("PIN code")
    ID = "ID", _("Record or ID number")
    AADHAAR = "AADHAAR", _("Aadhaar number")
    PAN = "PAN", _("PAN")
    ABHA = "ABHA", _("ABHA number")
    AGE = "AGE", _("Age over 89")
    MANUAL = "MANUAL", _("Marked by a coordinator")


class BoxOrigin(models.TextChoices):
    PROPOSED = "proposed", _("Found by the system")
    COORDINATOR = "coordinator", _("Added by a coordinator")


class RedactionBox(BaseModel):
    """A rectangle blacked out on one page of the specialist rendition. Coordinates are shares
    (0..1) of the page picture's width and height, so they hold at any resolution. The text
    under the box is never stored here: only where it is and what kind of identifier it was."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="boxes")
    page = models.PositiveIntegerField()
    x0 = models.FloatField()
    y0 = models.FloatField()
    x1 = models.FloatField()
    y1 = models.FloatField()
    kind = models.CharField(max_length=16, choices=RedactionKind.choices)
    # Written on the box in the rendition: a date told as days from the case's day 0
    # ("day −18"), so specialists keep the timeline. Never the text under the box.
    label = models.CharField(max_length=32, blank=True)
    origin = models.CharField(max_length=16, choices=BoxOrigin.choices)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["document", "page", "y0", "x0", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(x0__gte=0, y0__gte=0, x1__lte=1, y1__lte=1)
                & models.Q(x0__lt=models.F("x1"), y0__lt=models.F("y1")),
                name="redaction_box_inside_page",
            ),
            models.CheckConstraint(condition=models.Q(page__gte=1), name="redaction_box_page"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on page {self.page}"

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)
