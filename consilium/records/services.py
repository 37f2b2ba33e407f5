"""Every write of the records app: share links (create, revoke, PIN) and their throttle."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from consilium.accounts.models import User
from consilium.audit.services import record
from consilium.cases.models import Case
from consilium.core.errors import require
from consilium.core.throttle import Counter, count, hashed, wait_seconds
from consilium.records.actions import RecordAction
from consilium.records.models import PIN_ATTEMPTS, ShareLink
from consilium.reports.models import Report

SHARE_DAYS_DEFAULT = 14
SHARE_DAYS_MAX = 90
# A patient shares with a few doctors; more open links than this is a mistake or a leak.
OPEN_LINKS_PER_CASE = 20


def share_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewShareLink:
    """A link just made: the token and PIN exist only here, to be shown to the patient once."""

    link: ShareLink
    token: str
    pin: str


@transaction.atomic
def share_link_create(
    *,
    case: Case,
    actor: User,
    label: str,
    days: int = SHARE_DAYS_DEFAULT,
    with_pin: bool = False,
    include_documents: bool = False,
) -> NewShareLink:
    """The account holder makes a read-only link to the case's signed report, expiring after
    `days` (1 to 90); the token (and the PIN) are kept only as hashes."""
    require(case.patient.holder_id == actor.pk, _("Only the account holder can share this."))
    require(Report.objects.filter(case=case).exists(),
            _("There is no signed report to share yet."))
    require(1 <= days <= SHARE_DAYS_MAX,
            _("A link can stay open from 1 to %(max)d days.") % {"max": SHARE_DAYS_MAX})
    label = label.strip()
    require(label, _("Say who the link is for, for example your doctor's name."))
    now = timezone.now()
    open_links = ShareLink.objects.filter(
        case=case, revoked_at__isnull=True, expires_at__gt=now
    ).count()
    require(open_links < OPEN_LINKS_PER_CASE,
            _("This report already has %(n)d open links. Revoke one you no longer need first.")
            % {"n": OPEN_LINKS_PER_CASE})
    token = secrets.token_urlsafe(32)
    pin = f"{secrets.randbelow(10**6):06d}" if with_pin else ""
    link = ShareLink.objects.create(
        case=case, label=label[:100], token_hash=share_token_hash(token),
        pin_hash=make_password(pin) if pin else "", include_documents=include_documents,
        expires_at=now + dt.timedelta(days=days), created_by=actor,
    )
    record(actor=actor, action=RecordAction.SHARE_CREATE, target=case,
           detail={"share_link": str(link.public_id), "days": days, "pin": bool(pin),
                   "documents": include_documents})
    return NewShareLink(link=link, token=token, pin=pin)


@transaction.atomic
def share_link_revoke(*, link: ShareLink, actor: User) -> ShareLink:
    """The account holder closes the link; the next request with it is refused."""
    require(link.case.patient.holder_id == actor.pk, _("Only the account holder can revoke this."))
    now = timezone.now()
    if ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now):
        record(actor=actor, action=RecordAction.SHARE_REVOKE, target=link.case,
               detail={"share_link": str(link.public_id)})
    link.refresh_from_db()
    return link


def share_link_pin_check(
    *, link: ShareLink, pin: str, actor: User | AnonymousUser, ip: str
) -> bool:
    """True when `pin` is the link's PIN and it has not been used: the PIN is spent by this
    check (claimed with a conditional UPDATE, so two browsers cannot both use it). A wrong PIN
    counts towards locking the link."""
    detail = {"share_link": str(link.public_id)}
    if link.is_locked or link.pin_used_at is not None:
        return False
    if not check_password(pin.strip(), link.pin_hash):
        ShareLink.objects.filter(pk=link.pk).update(failed_pins=F("failed_pins") + 1)
        link.refresh_from_db(fields=["failed_pins"])
        record(actor=actor, action=RecordAction.SHARED_PIN_FAILED, target=link.case, ip=ip,
               detail={**detail, "locked": link.failed_pins >= PIN_ATTEMPTS})
        return False
    claimed = ShareLink.objects.filter(pk=link.pk, pin_used_at__isnull=True).update(
        pin_used_at=timezone.now()
    )
    if claimed:
        record(actor=actor, action=RecordAction.SHARED_PIN_PASSED, target=link.case, ip=ip,
               detail=detail)
    link.refresh_from_db(fields=["pin_used_at"])
    return bool(claimed)


# --- The throttle on share links ----------------------------------------------------------------

# Counted per address, like the sign-in throttle (accounts.services): every request to a share
# link (a doctor reads a page, the PDF, a few documents: far under the limit), and, much lower,
# the requests that fail (an unknown token, a wrong PIN, a closed link), which is what guessing
# looks like.
REQUEST_LIMIT = 120
REQUEST_WINDOW_SECONDS = 10 * 60
FAILURE_LIMIT = 20
FAILURE_WINDOW_SECONDS = 60 * 60


def _requests(ip: str) -> Counter:
    return Counter(f"records:share:ip:{hashed(ip)}", REQUEST_LIMIT, REQUEST_WINDOW_SECONDS)


def _failures(ip: str) -> Counter:
    return Counter(f"records:share:fail:{hashed(ip)}", FAILURE_LIMIT, FAILURE_WINDOW_SECONDS)


def shared_throttle_hit(*, ip: str) -> int:
    """Counts one request to a share link from `ip`; returns the seconds it must wait first
    (0: go ahead). A request that is turned away is not counted."""
    now = timezone.now().timestamp()
    wait = wait_seconds([_requests(ip), _failures(ip)], now)
    if wait > 0:
        return max(1, math.ceil(wait))
    count(_requests(ip), now)
    return 0


def shared_throttle_failure(*, ip: str) -> None:
    """Counts one failed request (unknown token, wrong PIN, closed link) from `ip`."""
    count(_failures(ip), timezone.now().timestamp())
