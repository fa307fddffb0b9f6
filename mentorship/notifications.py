"""E-mails about a booking, to its customer and its mentor, each in their own time zone with an .ics invitation.

Every e-mail goes through the outbox with a de-duplication key naming the booking, the event and the
recipient, so a replayed fulfilment or a double-clicked form sends one copy. The .ics keeps one UID for
the booking's whole life and a SEQUENCE that grows with each change, so calendars update the one event
(REQUEST on confirmation and reschedule, CANCEL on cancellation). Call these inside the transaction
that makes the change: the e-mails commit with it and are sent after commit.
"""

from __future__ import annotations

from innerwork.core.emails import email_each_in_own_zone
from innerwork.core.models import OutboxEmail
from innerwork.scheduling.ics import appointment_ics
from mentorship.models import Booking

CONFIRMED_TEMPLATE = "mentorship/booking_confirmed"
RESCHEDULED_TEMPLATE = "mentorship/booking_rescheduled"
REMINDER_TEMPLATE = "mentorship/booking_reminder"
CANCELED_TEMPLATE = "mentorship/booking_canceled"
CUSTOMER, MENTOR = "customer", "mentor"


def booking_ics(*, booking: Booking, method: str) -> bytes:
    """The booking's invitation: the mentor organises, the customer attends, times in UTC."""
    mentor, customer = booking.mentor.user, booking.customer
    return appointment_ics(
        appointment=booking.appointment,
        method=method,
        organizer_email=mentor.email,
        organizer_name=mentor.get_full_name(),
        attendee_email=customer.email,
        attendee_name=customer.get_full_name(),
        summary=f"InnerWork session: {booking.topic}",
        description=booking.notes,
        location_url=booking.mentor.meeting_url,
    )


def _key(*, booking: Booking, event: str, role: str) -> str:
    """One e-mail per booking, event, version of its time (the .ics SEQUENCE) and recipient."""
    return f"booking:{booking.pk}:{event}:{booking.appointment.ics_sequence}:{role}"


def _send(*, booking: Booking, event: str, template: str, method: str) -> None:
    ics = booking_ics(booking=booking, method=method)
    email_each_in_own_zone(
        people=[(CUSTOMER, booking.customer, booking.mentor.user), (MENTOR, booking.mentor.user, booking.customer)],
        key=_key(booking=booking, event=event, role="{role}"),
        template=template,
        context={"booking": booking, "appointment": booking.appointment, "meeting_url": booking.mentor.meeting_url},
        attachments=[("invite.ics", ics, f"text/calendar; method={method}")],
    )


def notify_booking_confirmed(*, booking: Booking) -> None:
    """ "Your session is booked" to the customer and "You have a new session" to the mentor (REQUEST .ics)."""
    _send(booking=booking, event="confirmed", template=CONFIRMED_TEMPLATE, method="REQUEST")


def notify_booking_rescheduled(*, booking: Booking) -> None:
    """The new time to both, with the updated invitation (same UID, higher SEQUENCE); once per move."""
    _send(booking=booking, event="rescheduled", template=RESCHEDULED_TEMPLATE, method="REQUEST")


def notify_booking_canceled(*, booking: Booking) -> None:
    """The cancellation to both, with a CANCEL invitation that removes the event from their calendars."""
    _send(booking=booking, event="canceled", template=CANCELED_TEMPLATE, method="CANCEL")


def booking_reminder_sent(*, booking: Booking) -> bool:
    """Whether both people were already reminded of the session at its current time."""
    keys = [_key(booking=booking, event="reminder", role=role) for role in (CUSTOMER, MENTOR)]
    return OutboxEmail.objects.filter(dedup_key__in=keys).count() == len(keys)


def notify_booking_reminder(*, booking: Booking) -> None:
    """ "Your session is tomorrow" to both, with the invitation again; once per booking and time (a moved
    session is reminded of its new time)."""
    _send(booking=booking, event="reminder", template=REMINDER_TEMPLATE, method="REQUEST")
