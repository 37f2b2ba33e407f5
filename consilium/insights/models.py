"""Facts read from a case's documents, and the case summary drafted from them.

The fact table is the one place where something read from a report is kept in database columns.
That is deliberate: every column holds a normalised vocabulary word (an analyte's or a marker's
name, a LOINC code, a unit, a flag, a tumour term from a fixed list) or a number, never text
copied from the report, so a row cannot name or locate a person; and the summary, the coordinator's
list and later exports (FHIR Observations) need to query them without decrypting every file.
Everything free-form (the text, the words, the summary's wording) stays encrypted in file storage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consilium.cases.models import Case
from consilium.core.models import BaseModel
from consilium.documents.models import Document


class FactKind(models.TextChoices):
    LAB = "lab", _("Lab result")
    BIOMARKER = "biomarker", _("Biomarker")
    TUMOUR = "tumour", _("Tumour")
    URGENT = "urgent", _("Urgent finding")
    # What kind of report the document turned out to hold ("blood_count", "imaging"): name only.
    CONTENTS = "contents", _("Kind of report found")


class DocumentFact(models.Model):
    """One fact read from one page of a document."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(max_length=16, choices=FactKind.choices)
    position = models.PositiveIntegerField(help_text=_("Order within the document"))
    page = models.PositiveIntegerField(null=True, blank=True)
    # lab: analyte ("Potassium"); biomarker: marker ("HER2"); tumour: the field ("histology");
    # urgent: the red flag's label ("spinal cord compression").
    name = models.CharField(max_length=80)
    code = models.CharField(max_length=16, blank=True, help_text=_("LOINC code of a lab"))
    # lab: the normalised number as text; biomarker: its status ("equivocal"); tumour: the term.
    value = models.CharField(max_length=120, blank=True)
    number = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=32, blank=True)
    reference_range = models.CharField(max_length=64, blank=True)
    reference_source = models.CharField(max_length=16, blank=True)
    flag = models.CharField(max_length=16, blank=True)
    comparator = models.CharField(max_length=2, blank=True)
    detail = models.CharField(max_length=80, blank=True, help_text=_('e.g. "90%", "2+"'))
    method = models.CharField(max_length=16, blank=True)
    # biomarker: what the report asserts of it (oncology.Assertion: "stated", "not_tested",
    # "recommended", "historical", "family"); a result is in `value` only when "stated" or
    # "historical". Its variant allele fraction and origin (germline/somatic) as printed.
    assertion = models.CharField(max_length=16, blank=True)
    vaf = models.CharField(max_length=16, blank=True)
    origin = models.CharField(max_length=16, blank=True)
    # lab: the value and unit as the page prints them ("2.1 lakhs/cumm") beside the normalised
    # `number` and `unit`, the range as printed ("40-110", kept when read as "4 - 11"), whether
    # something did not add up (a range that fits no scale, a value no range can check), and why.
    printed = models.CharField(max_length=64, blank=True)
    printed_range = models.CharField(max_length=64, blank=True)
    uncertain = models.BooleanField(default=False)
    note = models.CharField(max_length=160, blank=True)
    # lab: OCR may have misread the value (a word read with low confidence, digits of two
    # scripts): it is kept to place the test on the page, never shown as a result.
    withheld = models.BooleanField(default=False)

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="document_fact_position")
        ]
        indexes = [models.Index(fields=["document", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class SummaryStatus(models.TextChoices):
    DRAFTED = "drafted", _("Drafted by the system")
    EDITED = "edited", _("Edited, not approved yet")
    APPROVED = "approved", _("Approved")


class CaseSummary(BaseModel):
    """The referral summary specialists read. Its content (JSON) is encrypted in file storage with
    the patient's key; this row says whose hands it has been through."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="summary")
    status = models.CharField(
        max_length=16, choices=SummaryStatus.choices, default=SummaryStatus.DRAFTED
    )
    content_storage_key = models.CharField(max_length=255, unique=True)
    content_sha256 = models.CharField(max_length=64)
    drafted_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Documents were read after a coordinator edited or approved the summary, so it may not hold
    # everything the reports now say.
    new_facts = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "case summaries"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(approved_at__isnull=False, approved_by__isnull=False),
                name="case_summary_approval_recorded",
            )
        ]

    def __str__(self) -> str:
        return f"summary of {self.case}"

    @property
    def is_approved(self) -> bool:
        return self.status == SummaryStatus.APPROVED
