"""Who may open what: every role against every page of the project, as one table.

Each row of MATRIX is one URL (by its name), the object it is opened on, the HTTP method, the
audit action that an allowed request must write (or -), and what each role gets:

    ok      200: the page, the file
    go      a redirect that is not to a sign-in page: allowed, and sent on (a signed-in person on
            the sign-in page, a submitted case's submit page, a finished form)
    login   a redirect to the sign-in page (anonymous visitors)
    2fa     a redirect to two-step sign-in
    404     not found: objects whose existence we must not even confirm, pages of another role
    400/403/405   as the status says

The roles: `patient` (an account holder who is the patient), `proxy` (a son acting for his
father: his columns open the father's objects), `other` (another patient's account), `coord`
(coordinator), `spec` (specialist), `admin`, `anon`. Staff are signed in with two-step sign-in
done. The holder columns open their own objects; every other column tries the patient's.

The objects each holder has: `draft` (a case not yet submitted, with a report, a signed consent
and an offline payment waiting for the money), `submitted` (a submitted case with a report, a
consent and a payment that was made and is now waiting for its refund transfer), their
`.document`, `.consent` and `.payment`, `message` (the email that acknowledged the submitted
case), `email-link` and `reset-link` (an email confirmation and a password reset link),
`patient` (the holder's patient record), and on the review side `reported` (a case with its
signed report), its `.report`, `.share` (a share link, by its public id), `.share-link` (the same
link as a doctor opens it, by its token) and `.share-doc` (a document it shares).

To add a page: add one row per object state that matters (a draft and a submitted case usually
differ), keep the columns aligned, and if it needs a form to be posted, add its data to
POST_DATA. `test_every_url_of_the_project_has_a_row` fails until every URL pattern has a row,
so a view added without one cannot land (AWAITING_ROWS lists the review and reports pages
that landed before this table; take a name out when you give it rows). An object the table does
not know yet goes into `Holding.objects`, built in `holding_build`.

Every request runs in a transaction that is rolled back, so the rows and roles do not disturb
each other and a POST can do its real work.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from consilium.accounts.models import User
from consilium.accounts.services import email_verification_token
from consilium.audit.models import AuditEvent
from consilium.billing.models import Payment
from consilium.billing.services import payment_record_offline, payment_refund, payment_start
from consilium.cases.models import Case, MedicalArea, ReviewType
from consilium.cases.services import (
    case_create,
    case_save_condition,
    case_set_questions,
    case_set_review_type,
    case_submit,
)
from consilium.consent.models import ConsentSignature
from consilium.consent.selectors import consent_text_current
from consilium.consent.services import consent_sign
from consilium.core.testing import login_with_2fa
from consilium.documents.models import Document
from consilium.documents.services import document_process, redaction_box_add
from consilium.documents.tests.conftest import text_pdf
from consilium.notifications.models import OutboxMessage
from consilium.patients.models import Patient

ROLES = ("patient", "proxy", "other", "coord", "spec", "admin", "anon")
OUTCOMES = {"ok", "go", "login", "2fa", "400", "403", "404", "405"}

MATRIX = """
url                                  object              method audit                 patient proxy other coord spec  admin anon
core:home                            -                   GET    -                     go      go    go    go    go    go    ok
accounts:register                    -                   GET    -                     go      go    go    go    go    go    ok
accounts:register_sent               -                   GET    -                     ok      ok    ok    ok    ok    ok    ok
accounts:login                       -                   GET    -                     go      go    go    go    go    go    ok
accounts:logout                      -                   POST   -                     go      go    go    go    go    go    go
accounts:verify_email                email-link          GET    -                     go      go    go    go    go    go    login
accounts:verify_email_resend         -                   POST   -                     go      go    go    go    go    go    login
accounts:settings                    -                   GET    -                     ok      ok    ok    ok    ok    ok    login
accounts:two_factor                  -                   GET    -                     go      go    go    go    go    go    login
accounts:two_factor_setup            -                   GET    -                     ok      ok    ok    go    go    go    login
accounts:two_factor_backup_codes     -                   GET    -                     go      go    go    go    go    go    login
accounts:two_factor_disable          -                   POST   -                     2fa     2fa   2fa   go    go    go    login
accounts:specialist_home             -                   GET    -                     404     404   404   404   ok    404   login
accounts:password_change             -                   GET    -                     ok      ok    ok    ok    ok    ok    login
accounts:password_reset              -                   GET    -                     ok      ok    ok    ok    ok    ok    ok
accounts:password_reset_done         -                   GET    -                     ok      ok    ok    ok    ok    ok    ok
accounts:password_reset_confirm      reset-link          GET    -                     go      go    go    go    go    go    go
accounts:password_reset_complete     -                   GET    -                     ok      ok    ok    ok    ok    ok    ok
cases:my_cases                       -                   GET    -                     ok      ok    ok    go    go    go    login
cases:start                          -                   GET    -                     ok      ok    ok    404   404   404   login
cases:triage_queue                   -                   GET    -                     404     404   404   ok    404   ok    login
cases:detail                         draft               GET    case.view             ok      ok    404   404   404   404   login
cases:detail                         submitted           GET    case.view             ok      ok    404   ok    404   ok    login
cases:intake[step=patient]           draft               GET    case.intake           ok      ok    404   404   404   404   login
cases:intake[step=condition]         draft               GET    case.intake           ok      ok    404   404   404   404   login
cases:intake[step=history]           draft               GET    case.intake           ok      ok    404   404   404   404   login
cases:intake[step=questions]         draft               GET    case.intake           ok      ok    404   404   404   404   login
cases:intake[step=condition]         draft               POST   case.intake           go      go    404   404   404   404   login
cases:intake[step=patient]           submitted           GET    -                     404     404   404   404   404   404   login
cases:emergency                      draft               GET    case.red_flags_view   ok      ok    404   404   404   404   login
cases:submit                         draft               GET    case.submit_view      ok      ok    404   404   404   404   login
cases:submit                         draft               POST   case.submit_view      go      go    404   404   404   404   login
cases:submit                         submitted           GET    case.submit_view      go      go    404   404   404   404   login
cases:cancel                         draft               GET    case.cancel_view      ok      ok    404   404   404   404   login
cases:cancel                         draft               POST   case.cancel           go      go    404   404   404   404   login
cases:cancel                         submitted           GET    case.cancel_view      ok      ok    404   ok    404   ok    login
documents:case_documents             draft               GET    document.list         ok      ok    404   404   404   404   login
documents:case_documents             submitted           GET    document.list         ok      ok    404   ok    404   ok    login
documents:upload                     draft               POST   document.upload       go      go    404   404   404   404   login
documents:upload                     submitted           POST   -                     404     404   404   404   404   404   login
documents:download                   draft.document      GET    document.download     ok      ok    404   404   404   404   login
documents:download                   submitted.document  GET    document.download     ok      ok    404   ok    404   ok    login
documents:delete                     draft.document      GET    document.view         ok      ok    404   404   404   404   login
documents:delete                     draft.document      POST   document.delete       go      go    404   404   404   404   login
documents:delete                     submitted.document  GET    -                     404     404   404   404   404   404   login
documents:coordinator_panel          submitted           GET    case.view             404     404   404   ok    404   ok    login
documents:coordinator_panel          draft               GET    -                     404     404   404   404   404   404   login
documents:review                     submitted.document  GET    document.review       404     404   404   ok    404   ok    login
documents:review                     draft.document      GET    -                     404     404   404   404   404   404   login
documents:page_original[number=1]    submitted.document  GET    document.page_original 404    404   404   ok    404   ok    login
documents:page_original[number=9]    submitted.document  GET    -                     404     404   404   404   404   404   login
documents:page_rendition[number=1]   submitted.document  GET    document.page_rendition 404   404   404   ok    404   ok    login
documents:rendition_download         submitted.document  GET    document.rendition_view 404   404   404   ok    404   ok    login
documents:box_add                    submitted.document  POST   document.review       404     404   404   go    404   go    login
documents:box_remove                 submitted.box       POST   redaction.remove      404     404   404   go    404   go    login
documents:box_restore                submitted.box       POST   redaction.view        404     404   404   go    404   go    login
documents:release                    submitted.document  GET    document.release_view 404     404   404   ok    404   ok    login
documents:release                    submitted.document  POST   document.release      404     404   404   go    404   go    login
documents:retry                      submitted.document  POST   document.review       404     404   404   go    404   go    login
insights:summary                     submitted           GET    case.view             404     404   404   ok    404   ok    login
insights:summary                     draft               GET    -                     404     404   404   404   404   404   login
insights:summary_save                submitted           POST   case.view             404     404   404   go    404   go    login
insights:summary_redraft             submitted           POST   case.view             404     404   404   go    404   go    login
consent:sign                         draft               GET    consent.form          ok      ok    404   404   404   404   login
consent:sign                         submitted           GET    -                     404     404   404   404   404   404   login
consent:download                     draft.consent       GET    consent.download      ok      ok    404   404   404   404   login
consent:download                     submitted.consent   GET    consent.download      ok      ok    404   ok    404   ok    login
consent:withdraw                     draft.consent       GET    consent.withdraw_form ok      ok    404   404   404   404   login
consent:withdraw                     draft.consent       POST   consent.withdraw      go      go    404   404   404   404   login
consent:withdraw                     submitted.consent   GET    consent.withdraw_form ok      ok    404   404   404   404   login
billing:choose                       draft               GET    billing.choose        ok      ok    404   404   404   404   login
billing:choose                       draft               POST   case.review_type      go      go    404   404   404   404   login
billing:choose                       submitted           GET    -                     404     404   404   404   404   404   login
billing:checkout                     draft               GET    billing.checkout      ok      ok    404   404   404   404   login
billing:checkout                     submitted           GET    -                     404     404   404   404   404   404   login
billing:razorpay_callback            draft.payment       POST   payment.callback      go      go    404   404   404   404   login
billing:receipt                      submitted.payment   GET    payment.receipt       ok      ok    404   ok    404   ok    login
billing:receipt                      draft.payment       GET    -                     404     404   404   404   404   404   login
billing:record_offline               draft.payment       GET    payment.record_form   404     404   404   ok    404   ok    login
billing:record_offline               draft.payment       POST   payment.paid          404     404   404   go    404   go    login
billing:record_refund                submitted.payment   GET    payment.refund_form   404     404   404   ok    404   ok    login
billing:pending_offline              -                   GET    -                     404     404   404   ok    404   ok    login
billing:razorpay_webhook             -                   POST   -                     400     400   400   400   400   400   400
cases:information_request_new        submitted           GET    -                     404     404   404   ok    404   ok    login
review:inbox                         -                   GET    -                     404     404   404   404   ok    404   login
review:work_queue                    -                   GET    -                     404     404   404   ok    404   ok    login
review:dashboard                     -                   GET    -                     404     404   404   ok    404   ok    login
review:assign                        submitted           GET    -                     404     404   404   ok    404   ok    login
review:close                         submitted           POST   -                     404     404   404   go    404   go    login
review:ask                           submitted           POST   -                     go      go    404   404   404   404   login
review:rate                          submitted           POST   -                     go      go    404   404   404   404   login
review:choose                        submitted           GET    -                     404     404   404   404   404   404   login
review:assignment                    offered.seat        GET    assignment.view       404     404   404   404   ok    404   login
review:assignment                    inreview.seat       GET    case.view_deidentified 404    404   404   404   ok    404   login
review:accept                        offered.seat        POST   assignment.view       404     404   404   404   go    404   login
review:decline                       offered.seat        POST   assignment.view       404     404   404   404   go    404   login
review:opinion_save                  inreview.seat       POST   opinion.edit          404     404   404   404   go    404   login
review:opinion_submit                inreview.seat       GET    opinion.edit          404     404   404   404   ok    404   login
review:information                   inreview.seat       POST   assignment.view       404     404   404   404   go    404   login
review:rendition                     inreview.rendition  GET    document.view_rendition 404   404   404   404   ok    404   login
review:withdraw                      inreview.seat       POST   assignment.withdraw   404     404   404   go    404   go    login
review:make_lead                     inreview.seat       POST   assignment.lead       404     404   404   go    404   go    login
review:panel                         panel.review        GET    review.panel_view     404     404   404   ok    ok    ok    login
review:follow_up                     reported.follow_up  GET    follow_up.view        404     404   404   ok    ok    ok    login
cases:information_request_answer     awaiting.request    GET    information_request.view ok   ok    404   404   404   404   login
cases:information_request_withdraw   awaiting.request    POST   information_request.view 404  404   404   go    404   go    login
reports:download                     reported.report     GET    report.download       ok      ok    404   ok    404   ok    login
reports:send                         reported.report     GET    report.share_form     ok      ok    404   404   404   404   login
records:opinion                      reported            GET    record.opinion_view   ok      ok    404   404   404   404   login
records:opinion                      submitted           GET    -                     404     404   404   404   404   404   login
records:shares                       reported            GET    share_link.list       ok      ok    404   404   404   404   login
records:shares                       draft               GET    share_link.list       ok      ok    404   404   404   404   login
records:shares                       reported            POST   share_link.create     ok      ok    404   404   404   404   login
records:share_detail                 reported.share      GET    share_link.view       ok      ok    404   404   404   404   login
records:share_revoke                 reported.share      POST   share_link.revoke     go      go    404   404   404   404   login
records:access_log                   patient             GET    record.access_log_view ok     ok    404   404   404   404   login
records:rights                       -                   GET    -                     ok      ok    ok    ok    ok    ok    ok
records:erase                        patient             GET    record.erase_view     ok      ok    404   ok    404   ok    login
records:erase                        patient             POST   -                     ok      ok    404   ok    404   ok    login
records:export                       patient             GET    -                     ok      ok    404   404   404   404   login
records:export                       patient             POST   record.export_request go      go    404   404   404   404   login
records:export_detail                patient.export      GET    -                     ok      ok    404   404   404   404   login
records:export_download              patient.export      GET    record.export_download ok     ok    404   404   404   404   login
records:shared                       reported.share-link GET    share_link.open       ok      ok    ok    ok    ok    ok    ok
records:shared_pdf                   reported.share-link GET    share_link.pdf        ok      ok    ok    ok    ok    ok    ok
records:shared_document              reported.share-doc  GET    share_link.document   ok      ok    ok    ok    ok    ok    ok
consultations:hours                  -                   GET    -                     404     404   404   404   ok    404   login
consultations:hours_remove           reported.hours      POST   consultation.availability_change 404 404 404 404 go 404 login
consultations:ask                    inreview.case       GET    consultation.ask_view 404     404   404   404   ok    404   login
consultations:ask                    inreview.case       POST   consultation.ask      404     404   404   404   go    404   login
consultations:book                   reported            GET    consultation.book_view ok     ok    404   404   404   404   login
consultations:book                   reported            POST   consultation.book_view go     go    404   404   404   404   login
consultations:book                   draft               GET    consultation.book_view ok     ok    404   404   404   404   login
consultations:detail                 reported.call       GET    consultation.view     ok      ok    404   404   ok    404   login
consultations:reschedule             reported.call       GET    consultation.reschedule_view ok ok  404   404   ok    404   login
consultations:cancel                 reported.call       GET    consultation.cancel_view ok   ok    404   404   ok    404   login
consultations:cancel                 reported.call       POST   consultation.cancel   go      go    404   404   go    404   login
consultations:note                   reported.call       POST   consultation.note     404     404   404   404   ok    404   login
notifications:list                   -                   GET    -                     ok      ok    ok    ok    ok    ok    login
notifications:outbox                 -                   GET    -                     404     404   404   ok    404   ok    login
notifications:outbox_detail          message             GET    outbox.view           404     404   404   404   404   ok    login
admin:index                          -                   GET    -                     404     404   404   404   404   ok    login
admin:login                          -                   GET    -                     404     404   404   404   404   go    login
"""

# URL names the matrix leaves out: the language switch (Django's own, it only sets a cookie) and
# the admin's model pages (Django's own permission system guards them; the index stands for them).
NOT_IN_MATRIX = {"set_language"}
ADMIN_PAGES_IN_MATRIX = {"admin:index", "admin:login"}

# Pages that landed before this matrix and still wait for their rows (none now). A name listed
# here must leave the set once it has a row.
AWAITING_ROWS: set[str] = set()


@dataclass(frozen=True)
class Row:
    url_name: str
    kwargs: dict[str, str]
    obj: str
    method: str
    audit: str
    expected: dict[str, str]

    @property
    def id(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        return f"{self.method} {self.url_name}{f'[{extra}]' if extra else ''} on {self.obj}"


def parse(table: str) -> list[Row]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, body = lines[0], lines[1:]
    assert tuple(header[4:]) == ROLES, f"the columns must be {ROLES}"
    rows = []
    for cells in body:
        assert len(cells) == 4 + len(ROLES), f"a row needs {4 + len(ROLES)} cells: {cells}"
        name, obj, method, audit, *outcomes = cells
        unknown = set(outcomes) - OUTCOMES
        assert not unknown, f"{name}: unknown outcomes {unknown}"
        assert method in {"GET", "POST"}, f"{name}: method {method}"
        kwargs: dict[str, str] = {}
        if "[" in name:
            name, _, extra = name.rstrip("]").partition("[")
            kwargs = dict(pair.split("=", 1) for pair in extra.split(","))
        rows.append(Row(name, kwargs, obj, method, audit, dict(zip(ROLES, outcomes, strict=True))))
    return rows


ROWS = parse(MATRIX)


# --- The world the rows are opened on -----------------------------------------------------------


@dataclass
class Holding:
    """What one account holder has: a draft and a submitted case with their objects, and cases
    further along on the review side."""

    draft: Case
    submitted: Case
    objects: dict[str, models.Model] = field(default_factory=dict)
    # For objects whose URL takes more than their own id (a seat's document, a case's request).
    url_kwargs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Where the audit event of a read points when it is not the object itself (a specialist's
    # reads are recorded on the case they read).
    audit_targets: dict[str, models.Model] = field(default_factory=dict)


REPORT_TEXT = "CBC: Haemoglobin 11.2 g/dL, platelets 250"


def _upload(holder: User, case: Case) -> Document:
    client = Client()
    client.force_login(holder)
    client.post(
        reverse("documents:upload", kwargs={"public_id": case.public_id}),
        # Long enough to be a text layer: reading it (for the redaction rows) needs no OCR.
        {"category": "lab", "files": [SimpleUploadedFile("cbc.pdf", text_pdf(REPORT_TEXT))]},
    )
    return Document.objects.filter(case=case).latest("id")


def _sign(holder: User, case: Case) -> ConsentSignature:
    return consent_sign(
        case=case, signer=holder, signer_name=holder.full_name,
        relationship=case.patient.relationship, ip="127.0.0.1", user_agent="test",
        consent_text=consent_text_current(language="en"),
    )


def _open_payment(holder: User, case: Case) -> Payment:
    case_set_review_type(case=case, review_type=ReviewType.SINGLE, actor=holder)
    return payment_start(case=case, actor=holder)


def holding_build(
    patient: Patient, coordinator: User, specialist: User, panel: list[User]
) -> Holding:
    holder = patient.holder
    draft = case_create(patient=patient, actor=holder)
    draft_document = _upload(holder, draft)
    draft_consent = _sign(holder, draft)
    draft_payment = _open_payment(holder, draft)

    submitted = case_create(patient=patient, actor=holder)
    case_save_condition(
        case=submitted, actor=holder,
        data={"medical_area": MedicalArea.CANCER, "diagnosis_so_far": "Breast cancer, stage II"},
    )
    case_set_questions(case=submitted, actor=holder, texts=["Is surgery needed first?"])
    submitted_document = _upload(holder, submitted)
    submitted_consent = _sign(holder, submitted)
    submitted_payment = _open_payment(holder, submitted)
    payment_record_offline(
        payment=submitted_payment, actor=coordinator, amount=submitted_payment.amount,
        reference="UTR-TEST-1",
    )
    case_submit(case=submitted, actor=holder)
    payment_refund(payment=submitted_payment, actor=coordinator, reason="test")
    # The submitted report is read (pages, a rendition) and a coordinator has drawn a box on it.
    submitted_document = document_process(document=submitted_document)
    submitted_box = redaction_box_add(
        document=submitted_document, actor=coordinator, page=1, box=(0.1, 0.1, 0.3, 0.15)
    )
    submitted_document.refresh_from_db()
    holding = Holding(
        draft=draft,
        submitted=submitted,
        objects={
            "draft": draft,
            "submitted": submitted,
            "draft.document": draft_document,
            "submitted.document": submitted_document,
            "submitted.box": submitted_box,
            "draft.consent": draft_consent,
            "submitted.consent": submitted_consent,
            "draft.payment": draft_payment,
            "submitted.payment": submitted_payment,
            "message": OutboxMessage.objects.get(
                dedupe_key=f"case-submitted:{submitted.public_id}"
            ),
        },
    )
    review_side_build(holding, patient, coordinator, specialist, panel)
    consultation_side_build(holding, specialist)
    return holding


def consultation_side_build(holding: Holding, specialist: User) -> None:
    """The specialist keeps hours for calls; the holder has booked one after the reported
    case's opinion."""
    import datetime as dt

    from django.utils import timezone

    from consilium.consultations.services import consultation_book
    from consilium.consultations.slots import free_slots
    from consilium.consultations.tests.conftest import every_day

    profile = specialist.specialist_profile
    if not profile.consultation_hours.exists():
        every_day(specialist)
    reported = holding.objects["reported"]
    assert isinstance(reported, Case)
    reported.refresh_from_db()
    # A day ahead: far enough that either side may still move or cancel it.
    tomorrow = free_slots(specialist=profile, since=timezone.now() + dt.timedelta(days=1))[0]
    call = consultation_book(case=reported, actor=reported.patient.holder, specialist=profile,
                             starts_at=tomorrow.starts_at, mode="video")
    holding.objects.update({
        "reported.call": call,
        "reported.hours": profile.consultation_hours.first(),  # type: ignore[dict-item]
        "inreview.case": holding.objects["inreview.seat"].review.case,  # type: ignore[attr-defined]
    })
    holding.audit_targets.update({"reported.hours": profile})


