"""Bookings of one-to-one sessions: start (hold the slot, place the order), status, reschedule, cancel, finish.

A booking is sold through commerce as an order for one item (kind `mentorship_session`, ref = the
booking's pk); its time is a scheduling.Appointment on the mentor's calendar, held while the payment
page is open and confirmed when paid (see mentorship.product_kind). Locks are taken booking row first,
then the scheduling services lock the mentor's calendar and the appointment, always in that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce.checkout import order_create_for_item, order_fulfil_item_from_return
from commerce.exceptions import RefundError
from commerce.models import Order
from commerce.orders import order_line_for_item, partner_ids_for_item
from commerce.refunds import refund_quote, refund_start, refundable_by_line
from innerwork.api.events import partner_event_for_partners
from innerwork.core.audit import staff_action_record
from innerwork.core.errors import Refused
from innerwork.core.money import format_money
from innerwork.core.status import status_move
from innerwork.scheduling.services import (
    appointment_cancel,
    appointment_complete,
    appointment_hold,
    appointment_mark_no_show,
    appointment_reschedule,
)
from mentorship.booking_objects import UTC_FORMAT, booking_object
from mentorship.models import Booking, BookingEvent, MentorProfile
from mentorship.notifications import notify_booking_canceled, notify_booking_rescheduled
from mentorship.services import mentor_session_price

BOOKING_KIND = "mentorship_session"
CANCEL_PERMISSION = "mentorship.cancel_booking"

MENTOR_NOT_BOOKABLE = "{name} is not taking bookings at the moment."
CANNOT_BOOK_YOURSELF = "You can't book a session with yourself."
TOPIC_REQUIRED = "Say what you would like to talk about."
NOT_RESCHEDULABLE = "Only a confirmed session can be moved."
RESCHEDULE_TOO_LATE = "A session can be moved up to {hours} hours before it starts."
RESCHEDULE_LIMIT = "This session was already moved {count} times, the most we allow."
NOT_CANCELABLE = "This session can no longer be cancelled."
NOT_FINISHABLE = "Only a confirmed session that has ended can be marked {what}."
NOT_ALLOWED_TO_CANCEL = "Only its customer, its mentor or staff allowed to cancel bookings can cancel this session."
STAFF_REASON_REQUIRED = "Say why: the reason is kept in the staff audit log."
REFUND_ON_ITS_WAY = "Your refund of {amount} is on its way; we'll e-mail you when the bank has it."

STATUS_MESSAGES = {
    Booking.Status.PENDING_PAYMENT: "Waiting for payment.",
    Booking.Status.CONFIRMED: "Payment received: the session is confirmed.",
    Booking.Status.COMPLETED: "The session took place.",
    Booking.Status.NO_SHOW: "The customer did not come to the session.",
    Booking.Status.EXPIRED: "The payment page closed before the payment was made; the time was freed.",
    Booking.Status.CANCELED: "The session was cancelled.",
    Booking.Status.REFUNDED: "The session was refunded and cancelled.",
}


class BookingError(Refused):
    """A booking action refused; `message` is shown to the person as it is."""


def booking_subject(booking: Booking) -> str:
    """How the booking names its appointment on the mentor's calendar."""
    return f"mentorship.booking:{booking.pk}"


def booking_event_add(*, booking: Booking, type: str, message: str, data: dict | None = None, actor=None):
    """Append one entry to the booking's timeline (shown to the customer, the mentor and staff)."""
    return BookingEvent.objects.create(
        booking=booking, type=type, message=message[:255], data=data or {}, actor=actor if actor else None
    )


# The moves a partner hears of (its customer's booking), by the event type named for each.
PARTNER_EVENTS = {Booking.Status.CONFIRMED: "booking.confirmed", Booking.Status.CANCELED: "booking.canceled"}


def booking_set_status(
    *, booking: Booking, status: str, message: str = "", actor=None, data: dict | None = None, changes=None
) -> bool:
    """Move the booking to `status` if Booking.TRANSITIONS allows it, and put the move on its timeline.

    The one writer of Booking.status (through innerwork.core.status.status_move, which also keeps a
    StatusChange). Raises StatusTransitionError for a move the map refuses. Call it with the booking
    row locked. A move to confirmed or canceled is told to the partner the booking was made through (its
    order's), if any, in the same transaction (once per booking and status).
    """
    status_move(booking, status, changes=changes, actor=actor, reason=message)
    booking_event_add(
        booking=booking, type=str(status), message=message or STATUS_MESSAGES[status], data=data, actor=actor
    )
    if status in PARTNER_EVENTS:
        partner_event_for_partners(
            partner_ids=partner_ids_for_item(kind=BOOKING_KIND, ref=booking.pk),
            user=booking.customer,
            type=PARTNER_EVENTS[status],
            render=lambda partner: booking_object(booking=booking, partner=partner),
            key=f"{PARTNER_EVENTS[status]}:{booking.pk}",
        )
    return True


