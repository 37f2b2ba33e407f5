"""Every read of the records app, each deciding who may see it and writing an audit event.

The opinion page and the share links are for the case's account holder only (the patient, or
the relative acting for them); the shared page is for whoever holds an open link. Reviewers
appear as the signed report prints them: qualifications and registration numbers always, names
only in the open identity mode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consilium.accounts.models import User
from consilium.audit.models import AuditEvent
from consilium.audit.services import record
from consilium.cases.models import Case
from consilium.cases.selectors import case_get
from consilium.documents.models import Document
from consilium.documents.selectors import documents_of_case
from consilium.patients.models import Patient
from consilium.patients.selectors import patients_of
from consilium.records.actions import RecordAction
from consilium.records.models import ExportStatus, RecordExport, ShareLink
from consilium.records.services import share_token_hash
from consilium.reports.models import Report
from consilium.reports.rendering import report_context
from consilium.review.models import Assignment, AssignmentStatus, FollowUp
from consilium.review.selectors import identity_mode, section_label, specialist_label

# --- The opinion as a page ----------------------------------------------------------------------


@dataclass
class OpinionView:
    """What the opinion page shows: the latest signed version, summary first."""

    case: Case
    report: Report
    summary: str
    context: dict[str, Any]


def _holder(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and not user.is_staff_role)


def _latest_report(*, case_filter: Q) -> Report:
    report = (
        Report.objects.filter(case_filter).select_related("case__patient__holder")
        .order_by("-version").first()
    )
    if report is None:
        raise Http404
    return report


def _opinion_view(report: Report) -> OpinionView:
    case = report.case
    # The answers the signed version carries: those given before it was made.
    follow_ups = list(
        FollowUp.objects.filter(review__case=case, answered_at__isnull=False,
                                answered_at__lte=report.created_at).order_by("answered_at", "id")
    )
    context = report_context(case=case, version=report.version, follow_ups=follow_ups,
                             issued_at=report.signed_at)
    summary_title = section_label("patient_summary")
    summary = ""
    sections = []
    for section in context["sections"]:
        if section.title == summary_title:
            summary = section.text
        else:
            sections.append(section)
    context["sections"] = sections
    return OpinionView(case=case, report=report, summary=summary, context=context)


def opinion_get(*, user: User, public_id: UUID | str) -> OpinionView:
    """The case's signed opinion for its account holder, or 404 (no report yet, anyone else);
    writes an audit event once the read is allowed."""
    if not _holder(user):
        raise Http404
    try:
        report = _latest_report(case_filter=Q(case__public_id=public_id,
                                              case__patient__holder=user))
    except ValueError:
        raise Http404 from None
    record(actor=user, action=RecordAction.OPINION_VIEW, target=report.case,
           detail={"report": str(report.public_id)})
    return _opinion_view(report)


# --- The opinion in the export ----------------------------------------------------------------


@dataclass
class ExportOpinion:
    """One signed version's content for the FHIR export: the same text the PDF prints."""

    summary: str
    sections: list[Any]
    investigations: str
    questions: list[tuple[str, str]]
    assignments: list[Assignment]


def opinion_sections(*, report: Report) -> ExportOpinion:
    """The caller (the export) has been allowed the whole record and writes the audit event."""
    view = _opinion_view(report)
    investigations_title = section_label("further_investigations")
    return ExportOpinion(
        summary=view.summary,
        sections=view.context["sections"],
        investigations=next((s.text for s in view.context["sections"]
                             if s.title == investigations_title), ""),
        questions=list(view.context["questions"]),
        assignments=list(
            Assignment.objects.filter(review__case=report.case, status=AssignmentStatus.ACCEPTED)
            .select_related("specialist__user").order_by("position")
        ),
    )


@dataclass
class ExportReviewer:
    """A reviewer as the signed report names them (names only in the open identity mode)."""

    assignment: Assignment
    label: str


