"""Share links (a patient hands one case's report to a doctor without an account) and exports
of the whole record."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from consilium.cases.models import Case
from consilium.core.models import BaseModel
from consilium.patients.models import Patient

# After this many wrong PINs the link stops working: a 6-digit PIN has a million values, and a
# link lives up to 90 days, so the attempts are capped in the database, not only per address.
PIN_ATTEMPTS = 5


class ShareLink(BaseModel):
    """A read-only link to one case's signed report. The token and the PIN are shown to the
    patient once and kept only as hashes, so a copy of the database opens nothing."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="share_links")
    label = models.CharField(_("who is it for"), max_length=100)
    # SHA-256 of the token (32 random bytes): enough for a secret that cannot be guessed.
    token_hash = models.CharField(max_length=64, unique=True)
    # Django's password hasher: a 6-digit PIN would fall to a plain hash in a second.
    pin_hash = models.CharField(max_length=128, blank=True)
    include_documents = models.BooleanField(default=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_pins = models.PositiveSmallIntegerField(default=0)
    # The PIN opens the link once, in one browser; that browser keeps it open until it expires.
    pin_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="share_link_expires_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.label}"

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)

    @property
    def is_locked(self) -> bool:
        return self.failed_pins >= PIN_ATTEMPTS

    def is_open_at(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at and not self.is_locked

    def state_at(self, now: dt.datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        if self.is_locked:
            return "locked"
        return "active"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be built")
    EXPIRED = "expired", _("Expired")


class RecordExport(BaseModel):
    """One zip of a patient's whole record, built in the worker and stored encrypted with the
    patient's data key like every other file; its link works for the account holder only, until
    `expires_at`, after which the zip is deleted."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    # How far the build is (0..100), and which step, shown on the page while it builds.
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=80, blank=True)
    storage_key = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="record_export_progress"),
        ]

    def __str__(self) -> str:
        return f"export {self.public_id} ({self.status})"

    @property
    def filename(self) -> str:
        return f"health-record-{self.created_at:%Y-%m-%d}.zip"

    def is_downloadable_at(self, now: dt.datetime) -> bool:
        return (self.status == ExportStatus.READY and self.expires_at is not None
                and now < self.expires_at)


class Erasure(BaseModel):
    """The tombstone of an erased patient: who asked, when, why (a coordinator acting on a
    written request writes the reason), and what was kept and why. The patient row stays, with
    every identifying field emptied, so payments, the consent's tombstone and the audit log keep
    pointing at something."""

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="erasure")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Filled when a coordinator acts on the patient's written request; never the patient's name.
    reason = models.TextField(blank=True)
    # {"payments": n, "consents": n, "reports": n, "cases": n}: what stayed, for the email and
    # for anyone who later asks what happened to the record.
    kept = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"erasure {self.public_id}"


class RetainedReport(models.Model):
    """A signed report kept after its patient's erasure because the deployment keeps them
    (CONSILIUM_ERASURE_KEEPS_REPORTS, for the Telemedicine Practice Guidelines' record keeping):
    re-encrypted under the deployment's retention key, since the patient's key is gone."""

    report = models.OneToOneField("reports.Report", on_delete=models.PROTECT,
                                  related_name="retained")
    storage_key = models.CharField(max_length=255, unique=True)
    sha256 = models.CharField(max_length=64)
    retained_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"retained report {self.report_id}"
