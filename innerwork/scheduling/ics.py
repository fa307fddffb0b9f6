"""iCalendar (RFC 5545) invitations for one appointment, built with the `icalendar` package.

The UID is the appointment's `ics_uid`, generated once, and SEQUENCE its `ics_sequence`, which
reschedule and cancel raise: a calendar client therefore updates or removes the one event it
already has instead of adding a duplicate. Times are written in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import icalendar
from django.utils import timezone

from innerwork.scheduling.models import Appointment

PRODID = "-//InnerWork//Scheduling//EN"
UNKNOWN_METHOD = "An .ics invitation's method is REQUEST or CANCEL, not {method!r}."


def _address(email: str, name: str, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = icalendar.vText(name)
    for key, value in params.items():
        address.params[key] = icalendar.vText(value)
    return address


def appointment_ics(
    *,
    appointment: Appointment,
    method: Literal["REQUEST", "CANCEL"],
    organizer_email: str,
    organizer_name: str,
    attendee_email: str,
    attendee_name: str,
    summary: str,
    description: str = "",
    location_url: str = "",
    now: datetime | None = None,
) -> bytes:
    """One VCALENDAR with METHOD and one VEVENT (UID, SEQUENCE, DTSTAMP, DTSTART/DTEND in UTC,
    ORGANIZER, ATTENDEE, STATUS CONFIRMED for a REQUEST or CANCELLED for a CANCEL)."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(UNKNOWN_METHOD.format(method=method))
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", appointment.ics_uid)
    event.add("sequence", appointment.ics_sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(UTC))
    event.add("dtstart", appointment.start_at.astimezone(UTC))
    event.add("dtend", appointment.end_at.astimezone(UTC))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location_url:
        event.add("location", location_url)
        event.add("url", location_url)
    event.add("organizer", _address(organizer_email, organizer_name))
    event.add(
        "attendee",
        _address(attendee_email, attendee_name, ROLE="REQ-PARTICIPANT", PARTSTAT="ACCEPTED", CUTYPE="INDIVIDUAL"),
    )
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if method == "CANCEL" else "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()
