from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consilium.cases.models import Case
from consilium.core.models import BaseModel
from consilium.patients.models import Relationship


class ConsentText(BaseModel):
    """A published version of the consent form. Versions are never edited once signed; the admin
    publishes a new version instead."""

    version = models.PositiveIntegerField()
    language = models.CharField(max_length=8, default="en")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Plain text; blank lines separate paragraphs."))
    is_active = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="consent_version_lang"),
            # Publishing swaps the active version; two active texts would make "which one did the
            # patient read?" ambiguous.
            models.UniqueConstraint(
                fields=["language"],
                condition=models.Q(is_active=True),
                name="consent_one_active_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.language})"


class ConsentSignature(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("your full name"), max_length=200)
    relationship = models.CharField(
        _("your relationship to the patient"), max_length=16, choices=Relationship.choices
    )
    signed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The fingerprint of the exact words signed, kept with the signature so the PDF can prove what
    # was agreed even if someone later tampered with the text row.
    text_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_active_signature_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.public_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
