"""Signed opinion reports: each version is a PDF, encrypted at rest, with its hash recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consilium.cases.models import Case
from consilium.core.models import BaseModel


class ReportKind(models.TextChoices):
    OPINION = "opinion", _("Second opinion report")
    ADDENDUM = "addendum", _("Report with answers to follow-up questions")


class Report(BaseModel):
    """One version of a case's report. A new version (an addendum) repeats the opinion and adds
    the answers to follow-up questions; earlier versions stay as they were signed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=ReportKind.choices)
    storage_key = models.CharField(max_length=255, unique=True)
    # SHA-256 of the signed PDF as delivered; checked on every read.
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    signer_subject = models.CharField(max_length=300)
    signed_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="report_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"

    @property
    def filename(self) -> str:
        return f"{self.case.reference}-opinion-v{self.version}.pdf"