def review_side_build(
    holding: Holding, patient: Patient, coordinator: User, specialist: User, panel: list[User]
) -> None:
    """Cases on the review side: one offered to the specialist, one they accepted (its report
    released to them), one waiting on the patient, a panel the specialist leads with every
    opinion in, and one reported with a follow-up question."""
    from consilium.cases.services import information_request_create
    from consilium.reports.models import Report
    from consilium.reports.services import report_issue
    from consilium.review.models import Review
    from consilium.review.services import follow_up_ask
    from consilium.review.tests.fixtures import (
        accept_all,
        offer,
        release,
        submitted,
        write_and_submit,
    )

    offered = submitted(patient)
    [offered_seat] = offer(offered, coordinator, [specialist])
    inreview = submitted(patient)
    document = release(inreview.documents.get(), coordinator)
    [seat] = offer(inreview, coordinator, [specialist])
    accept_all([seat])
    awaiting = submitted(patient)
    request = information_request_create(case=awaiting, actor=coordinator, message="The CT?")
    board = submitted(patient, ReviewType.BOARD)
    seats = offer(board, coordinator, [specialist, *panel], lead=specialist.specialist_profile)
    accept_all(seats)
    for each in seats:
        write_and_submit(each)
    reported = submitted(patient)
    [single] = offer(reported, coordinator, [specialist])
    accept_all([single])
    write_and_submit(single)
    report_issue(case=reported, kind="opinion")
    follow_up = follow_up_ask(case=reported, actor=patient.holder, question="When do I start?")
    share, shared_document = _share_links(reported)
    holding.objects.update({
        "offered.seat": offered_seat,
        "inreview.seat": seat,
        "inreview.rendition": seat,
        "awaiting.request": awaiting,
        "panel.review": Review.objects.get(case=board),
        "reported.follow_up": follow_up,
        "reported.report": Report.objects.get(case=reported),
        "reported": reported,
        "patient": patient,
        "reported.share": share.link,
        "reported.share-link": share.link,
        "reported.share-doc": share.link,
        "patient.export": _ready_export(patient),
    })
    holding.url_kwargs.update({
        "inreview.rendition": {"document_id": document.public_id},
        "awaiting.request": {"request_id": request.public_id},
        "reported.share-link": {"public_id": None, "token": share.token},
        "reported.share-doc": {"public_id": None, "token": share.token,
                               "document_id": shared_document.public_id},
    })
    holding.audit_targets.update({
        "offered.seat": offered, "inreview.seat": inreview, "inreview.rendition": document,
        "panel.review": board, "reported.follow_up": reported, "reported.report": reported,
        "reported.share": reported, "reported.share-link": reported,
        "reported.share-doc": reported,
        "patient.export": patient,
    })


