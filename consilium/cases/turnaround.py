"""The turnaround clock of a case: it starts at the first assignment, pauses while the case waits
on the patient, resumes when they answer and stops when the opinion is delivered. The scheduler's
sweep reminds specialists before the target, tells coordinators at the target, and at the limit
refunds the patient and apologises."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consilium.accounts.selectors import coordinators_active
from consilium.audit.services import record
from consilium.cases import hooks
from consilium.cases.actions import CaseAction
from consilium.cases.models import Case, Turnaround
from consilium.core.errors import DomainError
from consilium.notifications.services import user_notify

logger = logging.getLogger(__name__)

def turnaround_start(*, case: Case, now: dt.datetime | None = None) -> Turnaround:
    """Starts the clock at the first assignment; later (re)assignments leave it as it is."""
    now = now or timezone.now()
    clock, created = Turnaround.objects.get_or_create(
        case=case,
        defaults={
            "started_at": now,
            "target_at": now + dt.timedelta(hours=settings.TURNAROUND_TARGET_HOURS),
            "limit_at": now + dt.timedelta(hours=settings.TURNAROUND_LIMIT_HOURS),
        },
    )
    if created:
        record(actor=None, action=CaseAction.TURNAROUND_START, target=case)
    return clock


def turnaround_pause(*, case: Case, now: dt.datetime | None = None) -> bool:
    """Pauses a running clock (the case waits on the patient). True if it was running."""
    now = now or timezone.now()
    return bool(
        Turnaround.objects.filter(
            case=case, paused_at__isnull=True, stopped_at__isnull=True
        ).update(paused_at=now)
    )


@transaction.atomic
def turnaround_resume(*, case: Case, now: dt.datetime | None = None) -> bool:
    """Restarts a paused clock; the target and the limit move on by the length of the pause."""
    now = now or timezone.now()
    clock = Turnaround.objects.select_for_update().filter(case=case).first()
    if clock is None or clock.paused_at is None:
        return False
    pause = max(now - clock.paused_at, dt.timedelta(0))
    clock.target_at += pause
    clock.limit_at += pause
    clock.paused_seconds += int(pause.total_seconds())
    clock.paused_at = None
    clock.save(update_fields=["target_at", "limit_at", "paused_seconds", "paused_at"])
    return True


def turnaround_stop(*, case: Case, now: dt.datetime | None = None) -> None:
    """Stops the clock when the opinion is delivered (a pause still open is closed first)."""
    now = now or timezone.now()
    turnaround_resume(case=case, now=now)
    Turnaround.objects.filter(case=case, stopped_at__isnull=True).update(stopped_at=now)


@dataclass
class SweepResult:
    reminded: list[str]
    escalated: list[str]
    breached: list[str]


def turnaround_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """The scheduler's pass over running clocks: reminds specialists before the target, tells
    coordinators at the target, and at the limit refunds the patient in full and apologises.
    Paused clocks are skipped (the patient's information is not complete). Each step is claimed
    with a conditional UPDATE on its timestamp, so it happens once however often this runs."""
    now = now or timezone.now()
    running = Turnaround.objects.filter(paused_at__isnull=True, stopped_at__isnull=True)
    result = SweepResult(reminded=[], escalated=[], breached=[])
    remind_from = now + dt.timedelta(hours=settings.TURNAROUND_REMINDER_HOURS)
    due_reminders = running.filter(reminded_at__isnull=True, target_at__lte=remind_from)
    for clock_id in due_reminders.values_list("pk", flat=True):
        if _turnaround_step(clock_id=clock_id, field="reminded_at", now=now, act=_remind):
            result.reminded.append(str(clock_id))
    for clock_id in running.filter(escalated_at__isnull=True, target_at__lte=now).values_list(
        "pk", flat=True
    ):
        if _turnaround_step(clock_id=clock_id, field="escalated_at", now=now, act=_escalate):
            result.escalated.append(str(clock_id))
    for clock_id in running.filter(breached_at__isnull=True, limit_at__lte=now).values_list(
        "pk", flat=True
    ):
        if _turnaround_step(clock_id=clock_id, field="breached_at", now=now, act=_breach):
            result.breached.append(str(clock_id))
    return result


def turnaround_sweep_due() -> int:
    """The scheduler's entry point."""
    result = turnaround_sweep()
    return len(result.reminded) + len(result.escalated) + len(result.breached)


def _turnaround_step(
    *, clock_id: int, field: str, now: dt.datetime, act: Callable[[Turnaround, dt.datetime], None]
) -> bool:
    try:
        with transaction.atomic():
            claimed = Turnaround.objects.filter(
                pk=clock_id, paused_at__isnull=True, stopped_at__isnull=True, **{field: None}
            ).update(**{field: now})
            if not claimed:
                return False
            clock = Turnaround.objects.select_related("case__patient__holder").get(pk=clock_id)
            act(clock, now)
            action = CaseAction(f"turnaround.{field.removesuffix('_at')}")
            record(actor=None, action=action, target=clock.case)
            return True
    except DomainError:
        # The refund was refused (e.g. the provider is down): nothing is kept, the next sweep
        # tries again. Only the case's public id is logged.
        logger.warning("turnaround step %s failed for a case; will retry", field)
        return False


def _remind(clock: Turnaround, now: dt.datetime) -> None:
    hooks.remind(clock.case, clock.target_at)


def _escalate(clock: Turnaround, now: dt.datetime) -> None:

    case = clock.case
    hours_left = max(0, int((clock.limit_at - now).total_seconds() // 3600))
    for coordinator in coordinators_active():
        user_notify(
            user=coordinator,
            message=_("%(reference)s has passed its target time; %(hours)d h to the limit.")
            % {"reference": case.reference, "hours": hours_left},
            url=case.get_absolute_url(),
            subject=_("Target time passed: %(reference)s") % {"reference": case.reference},
            body=_(
                "Case %(reference)s has passed its %(target)d-hour target and the opinion is "
                "not delivered yet. The limit is in %(hours)d hours; at the limit the patient "
                "is refunded automatically.\n\nOpen the case: %(url)s"
            )
            % {
                "reference": case.reference,
                "target": settings.TURNAROUND_TARGET_HOURS,
                "hours": hours_left,
                "url": settings.SITE_URL + case.get_absolute_url(),
            },
            dedupe_key=f"turnaround-escalated:{case.public_id}:{coordinator.pk}",
        )


def _breach(clock: Turnaround, now: dt.datetime) -> None:
    from django.utils import translation

    case = clock.case
    refunded = hooks.refund_at_breach(case)
    holder = case.patient.holder
    with translation.override(case.holder_language()):
        user_notify(
            user=holder,
            message=_("We are sorry: your opinion for %(reference)s is late.")
            % {"reference": case.reference},
            url=case.get_absolute_url(),
            subject=_("We are sorry: your opinion %(reference)s is late")
            % {"reference": case.reference},
            body=_(
                "Hello,\n\nWe promised your written opinion within %(limit)d hours of assigning "
                "the specialists, and we have not kept that promise. We are sorry.\n\n"
                "%(refund)s\n\n"
                "The specialists are still working on your case and you will receive the opinion "
                "as soon as it is ready. You can follow it here: %(url)s"
            )
            % {
                "limit": settings.TURNAROUND_LIMIT_HOURS,
                "refund": _("We have refunded your payment in full.")
                if refunded
                else _("Your request had no payment to refund."),
                "url": settings.SITE_URL + case.get_absolute_url(),
            },
            dedupe_key=f"turnaround-breached:{case.public_id}",
        )
    for coordinator in coordinators_active():
        user_notify(
            user=coordinator,
            message=_("%(reference)s passed its limit: refunded.") % {"reference": case.reference},
            url=case.get_absolute_url(),
            subject=_("Limit passed, patient refunded: %(reference)s")
            % {"reference": case.reference},
            body=_(
                "Case %(reference)s passed its %(limit)d-hour limit. The patient has been "
                "refunded and has received an apology. Open the case: %(url)s"
            )
            % {
                "reference": case.reference,
                "limit": settings.TURNAROUND_LIMIT_HOURS,
                "url": settings.SITE_URL + case.get_absolute_url(),
            },
            dedupe_key=f"turnaround-breached:{case.public_id}:{coordinator.pk}",
        )