def hold_until(*, now: datetime) -> datetime:
    """How long a new booking's slot is held before its payment page opens (the page then sets the end)."""
    return now + timedelta(minutes=settings.BOOKING_HOLD_MINUTES)


def _lock(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("mentor__user", "customer", "appointment")
        .get(pk=booking.pk)
    )


def booking_for_request(*, customer, request_key: str) -> Booking | None:
    """The customer's booking made by the form submit `request_key`, if any."""
    if not request_key:
        return None
    return Booking.objects.filter(customer=customer, request_key=request_key).select_related("appointment").first()


def booking_start(
    *,
    customer,
    mentor: MentorProfile,
    start_at: datetime,
    minutes: int,
    topic: str,
    notes: str = "",
    request_key: str = "",
    now=None,
    partner=None,
) -> tuple[Booking, Order | None]:
    """Book `minutes` with `mentor` at `start_at` for `customer`: the slot is held and a pending order placed.

    All in one transaction: the booking (pending_payment, priced now from the mentor's rate), its
    appointment held on the mentor's calendar (scheduling locks the calendar, so of concurrent requests
    for overlapping times exactly one wins; the others get SlotTaken with other times to pick), and an
    order for this one item. The caller then opens its payment page with commerce's order_checkout.
    `request_key` (the booking form's one-time token) makes a repeated submit safe: the same customer
    sending the same key gets the booking it made (and its waiting order, or None once it is no longer
    waiting for payment), never a second booking; two concurrent submits are decided by the unique
    constraint on (customer, request_key). `partner` is the partner whose API books it (None on the site):
    the order is placed through it, which makes the booking that partner's (and no other's).
    Raises BookingError, mentorship.services.MentorError (length not offered), SlotTaken.
    """
    now = now or timezone.now()
    existing = booking_for_request(customer=customer, request_key=request_key)
    if existing is not None:
        return existing, _waiting_order(existing, partner=partner)
    if mentor.status != MentorProfile.Status.APPROVED:
        raise BookingError(MENTOR_NOT_BOOKABLE.format(name=mentor))
    if mentor.user_id == customer.pk:
        raise BookingError(CANNOT_BOOK_YOURSELF)
    if not topic.strip():
        raise BookingError(TOPIC_REQUIRED)
    price = mentor_session_price(mentor=mentor, minutes=minutes)
    try:
        return _booking_create(
            customer=customer,
            mentor=mentor,
            start_at=start_at,
            price=price,
            topic=topic,
            notes=notes,
            request_key=request_key,
            now=now,
            partner=partner,
        )
    except IntegrityError:
        existing = booking_for_request(customer=customer, request_key=request_key)
        if existing is None:
            raise
        return existing, _waiting_order(existing, partner=partner)


def _waiting_order(booking: Booking, *, partner=None) -> Order | None:
    if booking.status != Booking.Status.PENDING_PAYMENT:
        return None
    return order_create_for_item(user=booking.customer, kind=BOOKING_KIND, ref=str(booking.pk), partner=partner)


def _booking_create(
    *, customer, mentor, start_at, price, topic, notes, request_key, now, partner=None
) -> tuple[Booking, Order]:
    minutes = price.minutes
    with transaction.atomic():
        booking = Booking.objects.create(
            request_key=request_key,
            mentor=mentor,
            customer=customer,
            minutes=minutes,
            price_amount=price.amount,
            currency=price.currency,
            topic=topic.strip()[:120],
            notes=notes.strip(),
        )
        booking.appointment = appointment_hold(
            host=mentor.user,
            guest=customer,
            start_at=start_at,
            length=timedelta(minutes=minutes),
            until=hold_until(now=now),
            subject=booking_subject(booking),
            title=f"{minutes}-minute session: {booking.topic}"[:200],
            now=now,
        )
        booking.save(update_fields=["appointment", "updated_at"])
        booking_event_add(booking=booking, type="created", message=STATUS_MESSAGES[Booking.Status.PENDING_PAYMENT])
        order = order_create_for_item(user=customer, kind=BOOKING_KIND, ref=str(booking.pk), partner=partner)
    return booking, order