def _share_links(case: Case) -> tuple[Any, Document]:
    """A link to the reported case's report that shares its documents, and one document with
    real encrypted bytes (the case's uploads were made without files)."""
    from consilium.core.crypto import patient_data_key
    from consilium.core.storage import encrypted_write_bytes
    from consilium.records.services import share_link_create

    share = share_link_create(case=case, actor=case.patient.holder, label="Dr Matrix",
                              include_documents=True)
    document = case.documents.get()
    key, size, sha256 = encrypted_write_bytes(data=text_pdf(REPORT_TEXT),
                                              data_key=patient_data_key(patient=case.patient))
    Document.objects.filter(pk=document.pk).update(storage_key=key, size=size, sha256=sha256,
                                                   content_type="application/pdf")
    return share, document


def _ready_export(patient: Patient) -> Any:
    """A built export of the patient's record (an empty zip, encrypted like the real one)."""
    import datetime as dt

    from django.utils import timezone

    from consilium.core.crypto import patient_data_key
    from consilium.core.storage import encrypted_write_bytes
    from consilium.records.models import ExportStatus, RecordExport

    key, size, sha256 = encrypted_write_bytes(data=b"PK\x05\x06" + bytes(18),
                                              data_key=patient_data_key(patient=patient))
    now = timezone.now()
    return RecordExport.objects.create(
        patient=patient, requested_by=patient.holder, status=ExportStatus.READY, progress=100,
        storage_key=key, sha256=sha256, size=size, ready_at=now,
        expires_at=now + dt.timedelta(days=7),
    )


