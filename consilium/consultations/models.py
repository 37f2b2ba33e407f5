"""A specialist's hours for calls, and the calls booked in them.

Weekly hours are kept as wall-clock times with the specialist's time zone (a rule stored in UTC
would move by an hour at every daylight-saving change); one-off exceptions and bookings are
moments, stored in UTC with the zone they were made in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consilium.accounts.models import SpecialistProfile
from consilium.cases.models import Case
from consilium.core.models import BaseModel


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyHours(BaseModel):
    """Every week on `weekday`, from `starts` to `ends` in `time_zone`, the specialist takes
    calls."""

    specialist = models.ForeignKey(
        SpecialistProfile, on_delete=models.CASCADE, related_name="consultation_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    time_zone = models.CharField(_("time zone"), max_length=64)

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")),
                                   name="consultation_hours_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="consultation_hours_weekday"),
        ]


class ExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Not available")
    EXTRA = "extra", _("Extra hours")


class HoursException(BaseModel):
    """A one-off change to the weekly hours: time off (a day or part of one) or extra hours."""

    specialist = models.ForeignKey(
        SpecialistProfile, on_delete=models.CASCADE, related_name="consultation_exceptions"
    )
    kind = models.CharField(max_length=16, choices=ExceptionKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="consultation_exception_end_after_start"),
        ]


class CallMode(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Voice call (no video)")


class ConsultationStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class ConsultationRequest(BaseModel):
    """A specialist on the case asked the patient for a call before the opinion is delivered."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultation_requests")
    specialist = models.ForeignKey(
        SpecialistProfile, on_delete=models.CASCADE, related_name="consultation_requests"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "specialist"],
                                    name="consultation_request_once_per_specialist"),
        ]


class Consultation(BaseModel):
    """One booked call. While it is booked no other booking may hold the same specialist and
    start: the database refuses it, so two people pressing "Book" at once cannot both win."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consultations")
    specialist = models.ForeignKey(
        SpecialistProfile, on_delete=models.PROTECT, related_name="consultations"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations_booked"
    )
    mode = models.CharField(max_length=8, choices=CallMode.choices, default=CallMode.VIDEO)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    # The specialist's zone when the call was booked: their emails and pages show it.
    time_zone = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=ConsultationStatus.choices, default=ConsultationStatus.BOOKED
    )
    # The meeting room's name: random, so the link can be neither guessed nor traced to anyone.
    room = models.CharField(max_length=64, unique=True)
    # The invitation's SEQUENCE (RFC 5545): raised at every change so calendars replace it.
    sequence = models.PositiveIntegerField(default=0)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # The specialist's short note after the call; part of the patient's record.
    note = models.TextField(blank=True)
    note_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["specialist", "starts_at"], condition=Q(status="booked"),
                name="consultation_one_booking_per_slot",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="consultation_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"public_id": self.public_id})

    @property
    def is_booked(self) -> bool:
        return self.status == ConsultationStatus.BOOKED
