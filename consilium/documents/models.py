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

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