def reviewers_of(*, cases: list[Case]) -> dict[int, ExportReviewer]:
    """The accepted reviewers of the cases, by assignment id."""
    mode = identity_mode()
    seats = (Assignment.objects.filter(review__case__in=cases, status=AssignmentStatus.ACCEPTED)
             .select_related("specialist__user").order_by("review__case", "position"))
    return {a.pk: ExportReviewer(assignment=a, label=specialist_label(assignment=a, mode=mode))
            for a in seats}


# --- Share links, as their patient sees them -----------------------------------------------------


@dataclass
class ShareLinks:
    case: Case
    has_report: bool
    links: list[ShareLink]
    now: dt.datetime


def share_links_of_case(*, user: User, public_id: UUID | str) -> ShareLinks:
    """The links made for a case, newest first, for its account holder; 404 for anyone else."""
    if not _holder(user):
        raise Http404
    case = case_get(user=user, public_id=public_id, action=RecordAction.SHARE_LIST,
                    holder_only=True)
    return ShareLinks(
        case=case,
        has_report=Report.objects.filter(case=case).exists(),
        links=list(ShareLink.objects.filter(case=case).order_by("-created_at", "-id")),
        now=timezone.now(),
    )


def share_link_get(*, user: User, public_id: UUID | str,
                   action: StrEnum = RecordAction.SHARE_VIEW) -> ShareLink:
    """One of the account holder's links, or 404; writes an audit event."""
    if not _holder(user):
        raise Http404
    try:
        link = ShareLink.objects.select_related("case__patient").get(
            public_id=public_id, case__patient__holder=user
        )
    except (ShareLink.DoesNotExist, ValueError):
        raise Http404 from None
    record(actor=user, action=action, target=link.case,
           detail={"share_link": str(link.public_id)})
    return link


# What a link was used for, as the patient reads it.
SHARED_ACTIONS = (
    RecordAction.SHARED_OPEN, RecordAction.SHARED_PDF, RecordAction.SHARED_DOCUMENT,
    RecordAction.SHARED_PIN_FAILED, RecordAction.SHARED_PIN_PASSED, RecordAction.SHARED_REFUSED,
)
USES_SHOWN = 200


@dataclass
class Use:
    at: dt.datetime
    action: str
    what: str


def share_link_uses(*, link: ShareLink) -> list[Use]:
    """Every use of a link (opened, the PDF, a document, a PIN, a refusal), newest first; the
    caller has already been allowed to see the link."""
    events = AuditEvent.objects.filter(
        target_type=Case._meta.label_lower, target_id=str(link.case.public_id),
        action__in=SHARED_ACTIONS, detail__share_link=str(link.public_id),
    ).order_by("-at", "-id")[:USES_SHOWN]
    return [Use(at=e.at, action=e.action, what=str(WHAT[e.action])) for e in events]


# --- The shared page, for whoever holds the link ------------------------------------------------


def shared_find(*, token: str) -> ShareLink | None:
    """The link a token opens (open or not), or None for a token no link has."""
    if not token or len(token) > 100:
        return None
    return (
        ShareLink.objects.select_related("case__patient")
        .filter(token_hash=share_token_hash(token)).first()
    )


@dataclass
class SharedView:
    link: ShareLink
    opinion: OpinionView
    documents: list[Document]


def _event(
    link: ShareLink, actor: User | AnonymousUser, action: StrEnum, ip: str, **extra: str
) -> None:
    record(actor=actor, action=action, target=link.case, ip=ip,
           detail={"share_link": str(link.public_id), **extra})


def shared_read(*, link: ShareLink, actor: User | AnonymousUser, ip: str) -> SharedView:
    """The report (and, if the patient chose, the list of original documents) behind an open
    link; the caller has checked the link is open and unlocked. Writes an audit event."""
    report = _latest_report(case_filter=Q(case=link.case))
    _event(link, actor, RecordAction.SHARED_OPEN, ip, report=str(report.public_id))
    documents = documents_of_case(case=link.case) if link.include_documents else []
    return SharedView(link=link, opinion=_opinion_view(report), documents=documents)