@dataclass
class World:
    users: dict[str, User | None]
    holdings: dict[str, Holding]

    def holding_for(self, role: str) -> Holding:
        """Holders open their own objects; everyone else tries the patient's."""
        return self.holdings.get(role, self.holdings["patient"])

    def url(self, row: Row, role: str) -> tuple[str, models.Model | None]:
        holding = self.holding_for(role)
        obj: models.Model | None = None
        kwargs: dict[str, Any] = dict(row.kwargs)
        if row.obj == "email-link":
            kwargs["token"] = email_verification_token(user=self.users["patient"])  # type: ignore[arg-type]
        elif row.obj == "reset-link":
            user = self.users["patient"]
            assert user is not None
            kwargs["uidb64"] = urlsafe_base64_encode(force_bytes(user.pk))
            kwargs["token"] = default_token_generator.make_token(user)
        elif row.obj != "-":
            obj = holding.objects[row.obj]
            kwargs["public_id"] = obj.public_id  # type: ignore[attr-defined]
            kwargs.update(holding.url_kwargs.get(row.obj, {}))
            # A share link's URL takes its token instead of a public id.
            kwargs = {key: value for key, value in kwargs.items() if value is not None}
            obj = holding.audit_targets.get(row.obj, obj)
        return reverse(row.url_name, kwargs=kwargs or None), obj


