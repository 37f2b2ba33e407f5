"""The .ics invitation (RFC 5545) attached to the emails about a call. It names no attendee: an
address would tell each side who the other is, and in the blind mode neither may know."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from consilium.consultations.models import Consultation


def _domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1]
    return address.strip(" >") or "consilium.localhost"


def invitation_ics(
    *, consultation: Consultation, summary: str, description: str, url: str, cancel: bool = False
) -> bytes:
    """One event for one reader: their own summary and description, the meeting link, and the
    booking's UID and SEQUENCE so a calendar replaces an older copy (or removes it on cancel)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Consultations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", f"consultation-{consultation.public_id}@{_domain()}")
    event.add("sequence", consultation.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", consultation.starts_at)
    event.add("dtend", consultation.ends_at)
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", url)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].strip(' >')}")
    organizer.params["cn"] = vText(settings.SITE_NAME)
    event["organizer"] = organizer
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()  # icalendar's to_ical is unannotated
    return ical