def booking_fulfil_from_return(*, booking: Booking, session_id: str) -> Booking:
    """The customer came back from Stripe with `session_id`: if it paid one of this booking's orders, fulfil it
    now (idempotent, the same path as the webhook) and return the booking as it now is.

    Raises commerce's Order.DoesNotExist when the session pays none of the booking's orders (a forged or
    someone else's session id) and PaymentProviderError when Stripe cannot be reached.
    """
    order_fulfil_item_from_return(user=booking.customer, kind=BOOKING_KIND, ref=str(booking.pk), session_id=session_id)
    booking.refresh_from_db()
    return booking


def booking_reschedule(*, booking: Booking, start_at: datetime, actor, now: datetime | None = None) -> Booking:
    """Move a confirmed session to another free time of the same length; the payment stays as it is.

    Allowed up to BOOKING_RESCHEDULE_NOTICE_HOURS before the current start and at most
    BOOKING_MAX_RESCHEDULES times. The appointment moves in place (same .ics UID, SEQUENCE + 1) and
    both people get the updated invitation once. A repeated or stale submit for the time it already
    has changes nothing. Locks the booking row. Raises BookingError or SlotTaken.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking)
        appointment = booking.appointment
        if appointment.start_at == start_at:
            return booking
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError(NOT_RESCHEDULABLE)
        notice = timedelta(hours=settings.BOOKING_RESCHEDULE_NOTICE_HOURS)
        if appointment.start_at - now < notice:
            raise BookingError(RESCHEDULE_TOO_LATE.format(hours=settings.BOOKING_RESCHEDULE_NOTICE_HOURS))
        if booking.reschedule_count >= settings.BOOKING_MAX_RESCHEDULES:
            raise BookingError(RESCHEDULE_LIMIT.format(count=booking.reschedule_count))
        was = appointment.start_at
        appointment = appointment_reschedule(appointment=appointment, start_at=start_at, now=now)
        booking.reschedule_count += 1
        booking.save(update_fields=["reschedule_count", "updated_at"])
        booking.appointment = appointment
        booking_event_add(
            booking=booking,
            type="rescheduled",
            message="The session was moved to another time.",
            data={"from": was.isoformat(), "to": start_at.isoformat(), "sequence": appointment.ics_sequence},
            actor=actor,
        )
        partner_event_for_partners(
            partner_ids=partner_ids_for_item(kind=BOOKING_KIND, ref=booking.pk),
            user=booking.customer,
            type="booking.rescheduled",
            render=lambda partner: booking_object(booking=booking, partner=partner),
            data_extra={"previous_attributes": {"start": was.astimezone(UTC).strftime(UTC_FORMAT)}},
            key=f"booking.rescheduled:{booking.pk}:{booking.reschedule_count}",
        )
        notify_booking_rescheduled(booking=booking)
    return booking


@dataclass(frozen=True)
class CancelQuote:
    """What cancelling now gives back: `amount` of `currency`, with the policy's explanation."""

    amount: int
    currency: str
    explanation: str
    order: Order | None
    line_id: int | None

    @property
    def label(self) -> str:
        return format_money(self.amount, self.currency)


def booking_cancel_quote(
    *, booking: Booking, by_mentor: bool = False, by_staff: bool = False, now: datetime | None = None
) -> CancelQuote:
    """What goes back if the session is cancelled now: the tier by notice (the refund policy's quote, the
    same the cancel will refund), or everything paid and not yet refunded when the mentor or staff cancel.
    Reads only."""
    line = order_line_for_item(kind=BOOKING_KIND, ref=str(booking.pk))
    if line is None:
        return CancelQuote(amount=0, currency=booking.currency, explanation="", order=None, line_id=None)
    if by_mentor or by_staff:
        # Everything not yet refunded, whatever the notice: the policy's quote would give only its tier.
        left = refundable_by_line(order=line.order).get(line.pk, 0)
        explanation = "The mentor cancelled: all of it." if by_mentor else "Staff cancelled: all of it."
        return CancelQuote(left, line.order.currency, explanation, line.order, line.pk)
    quote = refund_quote(order=line.order, line_ids=[line.pk], now=now).line_for(line.pk)
    amount = quote.amount if quote.eligible else 0
    explanation = quote.explanation or " ".join(quote.reasons)
    return CancelQuote(amount, line.order.currency, explanation, line.order, line.pk)