@pytest.fixture
def world(
    patient: Patient, proxy: Patient, other_patient: Patient, coordinator: User,
    specialist: User, admin_user: User,
) -> World:
    from conftest import make_specialist
    from consilium.accounts.models import Specialty

    # The specialist holds a seat on several cases of each holder.
    specialist.specialist_profile.capacity = 50
    specialist.specialist_profile.save()
    panel = [
        make_specialist("surgeon@example.com", Specialty.SURGICAL_ONCOLOGY),
        make_specialist("radiotherapist@example.com", Specialty.RADIATION_ONCOLOGY),
    ]
    for member in panel:
        member.specialist_profile.capacity = 50
        member.specialist_profile.save()
    return World(
        users={
            "patient": patient.holder, "proxy": proxy.holder, "other": other_patient.holder,
            "coord": coordinator, "spec": specialist, "admin": admin_user, "anon": None,
        },
        holdings={
            "patient": holding_build(patient, coordinator, specialist, panel),
            "proxy": holding_build(proxy, coordinator, specialist, panel),
        },
    )


class Clients:
    """One signed-in test client per role. Every request is rolled back, so a session survives
    any row (even signing out); only the client's cookies are put back after each request."""

    def __init__(self, users: dict[str, User | None]) -> None:
        self._clients: dict[str, tuple[Client, str]] = {}
        for role, user in users.items():
            client = Client()
            if user is not None and user.is_staff_role:
                login_with_2fa(client, user)
            elif user is not None:
                client.force_login(user)
            self._clients[role] = (client, client.cookies.output(header="", sep=";"))

    def __getitem__(self, role: str) -> Client:
        client, cookies = self._clients[role]
        client.cookies = SimpleCookie(cookies)
        return client


