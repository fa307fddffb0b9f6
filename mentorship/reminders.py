"""The reminder a day before each confirmed session, sent by `manage.py send_booking_reminders` from cron.

Run it as often as you like (every 10 minutes): each booking's reminder is keyed in the outbox by the
booking, the version of its time and the recipient, so both people get it once, and once more only if
the session was moved since.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from mentorship.models import Booking
from mentorship.notifications import booking_reminder_sent, notify_booking_reminder

REMIND_BEFORE = timedelta(hours=24)


def booking_reminders_send(*, now: datetime | None = None) -> int:
    """Queue the reminder of every confirmed session starting within REMIND_BEFORE; returns how many were new."""
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            appointment__start_at__gt=now,
            appointment__start_at__lte=now + REMIND_BEFORE,
        )
        .select_related("mentor__user", "customer", "appointment")
        .order_by("appointment__start_at")
    )
    sent = 0
    for booking in due:
        if booking_reminder_sent(booking=booking):
            continue
        with transaction.atomic():
            notify_booking_reminder(booking=booking)
        sent += 1
    return sent