def shared_report(*, link: ShareLink, actor: User | AnonymousUser, ip: str) -> Report:
    """The signed report behind an open link, for its PDF; writes an audit event."""
    report = _latest_report(case_filter=Q(case=link.case))
    _event(link, actor, RecordAction.SHARED_PDF, ip, report=str(report.public_id))
    return report


def shared_document(
    *, link: ShareLink, actor: User | AnonymousUser, ip: str, public_id: UUID | str
) -> Document:
    """One original document behind an open link that shares documents, or 404; audited."""
    if not link.include_documents:
        raise Http404
    try:
        document = Document.objects.select_related("case__patient").get(
            case=link.case, public_id=public_id
        )
    except (Document.DoesNotExist, ValueError):
        raise Http404 from None
    _event(link, actor, RecordAction.SHARED_DOCUMENT, ip, document=str(document.public_id))
    return document


def shared_refused(*, link: ShareLink, actor: User | AnonymousUser, ip: str, state: str) -> None:
    """Records that a closed link (revoked, expired, locked) was tried: the patient sees it."""
    _event(link, actor, RecordAction.SHARED_REFUSED, ip, state=state)


# --- Who looked at my record --------------------------------------------------------------------


@dataclass
class Access:
    at: dt.datetime
    who: str
    what: str
    about: str


@dataclass
class AccessLog:
    patient: Patient
    page: Page[AuditEvent]
    accesses: list[Access]


ACCESSES_PER_PAGE = 25

# The words for what someone did; an action not listed reads as "opened your record".
WHAT: dict[str, Any] = {
    "case.view": gettext_lazy("opened the request"),
    "case.view_deidentified": gettext_lazy("read the request without your name"),
    "case.cancel_view": gettext_lazy("opened the cancellation page"),
    "case.cancel": gettext_lazy("cancelled the request"),
    "case.transition": gettext_lazy("moved the request on"),
    "case.urgent": gettext_lazy("marked the request urgent"),
    "assignment.view": gettext_lazy("looked at the offer to review the request"),
    "assignment.accept": gettext_lazy("accepted to review the request"),
    "assignment.decline": gettext_lazy("declined to review the request"),
    "assignment.offer": gettext_lazy("offered the request to a specialist"),
    "opinion.edit": gettext_lazy("worked on their opinion"),
    "opinion.save": gettext_lazy("worked on their opinion"),
    "opinion.submit": gettext_lazy("submitted their opinion"),
    "consolidation.save": gettext_lazy("worked on the panel's opinion"),
    "consolidation.submit": gettext_lazy("submitted the panel's opinion"),
    "review.panel_view": gettext_lazy("read the panel's opinions"),
    "follow_up.view": gettext_lazy("read your follow-up question"),
    "follow_up.answer": gettext_lazy("answered your follow-up question"),
    "document.download": gettext_lazy("downloaded a report you uploaded"),
    "document.review": gettext_lazy("checked the hiding of your name on a report"),
    "document.page_original": gettext_lazy("looked at a page of a report you uploaded"),
    "document.page_rendition": gettext_lazy("looked at a page of a report without your name"),
    "document.rendition_view": gettext_lazy("read a report without your name"),
    "document.view_rendition": gettext_lazy("read a report without your name"),
    "document.release": gettext_lazy("released a report to the specialists"),
    "document.release_view": gettext_lazy("checked a report before releasing it"),
    "document.list": gettext_lazy("looked at the list of your reports"),
    "redaction.add": gettext_lazy("hid more of a report"),
    "redaction.remove": gettext_lazy("changed what is hidden on a report"),
    "summary.view": gettext_lazy("read the summary of the request"),
    "summary.edit": gettext_lazy("edited the summary of the request"),
    "summary.approve": gettext_lazy("approved the summary of the request"),
    "summary.specialist_view": gettext_lazy("read the summary without your name"),
    "information_request.create": gettext_lazy("asked you for more information"),
    "information_request.view": gettext_lazy("read your answer to a request for information"),
    "report.download": gettext_lazy("downloaded the signed report"),
    RecordAction.SHARED_OPEN: gettext_lazy("opened the shared report"),
    RecordAction.SHARED_PDF: gettext_lazy("downloaded the signed report"),
    RecordAction.SHARED_DOCUMENT: gettext_lazy("downloaded a report you uploaded"),
    RecordAction.SHARED_PIN_FAILED: gettext_lazy("typed a wrong PIN"),
    RecordAction.SHARED_PIN_PASSED: gettext_lazy("typed the PIN"),
    RecordAction.SHARED_REFUSED: gettext_lazy("was refused: the link no longer works"),
}