# --- What each form posts ------------------------------------------------------------------------

POST_DATA: dict[str, Callable[[Row, User | None, models.Model | None], dict[str, Any]]] = {
    "cases:intake": lambda row, user, obj: {"medical_area": "heart", "action": "continue"},
    "documents:upload": lambda row, user, obj: {
        "category": "lab", "files": [SimpleUploadedFile("lft.pdf", text_pdf("LFT"))],
    },
    "billing:choose": lambda row, user, obj: {"review_type": ReviewType.DOUBLE},
    "documents:box_add": lambda row, user, obj: {
        "page": 1, "unit": "share", "x0": "0.1", "y0": "0.5", "x1": "0.4", "y1": "0.55",
    },
    "documents:release": lambda row, user, obj: {"version": getattr(obj, "redaction_version", 0)},
    "insights:summary_save": lambda row, user, obj: {"action": "save", "note": "checked"},
    "insights:summary_redraft": lambda row, user, obj: {"confirm": "yes"},
    "billing:razorpay_callback": lambda row, user, obj: {
        "razorpay_order_id": "order_x", "razorpay_payment_id": "pay_x", "razorpay_signature": "x",
    },
    "review:decline": lambda row, user, obj: {"reason": "Outside my sub-specialty"},
    "review:information": lambda row, user, obj: {"message": "Was a HER2 test done?"},
    "review:opinion_save": lambda row, user, obj: {"stage_or_severity": "IIA"},
    "records:shares": lambda row, user, obj: {"label": "Dr Matrix", "days": "14"},
    "consultations:book": lambda row, user, obj: {"mode": "video", "slot": _free_slot_key(obj)},
    "billing:record_offline": lambda row, user, obj: {
        "amount": str(obj.amount if isinstance(obj, Payment) else Decimal("0")),
        "reference": "UTR-TEST-2",
    },
}


