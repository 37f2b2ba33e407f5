"""Making, signing, storing and delivering reports."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases.models import Case, CaseStatus
from consilium.cases.services import case_transition
from consilium.core.crypto import patient_data_key
from consilium.core.errors import require
from consilium.core.storage import encrypted_write_bytes, get_storage
from consilium.notifications.models import OutboxMessage
from consilium.notifications.services import Attachment, outbox_enqueue, user_notify
from consilium.reports.actions import ReportAction
from consilium.reports.models import Report, ReportKind
from consilium.reports.rendering import report_context, report_pdf_render
from consilium.reports.signing import pdf_sign
from consilium.review.models import Assignment, AssignmentStatus, FollowUp, OpinionStatus, Review

logger = logging.getLogger(__name__)


def _attachment(report: Report) -> Attachment:
    return Attachment(
        storage_key=report.storage_key,
        sha256=report.sha256,
        patient_public_id=str(report.case.patient.public_id),
        filename=report.filename,
    )


def report_issue(*, case: Case, kind: str, follow_up: FollowUp | None = None) -> Report | None:
    """Renders, signs and stores the next version of the case's report and sends it to the
    patient. The opinion report is made once (a second call returns None); each answered
    follow-up makes one addendum. The PDF is made outside the database transaction (about half a
    second); the row, the status change and the email are written together."""
    case = Case.objects.select_related("patient__holder").get(pk=case.pk)
    if kind == ReportKind.OPINION:
        if Report.objects.filter(case=case).exists():
            return None
        if case.status not in (CaseStatus.IN_REVIEW, CaseStatus.CONSOLIDATION):
            return None
    else:
        require(follow_up is not None and follow_up.answered_at, "answered follow-up needed")
        if Report.objects.filter(case=case, kind=ReportKind.ADDENDUM,
                                 created_at__gte=follow_up.answered_at).exists():  # type: ignore[union-attr]
            return None
    version = (Report.objects.filter(case=case).aggregate(v=Max("version"))["v"] or 0) + 1
    answered = list(
        FollowUp.objects.filter(review__case=case, answered_at__isnull=False).order_by("created_at")
    )
    issued_at = timezone.now()
    holder = case.patient.holder
    language = getattr(holder, "preferred_language", "") or "en"
    with translation.override(language):
        context = report_context(case=case, version=version, follow_ups=answered,
                                 issued_at=issued_at)
        pdf = report_pdf_render(context=context, language=language)
        signed, signer = pdf_sign(
            pdf=pdf,
            reason=str(_("Second opinion report %(reference)s, version %(version)d")
                       % {"reference": case.reference, "version": version}),
            location=settings.SITE_URL,
        )
    key, size, sha256 = encrypted_write_bytes(
        data=signed, data_key=patient_data_key(patient=case.patient)
    )
    try:
        with transaction.atomic():
            report = Report.objects.create(
                case=case, version=version, kind=kind, storage_key=key, sha256=sha256,
                size=size, signer_subject=signer[:300], signed_at=issued_at,
            )
            record(actor=None, action=ReportAction.REPORT_ISSUE, target=case,
                   detail={"report": str(report.public_id), "version": version,
                           "sha256": sha256})
            if kind == ReportKind.OPINION:
                _first_delivery(case=case)
            _deliver(report=report, language=language)
    except BaseException:
        get_storage().delete(key)
        raise
    return report


def _first_delivery(*, case: Case) -> None:
    review = Review.objects.select_related("consolidation").get(case=case)
    if review.is_panel:
        assessment = review.consolidation.assessment
    else:
        opinion = (
            Assignment.objects.filter(review=review, status=AssignmentStatus.ACCEPTED)
            .select_related("opinion").first()
        )
        assessment = opinion.opinion.assessment if opinion else ""
    review.final_assessment = assessment
    review.reported_at = timezone.now()
    review.save(update_fields=["final_assessment", "reported_at", "updated_at"])
    # The table stops the turnaround clock.
    case_transition(case=case, to=CaseStatus.REPORTED, actor=None)


def _deliver(*, report: Report, language: str) -> None:
    case = report.case
    holder = case.patient.holder
    url = case.get_absolute_url()
    with translation.override(language):
        if report.kind == ReportKind.OPINION:
            subject = _("Your second opinion is ready: %(reference)s") % {
                "reference": case.reference}
            lead = _("The written second opinion for request %(reference)s is ready. It is "
                     "attached to this email as a signed PDF and is also in your account.")
        else:
            subject = _("Answer to your follow-up question: %(reference)s") % {
                "reference": case.reference}
            lead = _("The specialists have answered your follow-up question on request "
                     "%(reference)s. The answer is added to your report; the new signed version "
                     "is attached and in your account.")
        body = (
            _("Hello,") + "\n\n" + lead % {"reference": case.reference} + "\n\n"
            + _("Read it, ask follow-up questions or send it to your doctor: %(url)s")
            % {"url": settings.SITE_URL + url} + "\n\n"
            + _("This is an opinion, not a diagnosis, treatment or prescription. Please discuss "
                "it with your treating doctor before changing any treatment.")
        )
        user_notify(
            user=holder,
            message=subject,
            url=url,
            subject=subject,
            body=body,
            dedupe_key=f"report-delivered:{report.public_id}",
            attachments=[_attachment(report)],
        )


@transaction.atomic
def report_send_to_doctor(
    *, report: Report, actor: User, email: str, doctor_name: str = "", note: str = ""
) -> None:
    """The patient sends a report to their treating doctor (the PDF attached)."""
    require(report.case.patient.holder_id == actor.pk, _("Only the account holder can send this."))
    email = email.strip()
    require(email, _("Enter your doctor's email address."))
    sent = OutboxMessage.objects.filter(dedupe_key__startswith=f"report-shared:{report.public_id}:")
    require(
        not sent.filter(to__iexact=email, created_at__gte=timezone.now() - RESEND_WAIT).exists(),
        _("This report was sent to %(email)s a few minutes ago. Please check with your doctor "
          "before sending it again.") % {"email": email},
    )
    require(
        sent.filter(created_at__gte=timezone.now() - dt.timedelta(days=1)).count() < SENDS_PER_DAY,
        _("This report has been sent %(n)d times today. To protect your privacy you can send it "
          "again tomorrow, or download it and share it yourself.") % {"n": SENDS_PER_DAY},
    )
    case = report.case
    name = re.sub(r"(?i)^\s*(dr\.?|doctor)\s+", "", doctor_name).strip()
    greeting = (_("Dear Dr %(name)s,") % {"name": name}) if name else _("Dear Doctor,")
    body = (
        greeting + "\n\n"
        + _("%(sender)s has asked us to send you the second opinion report for %(patient)s "
            "(reference %(reference)s, version %(version)d). It is attached as a digitally "
            "signed PDF.")
        % {"sender": actor.full_name or actor.email, "patient": case.patient.full_name,
           "reference": case.reference, "version": report.version}
        + ("\n\n" + _("Their note:") + "\n" + note.strip() if note.strip() else "")
        + "\n\n" + _("This is an opinion based on the reports the patient sent; the specialists "
                     "did not examine the patient.")
    )
    # Each send is its own message: the audit event's id makes the dedupe key.
    event = record(
        actor=actor, action=ReportAction.REPORT_SHARE,
        target=case, detail={"report": str(report.public_id)}
    )
    outbox_enqueue(
        to=email,
        subject=_("Second opinion report %(reference)s") % {"reference": case.reference},
        body_text=body,
        dedupe_key=f"report-shared:{report.public_id}:{event.pk}",
        attachments=[_attachment(report)],
    )


# A report names the patient: sending it on is limited, and the same address is not sent twice
# in a row by a mistaken double click.
SENDS_PER_DAY = 5
RESEND_WAIT = dt.timedelta(minutes=10)


def report_download_path(report: Report) -> str:
    return reverse("reports:download", kwargs={"public_id": report.public_id})


# A report is made by a task enqueued when the last opinion (or the answer) is submitted. If that
# task was lost (a worker killed mid-way, a queue emptied), the scheduler notices and asks again.
LOST_TASK_GRACE = dt.timedelta(minutes=2)


def reports_issue_due(*, now: dt.datetime | None = None) -> int:
    """Enqueues every report that should exist but does not; returns how many."""
    # Imported here: the task module imports this one (a task loads by id and calls a service).
    from consilium.reports.tasks import report_issue_task

    now = now or timezone.now()
    cutoff = now - LOST_TASK_GRACE
    no_report = ~Exists(Report.objects.filter(case=OuterRef("case")))
    singles = Review.objects.filter(
        no_report,
        panel_size=1,
        case__status=CaseStatus.IN_REVIEW,
        assignments__status=AssignmentStatus.ACCEPTED,
        assignments__opinion__status=OpinionStatus.SUBMITTED,
        assignments__opinion__submitted_at__lte=cutoff,
    )
    panels = Review.objects.filter(
        no_report,
        case__status=CaseStatus.CONSOLIDATION,
        consolidation__status=OpinionStatus.SUBMITTED,
        consolidation__submitted_at__lte=cutoff,
    )
    due = 0
    for case_id in {*singles.values_list("case_id", flat=True),
                    *panels.values_list("case_id", flat=True)}:
        report_issue_task.enqueue(case_id=case_id, kind=ReportKind.OPINION)
        due += 1
    newer_addendum = Report.objects.filter(
        case=OuterRef("review__case"), kind=ReportKind.ADDENDUM,
        created_at__gte=OuterRef("answered_at"),
    )
    for follow_up_id, case_id in (
        FollowUp.objects.filter(answered_at__lte=cutoff)
        .exclude(Exists(newer_addendum))
        .values_list("pk", "review__case_id")
    ):
        report_issue_task.enqueue(case_id=case_id, kind=ReportKind.ADDENDUM,
                                  follow_up_id=follow_up_id)
        due += 1
    return due