def _who(event: AuditEvent, *, case_id: str, links: dict[str, str],
         seats: dict[tuple[str, int], Assignment], mode: str) -> str:
    link_id = event.detail.get("share_link") if isinstance(event.detail, dict) else None
    if link_id:
        return _("Someone with your link “%(label)s”") % {
            "label": links.get(link_id, _("(deleted)"))}
    actor = event.actor
    if actor is None:
        return _("The system")
    if actor.is_platform_admin:
        return _("Platform administrator %(name)s") % {"name": actor.full_name}
    if actor.is_coordinator:
        return _("Coordinator %(name)s") % {"name": actor.full_name}
    if actor.is_specialist:
        seat = seats.get((case_id, actor.pk))
        if seat is not None:
            return specialist_label(assignment=seat, mode=mode)
        return _("A specialist")
    return _("Someone else")


def access_log(*, user: User, public_id: UUID | str, page: int | str = 1) -> AccessLog:
    """Every access by someone other than the account holder to one patient's record (their
    requests, their reports, their details), newest first, a page at a time. A fixed number of
    queries per page whatever the number of events; writes an audit event."""
    if not _holder(user):
        raise Http404
    try:
        patient = patients_of(user=user).get(public_id=public_id)
    except (Patient.DoesNotExist, ValueError):
        raise Http404 from None
    record(actor=user, action=RecordAction.ACCESS_LOG_VIEW, target=patient)
    cases = {str(pid): ref for pid, ref in
             Case.objects.filter(patient=patient).values_list("public_id", "reference")}
    documents = {
        str(pid): (name, str(case_pid)) for pid, name, case_pid in
        Document.objects.filter(case__patient=patient)
        .values_list("public_id", "original_name", "case__public_id")
    }
    events = (
        AuditEvent.objects.filter(
            Q(target_type=Case._meta.label_lower, target_id__in=list(cases))
            | Q(target_type=Document._meta.label_lower, target_id__in=list(documents))
            | Q(target_type=Patient._meta.label_lower, target_id=str(patient.public_id))
        )
        .filter(Q(actor__isnull=False) | Q(detail__has_key="share_link"))
        .exclude(actor=user)
        .select_related("actor")
        .order_by("-at", "-id")
    )
    current = Paginator(events, ACCESSES_PER_PAGE).get_page(page)
    rows = list(current.object_list)
    link_ids = {e.detail.get("share_link") for e in rows if isinstance(e.detail, dict)} - {None}
    links = {
        str(pid): label for pid, label in
        ShareLink.objects.filter(case__patient=patient, public_id__in=link_ids)
        .values_list("public_id", "label")
    } if link_ids else {}
    specialists = {e.actor_id for e in rows if e.actor is not None and e.actor.is_specialist}
    seats: dict[tuple[str, int], Assignment] = {}
    if specialists:
        for seat in (
            Assignment.objects.filter(review__case__patient=patient,
                                      specialist__user_id__in=specialists)
            .select_related("specialist__user", "review__case")
        ):
            seats[(str(seat.review.case.public_id), seat.specialist.user_id)] = seat
    mode = identity_mode()
    accesses = []
    for event in rows:
        case_id = event.target_id
        if event.target_type == Document._meta.label_lower:
            # A specialist's seat is on the case the document belongs to.
            name, case_id = documents.get(event.target_id, ("", ""))
            about = f"{cases.get(case_id, '')} · {name}".strip(" ·")
        elif event.target_type == Patient._meta.label_lower:
            about = _("your details")
        else:
            about = cases.get(case_id, "")
        accesses.append(Access(
            at=event.at,
            who=_who(event, case_id=case_id, links=links, seats=seats, mode=mode),
            what=str(WHAT.get(event.action, _("opened your record"))),
            about=about,
        ))
    return AccessLog(patient=patient, page=current, accesses=accesses)


