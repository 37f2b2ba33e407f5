"""Erasing a patient (DPDP Act 2023, s. 12: the right to erasure).

Every file of a patient is encrypted with that patient's own data key, wrapped by the master
key (`Patient.wrapped_data_key`, core.crypto). Erasure destroys the wrapped key, so every file
of theirs, in the file store and in any copy of it, can no longer be opened with anything the
deployment holds from then on; the files are also deleted. Rows with health data or identity
are deleted, or emptied where something the law keeps points at them:

- kept: payment records (accounting law), the consent's tombstone (which text was agreed and
  when, who signed emptied), the erasure's own tombstone and audit event, the audit log (ids and
  actions only), and the signed reports if the deployment keeps them (re-encrypted under the
  retention key, since the patient's key is gone);
- emptied: the patient row, the cases (reference, status and dates stay), the consent
  signatures' signer and device, and the account itself when the holder is the patient;
- deleted: documents and everything read from them, case summaries, questions, information
  requests, the review (opinions, follow-ups, rating), share links, exports, reports (unless
  kept), emails and notices that name the patient.

A database backup made before the erasure still holds the wrapped key until that backup is
deleted; DESIGN.md says so.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.billing.models import Payment, PaymentEvent
from consilium.cases.models import (
    Case,
    CaseQuestion,
    CaseStatus,
    CaseTransition,
    InformationRequest,
)
from consilium.consent.models import ConsentSignature
from consilium.core.crypto import retention_key
from consilium.core.errors import require
from consilium.core.storage import encrypted_read_bytes, encrypted_write_bytes, get_storage
from consilium.documents.models import Document, DocumentPage
from consilium.insights.models import CaseSummary
from consilium.notifications.models import Notification, OutboxMessage
from consilium.patients.models import Patient, Relationship
from consilium.records.actions import RecordAction
from consilium.records.models import Erasure, RecordExport, RetainedReport, ShareLink
from consilium.reports.files import report_read
from consilium.reports.models import Report
from consilium.review.models import Review, SpecialistChoice

logger = logging.getLogger(__name__)

# A case may be erased before it is sent and after it is over; never while people work on it.
ERASABLE = frozenset({CaseStatus.DRAFT, CaseStatus.CLOSED, CaseStatus.CANCELLED})
ERASED = "[erased]"

# The case's own words: everything the patient typed.
CASE_TEXT = ("diagnosis_so_far", "symptoms", "symptom_timeline", "allergies",
             "current_medicines", "past_history", "treatment_so_far", "treatment_planned",
             "treating_doctor", "treating_hospital")
CASE_JSON = ("reasons", "red_flags", "red_flag_answers")
PATIENT_TEXT = ("phone", "email", "address", "city", "state", "country", "abha_number", "sex")


@dataclass
class ErasurePlan:
    """What erasing the patient would do, for the confirmation page and the service alike."""

    patient: Patient
    cases: list[Case]
    open_cases: list[Case]
    documents: int
    reports: int
    consents: int
    payments: int
    keeps_reports: bool
    closes_account: bool
    other_patients: list[Patient] = field(default_factory=list)
    already_erased: bool = False

    @property
    def refusal(self) -> str:
        if self.already_erased:
            return _("This record has already been erased.")
        if self.open_cases:
            return _("%(cases)s still open. A record can be erased once every request is "
                     "closed or cancelled: cancel a request still waiting for triage, or ask "
                     "us to close one whose opinion you have.") % {
                "cases": ", ".join(f"{c.reference} ({c.get_status_display()})"
                                   for c in self.open_cases)}
        if self.closes_account and self.other_patients:
            return _("Erasing your own record closes your account, which also holds the "
                     "record of %(names)s. Erase those first, or ask us to move them to "
                     "another account.") % {
                "names": ", ".join(p.full_name for p in self.other_patients)}
        return ""


def erasure_plan(*, patient: Patient) -> ErasurePlan:
    cases = list(Case.objects.filter(patient=patient).order_by("created_at", "id"))
    closes_account = patient.relationship == Relationship.SELF
    return ErasurePlan(
        patient=patient,
        cases=cases,
        open_cases=[c for c in cases if c.status not in ERASABLE],
        documents=Document.objects.filter(case__in=cases).count(),
        reports=Report.objects.filter(case__in=cases).count(),
        consents=ConsentSignature.objects.filter(case__in=cases).count(),
        payments=Payment.objects.filter(case__in=cases).count(),
        keeps_reports=settings.ERASURE_KEEPS_REPORTS,
        closes_account=closes_account,
        other_patients=list(
            Patient.objects.filter(holder_id=patient.holder_id, erased_at__isnull=True)
            .exclude(pk=patient.pk)
        ) if closes_account else [],
        already_erased=patient.erased_at is not None,
    )


def _identity(patient: Patient) -> list[str]:
    """What names the patient, as it may appear in a text someone wrote."""
    values = [patient.full_name, patient.email, patient.phone, patient.abha_number]
    digits = re.sub(r"\D", "", patient.phone)
    if len(digits) >= 10:
        values.append(digits[-10:])
    if patient.relationship == Relationship.SELF:
        holder = patient.holder
        values += [holder.full_name, holder.email, holder.phone]
    return sorted({v for v in values if v and len(v) >= 3}, key=len, reverse=True)


def _scrub(text: str, identity: list[str]) -> str:
    for value in identity:
        text = re.sub(re.escape(value), ERASED, text, flags=re.IGNORECASE)
    return text


def _mentions(field_name: str, identity: list[str]) -> Q:
    query = Q(pk__in=[])
    for value in identity:
        query |= Q(**{f"{field_name}__icontains": value})
    return query


@dataclass
class ErasureDone:
    erasure: Erasure
    closed_account: bool


@transaction.atomic
def patient_erase(*, patient: Patient, actor: User, reason: str = "") -> ErasureDone:
    """Erases the patient (see the module's docstring). The account holder may; a coordinator
    may on the patient's written request, with a reason. Refused while a request is open."""
    is_holder = patient.holder_id == actor.pk
    require(is_holder or actor.is_coordinator, _("Only the account holder can erase this."))
    require(is_holder or reason.strip(),
            _("Write what the request was (who asked, how, when): it is kept with the erasure."))
    patient = Patient.objects.select_for_update().select_related("holder").get(pk=patient.pk)
    # The cases too: a case cannot move on (be submitted) while it is being erased.
    list(Case.objects.select_for_update().filter(patient=patient))
    plan = erasure_plan(patient=patient)
    require(not plan.refusal, plan.refusal)
    identity = _identity(patient)
    holder = patient.holder
    to_email, to_name = holder.email, holder.full_name
    cases = plan.cases
    doomed: list[str] = []

    # Files and what was read from them.
    documents = list(Document.objects.filter(case__in=cases))
    for document in documents:
        doomed += [k for k in (document.storage_key, document.text_storage_key,
                               document.rendition_storage_key, document.analysis_storage_key,
                               document.redacted_text_storage_key) if k]
    doomed += list(DocumentPage.objects.filter(document__in=documents)
                   .values_list("image_storage_key", flat=True))
    Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
    summaries = CaseSummary.objects.filter(case__in=cases)
    doomed += list(summaries.values_list("content_storage_key", flat=True))
    summaries.delete()
    exports = RecordExport.objects.filter(patient=patient)
    doomed += [k for k in exports.values_list("storage_key", flat=True) if k]
    exports.delete()
    ShareLink.objects.filter(case__in=cases).delete()

    # The signed reports: kept under the retention key if the deployment says so, else deleted.
    reports = list(Report.objects.filter(case__in=cases).select_related("case__patient"))
    kept_reports = 0
    for report in reports:
        doomed.append(report.storage_key)
        if settings.ERASURE_KEEPS_REPORTS:
            key, _size, sha256 = encrypted_write_bytes(data=report_read(report=report),
                                                       data_key=retention_key())
            RetainedReport.objects.create(report=report, storage_key=key, sha256=sha256)
            kept_reports += 1
    if not settings.ERASURE_KEEPS_REPORTS:
        Report.objects.filter(pk__in=[r.pk for r in reports]).delete()

    # The review, and what the patient typed.
    Review.objects.filter(case__in=cases).delete()
    SpecialistChoice.objects.filter(case__in=cases).delete()
    CaseQuestion.objects.filter(case__in=cases).delete()
    InformationRequest.objects.filter(case__in=cases).delete()
    CaseTransition.objects.filter(case__in=cases).update(note="")
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        **dict.fromkeys(CASE_TEXT, ""), **{name: [] for name in CASE_JSON})

    # The consent's tombstone: which text, when, withdrawn or not; not who signed or from where.
    ConsentSignature.objects.filter(case__in=cases).update(signer_name=ERASED, ip=None,
                                                           user_agent="")
    # Emails and notices that name the patient (a relative's too), and provider payloads.
    OutboxMessage.objects.filter(
        _mentions("subject", identity) | _mentions("body_text", identity)
        | _mentions("body_html", identity) | _mentions("to", identity)
    ).delete()
    Notification.objects.filter(_mentions("message", identity)).delete()
    PaymentEvent.objects.annotate(text=Cast("payload", TextField())).filter(
        _mentions("text", identity)).update(payload={"erased": True})
    LogEntry.objects.filter(_mentions("object_repr", identity)).update(object_repr=ERASED)

    # The patient, and the key that opened their files.
    Patient.objects.filter(pk=patient.pk).update(
        full_name=ERASED, date_of_birth=None, wrapped_data_key=None, erased_at=timezone.now(),
        **dict.fromkeys(PATIENT_TEXT, ""))
    closed = patient.relationship == Relationship.SELF
    if closed:
        Notification.objects.filter(user=holder).delete()
        OutboxMessage.objects.filter(recipient=holder).delete()
        holder.email = holder.username = f"erased-{holder.public_id}@erased.invalid"
        holder.full_name = ERASED
        holder.phone = ""
        holder.is_active = False
        holder.set_unusable_password()
        holder.save()

    kept = {"payments": plan.payments, "consents": plan.consents, "reports": kept_reports,
            "cases": len(cases)}
    erasure = Erasure.objects.create(patient=patient, requested_by=actor,
                                     reason=_scrub(reason.strip(), identity), kept=kept)
    record(actor=actor, action=RecordAction.ERASE, target=patient,
           detail={"erasure": str(erasure.public_id), "by": "holder" if is_holder else
                   "coordinator", "documents": len(documents), "files": len(doomed), **kept})

    def after_commit() -> None:
        storage = get_storage()
        for key in doomed:
            try:
                storage.delete(key)
            except OSError:
                # The key is gone already, so a file left behind opens for no one; the
                # integrity sweep lists it.
                logger.warning("an erased file could not be deleted from the store")
        _email_done(to_email, to_name, erasure, plan)

    transaction.on_commit(after_commit)
    return ErasureDone(erasure=erasure, closed_account=closed)


def _email_done(to_email: str, to_name: str, erasure: Erasure, plan: ErasurePlan) -> None:
    """Sent at once, not through the outbox: an outbox row would keep the address the erasure
    has just removed. A failure is logged (without the address) and not retried."""
    body = render_to_string("records/email_erased.txt", {
        "name": to_name, "kept": erasure.kept, "keeps_reports": plan.keeps_reports,
        "closes_account": plan.closes_account, "SITE_NAME": settings.SITE_NAME,
        "references": [c.reference for c in plan.cases],
    })
    try:
        send_mail(_("Your health record has been erased"), body, None, [to_email])
    except Exception:  # noqa: BLE001 - the erasure stands; the email is a courtesy copy
        logger.exception("the erasure confirmation %s could not be sent", erasure.public_id)


def retained_report_read(*, report: Report) -> bytes:
    """A signed report kept after its patient's erasure (for a regulator's or a court's
    request); raises TamperedFileError if its bytes or hash do not match."""
    retained = RetainedReport.objects.get(report=report)
    return encrypted_read_bytes(key=retained.storage_key, data_key=retention_key(),
                                sha256=retained.sha256)