def _free_slot_key(case: models.Model | None) -> str:
    from consilium.consultations.models import Consultation
    from consilium.consultations.slots import free_slots

    call = Consultation.objects.filter(case=case).first()
    return free_slots(specialist=call.specialist)[0].key if call else ""


# --- Running a row -------------------------------------------------------------------------------

SIGN_IN = reverse("accounts:login")
TWO_FACTOR = reverse("accounts:two_factor")
ADMIN_SIGN_IN = reverse("admin:login")


def outcome_of(response: HttpResponseBase, client: Client) -> str:
    if response.status_code == 302:
        location = response["Location"]
        path = urlsplit(location).path
        if path == ADMIN_SIGN_IN:
            # The admin's sign-in page only relays: to ours, to the page, or to a 404.
            return outcome_of(client.get(location), client)
        return {SIGN_IN: "login", TWO_FACTOR: "2fa"}.get(path, "go")
    if response.status_code == 401 and SIGN_IN in response.content.decode():
        # A post from someone signed out: the page that keeps what was typed, with a sign-in link.
        return "login"
    return "ok" if response.status_code == 200 else str(response.status_code)


def _finish(response: HttpResponseBase) -> None:
    # A streamed file is read to its end, which closes it the way the test client expects
    # (closing it by hand would also close the database connection of the test).
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # type: ignore[attr-defined]