# --- The case page's part ---------------------------------------------------------------------


def case_page_part(user: User, case: Case, is_holder: bool) -> dict[str, Any]:
    """Links from the case page to the opinion page and the share links, for the holder once a
    report exists (registered with `cases.hooks.on_case_page`)."""
    if not is_holder:
        if user.is_coordinator:
            return {"record_links": {"erase": reverse(
                "records:erase", kwargs={"public_id": case.patient.public_id})}}
        return {}
    if not Report.objects.filter(case=case).exists():
        return {}
    return {
        "record_links": {
            "opinion": reverse("records:opinion", kwargs={"public_id": case.public_id}),
            "shares": reverse("records:shares", kwargs={"public_id": case.public_id}),
            "access": reverse("records:access_log",
                              kwargs={"public_id": case.patient.public_id}),
            "export": reverse("records:export", kwargs={"public_id": case.patient.public_id}),
        }
    }


# --- The export of the whole record ---------------------------------------------------------


@dataclass
class Exports:
    patient: Patient
    exports: list[RecordExport]
    now: dt.datetime

    @property
    def building(self) -> bool:
        return any(e.status in (ExportStatus.QUEUED, ExportStatus.BUILDING) for e in self.exports)


def _held_patient(user: User, public_id: UUID | str) -> Patient:
    if not _holder(user):
        raise Http404
    try:
        return patients_of(user=user).get(public_id=public_id)
    except (Patient.DoesNotExist, ValueError):
        raise Http404 from None


def exports_of_patient(*, user: User, public_id: UUID | str) -> Exports:
    """The account holder's exports of one patient's record, newest first; 404 for anyone
    else. Only when and how big, no health data: no audit event (the page polls it)."""
    patient = _held_patient(user, public_id)
    return Exports(patient=patient, exports=list(patient.exports.all()[:10]), now=timezone.now())


def export_get(*, user: User, public_id: UUID | str) -> RecordExport:
    """One of the account holder's exports (its state, not its content), or 404."""
    if not _holder(user):
        raise Http404
    try:
        return RecordExport.objects.select_related("patient").get(
            public_id=public_id, patient__holder=user)
    except (RecordExport.DoesNotExist, ValueError):
        raise Http404 from None


def export_for_download(*, user: User, public_id: UUID | str) -> RecordExport | None:
    """The export to download, for its account holder only (404 for anyone else), or None when
    it is not ready or has expired; writes the audit event of the download."""
    export = export_get(user=user, public_id=public_id)
    if not export.is_downloadable_at(timezone.now()):
        return None
    record(actor=user, action=RecordAction.EXPORT_DOWNLOAD, target=export.patient,
           detail={"export": str(export.public_id)})
    return export


# --- Erasure ------------------------------------------------------------------------------------


def patient_for_erasure(*, user: User, public_id: UUID | str) -> Patient:
    """The patient whose erasure the account holder, or a coordinator acting on a written
    request, may ask for; 404 for anyone else. Writes an audit event (the page lists the
    record's requests)."""
    if _holder(user):
        patient = _held_patient(user, public_id)
    elif user.is_coordinator:
        try:
            patient = Patient.objects.select_related("holder").get(public_id=public_id)
        except (Patient.DoesNotExist, ValueError):
            raise Http404 from None
    else:
        raise Http404
    record(actor=user, action=RecordAction.ERASE_VIEW, target=patient)
    return patient