def _canceller(booking: Booking, actor) -> str:
    """Who is cancelling: "customer", "mentor" or "staff"; PermissionDenied for anyone else."""
    if actor.pk == booking.customer_id:
        return "customer"
    if actor.pk == booking.mentor.user_id:
        return "mentor"
    if actor.is_staff and actor.has_perm(CANCEL_PERMISSION):
        return "staff"
    raise PermissionDenied(NOT_ALLOWED_TO_CANCEL)


def booking_cancel(*, booking: Booking, actor, reason: str = "", now: datetime | None = None) -> tuple[Booking, str]:
    """Cancel a session, by its customer (refund by the notice tiers), its mentor or staff (full refund).

    Staff need the `mentorship.cancel_booking` permission and a reason; their cancellation is written
    to the staff audit log (StaffAction "booking.cancel", tied to the order) in the same transaction
    as the cancellation, and the refund they start is audited by commerce as "order.refund".
    Raises PermissionDenied for anyone else, BookingError when it can no longer be cancelled.

    The booking is cancelled and its time freed at once (both people get a CANCEL invitation); the
    refund is then started through commerce's refund pipeline, once per booking (its request key), for
    exactly the amount `booking_cancel_quote` showed. An unpaid booking is simply cancelled (its
    payment page, if paid later anyway, is refunded automatically). Locks the booking row.
    Returns the booking and a sentence for the person about their money ("" when nothing goes back).
    """
    now = now or timezone.now()
    who = _canceller(booking, actor)
    by_mentor, by_staff = who == "mentor", who == "staff"
    if by_staff and not reason.strip():
        raise BookingError(STAFF_REASON_REQUIRED)
    with transaction.atomic():
        booking = _lock(booking)
        if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.PENDING_PAYMENT, Booking.Status.EXPIRED):
            raise BookingError(NOT_CANCELABLE)
        if booking.status == Booking.Status.CONFIRMED and booking.appointment.start_at <= now:
            raise BookingError(NOT_CANCELABLE)
        paid = booking.status == Booking.Status.CONFIRMED
        quote = booking_cancel_quote(booking=booking, by_mentor=by_mentor, by_staff=by_staff, now=now) if paid else None
        why = reason.strip() or ("Cancelled by the mentor." if by_mentor else "Cancelled by the customer.")
        booking_set_status(
            booking=booking,
            status=Booking.Status.CANCELED,
            message=why,
            actor=actor,
            changes={"canceled_at": now, "cancel_reason": why[:255]},
        )
        if booking.appointment.status in ("held", "confirmed"):
            booking.appointment = appointment_cancel(appointment=booking.appointment, reason=why, actor=actor)
        if by_staff:
            staff_action_record(
                actor=actor,
                action="booking.cancel",
                subject=booking,
                reason=why,
                order_number=quote.order.number if quote and quote.order else "",
                data={"refund": quote.amount if quote else 0, "currency": booking.currency},
            )
        if paid:
            notify_booking_canceled(booking=booking)
    if not quote or quote.amount == 0:
        return booking, ""
    try:
        refund_start(
            order=quote.order,
            amounts={quote.line_id: quote.amount},
            reason=why,
            actor=actor,
            source={"mentor": "automatic", "staff": "staff"}.get(who, "customer"),
            request_key=f"booking-cancel:{booking.pk}",
        )
    except RefundError as exc:  # recorded and resent by send_pending_refunds, or refused and flagged for staff
        return booking, exc.message
    return booking, REFUND_ON_ITS_WAY.format(amount=quote.label)


def booking_finish(*, booking: Booking, actor, no_show: bool = False, now: datetime | None = None) -> Booking:
    """The mentor marks a confirmed session that has ended as completed, or the customer as a no-show."""
    now = now or timezone.now()
    what = Booking.Status.NO_SHOW if no_show else Booking.Status.COMPLETED
    with transaction.atomic():
        booking = _lock(booking)
        if booking.status != Booking.Status.CONFIRMED or booking.appointment.end_at > now:
            raise BookingError(NOT_FINISHABLE.format(what=Booking.Status(what).label.lower()))
        finish = appointment_mark_no_show if no_show else appointment_complete
        finish(appointment=booking.appointment, now=now, actor=actor)
        booking_set_status(booking=booking, status=what, actor=actor)
    return booking