def _target_id(obj: models.Model | None) -> str | None:
    return None if obj is None else str(getattr(obj, "public_id", None) or obj.pk)


@dataclass(frozen=True)
class Result:
    outcome: str
    audited: bool
    touched: bool
    """Whether any audit event names the object (a denied request must read nothing)."""


def request_as(world: World, clients: Clients, row: Row, role: str) -> Result:
    user = world.users[role]
    client = clients[role]
    url, obj = world.url(row, role)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with transaction.atomic():
        if row.method == "GET":
            response = client.get(url)
        elif row.url_name == "billing:razorpay_webhook":
            response = client.post(url, json.dumps({"event": "payment.captured"}),
                                   content_type="application/json")
        else:
            data = POST_DATA.get(row.url_name, lambda row, user, obj: {})(row, user, obj)
            response = client.post(url, data)
        outcome = outcome_of(response, client)
        _finish(response)
        events = list(AuditEvent.objects.filter(id__gt=before))
        target = _target_id(obj)
        result = Result(
            outcome=outcome,
            audited=any(
                e.action == row.audit and e.target_id == target and e.actor_id == getattr(
                    user, "pk", None
                )
                for e in events
            ),
            touched=target is not None and any(e.target_id == target for e in events),
        )
        transaction.set_rollback(True)
    return result


ALLOWED = {"ok", "go"}


def as_line(row: Row, outcomes: dict[str, str]) -> str:
    name = row.url_name + (
        "[" + ",".join(f"{k}={v}" for k, v in row.kwargs.items()) + "]" if row.kwargs else ""
    )
    cells = [f"{name:<36}", f"{row.obj:<19}", f"{row.method:<6}", f"{row.audit:<21}"]
    return " ".join(cells + [f"{outcomes[role]:<5}" for role in ROLES]).rstrip()


@pytest.mark.django_db
def test_every_role_gets_what_the_matrix_says(world: World) -> None:
    clients = Clients(world.users)
    wrong, unaudited, leaked = [], [], []
    for row in ROWS:
        results = {role: request_as(world, clients, row, role) for role in ROLES}
        outcomes = {role: result.outcome for role, result in results.items()}
        if outcomes != row.expected:
            wrong.append(f"expected {as_line(row, row.expected)}\n"
                         f"actual   {as_line(row, outcomes)}")
        if row.audit != "-":
            unaudited += [f"{row.id}: {role}" for role, result in results.items()
                          if result.outcome in ALLOWED and not result.audited]
        leaked += [f"{row.id}: {role}" for role, result in results.items()
                   if result.outcome not in ALLOWED and result.touched]

    assert wrong == [], "\n" + "\n".join(wrong)
    assert unaudited == [], "allowed, but no audit event of the row's action:\n" + "\n".join(
        unaudited
    )
    assert leaked == [], "denied, yet an audit event says the object was read:\n" + "\n".join(
        leaked
    )


# --- The matrix covers the project ---------------------------------------------------------------


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    """Every named URL pattern of the project, as "namespace:name"."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}"


def project_url_names() -> set[str]:
    return {
        name
        for name in url_names()
        if name not in NOT_IN_MATRIX
        and (not name.startswith("admin:") or name in ADMIN_PAGES_IN_MATRIX)
    }


def test_every_url_of_the_project_has_a_row() -> None:
    covered = {row.url_name for row in ROWS}

    missing = sorted(project_url_names() - covered - AWAITING_ROWS)

    assert missing == [], (
        f"these URLs have no row in the permission matrix ({__name__}): {missing}"
    )


def test_every_row_names_a_url_that_exists() -> None:
    assert sorted({row.url_name for row in ROWS} - project_url_names()) == []


def test_a_url_awaiting_its_rows_leaves_the_waiting_list_once_it_has_them() -> None:
    covered = {row.url_name for row in ROWS}
    assert sorted(AWAITING_ROWS & covered) == []
    assert sorted(AWAITING_ROWS - project_url_names()) == []


def test_every_role_is_tried_on_every_row() -> None:
    assert all(set(row.expected) == set(ROLES) for row in ROWS)


@pytest.mark.django_db
def test_staff_who_have_not_passed_two_step_sign_in_reach_only_the_account_pages(
    world: World,
) -> None:
    client = Client()
    client.force_login(world.users["coord"])  # password only, no second step yet
    outcomes = {}
    for row in ROWS:
        url, _ = world.url(row, "coord")
        if url.startswith("/accounts/") or row.method != "GET":
            continue
        response = client.get(url)
        outcomes[row.id] = outcome_of(response, client)
        _finish(response)
    assert outcomes, "the matrix has pages outside /accounts/"
    assert {row: outcome for row, outcome in outcomes.items() if outcome != "2fa"} == {}

