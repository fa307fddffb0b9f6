"""Booking a paid session, through the one payment pipeline and the Stripe emulator.

A mentor open every day 06:00-22:00 UTC; sessions are booked a few days ahead. Each test pays,
expires, cancels or moves a booking through the public services and checks the booking, its
appointment, the order, the refund and the e-mails (with their .ics invitations).
"""

import base64
import threading
from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
from django.db import connection
from django.utils import timezone

from commerce.checkout import (
    order_checkout,
    order_expire_from_session,
    order_fulfil_from_return,
)
from commerce.models import CheckoutSession, Order, Refund
from commerce.refunds import refund_start
from commerce.stripe_gateway import session_expire
from commerce.tests.admin_fixtures import staff_in
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail
from innerwork.core.status import StatusTransitionError
from innerwork.scheduling.models import Appointment
from innerwork.scheduling.services import SlotTaken, calendar_for
from mentorship.bookings import (
    NOT_RESCHEDULABLE,
    RESCHEDULE_LIMIT,
    RESCHEDULE_TOO_LATE,
    BookingError,
    booking_cancel,
    booking_cancel_quote,
    booking_reschedule,
    booking_set_status,
    booking_start,
)
from mentorship.models import Booking, MentorProfile
from mentorship.product_kind import SLOT_GONE
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

SUCCESS_URL = "http://testserver/sessions/done?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://testserver/sessions/cancelled"


def _day_at(days: int, hour: int) -> datetime:
    """`days` from today at `hour`:00 UTC."""
    return datetime.combine(timezone.now().date() + timedelta(days=days), time(hour), tzinfo=UTC)


@pytest.fixture
def mentor():
    """An approved mentor at 120.00 an hour, open 06:00-22:00 UTC every day, no buffers or notice."""
    profile = MentorProfileFactory(
        status=MentorProfile.Status.APPROVED, meeting_url="https://meet.example/ana", session_lengths=[30, 60, 90]
    )
    calendar = calendar_for(profile.user)
    calendar.min_notice_minutes = 0
    calendar.save()
    for weekday in range(7):
        calendar.weekly_rules.create(weekday=weekday, start_time=time(6), end_time=time(22))
    return profile


def _open_session_id(order) -> str:
    return order.checkout_sessions.get(status=CheckoutSession.Status.OPEN).stripe_id


def _pay(emulator, order, django_capture_on_commit_callbacks) -> Order:
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    session_id = _open_session_id(order)
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil_from_return(order=order, session_id=session_id)
    order.refresh_from_db()
    return order


def _ics_of(email: OutboxEmail) -> icalendar.Calendar:
    [attachment] = email.attachments
    return icalendar.Calendar.from_ical(base64.b64decode(attachment["content"]))


def test_booking_holds_the_slot_and_places_an_order_priced_from_the_rate(mentor):
    # given a customer picking 30 minutes in three days
    customer = UserFactory()
    start = _day_at(3, 10)
    # when they book
    booking, order = booking_start(customer=customer, mentor=mentor, start_at=start, minutes=30, topic="First team")
    # then the booking waits for payment, its time is held for it, and its order is for this one item
    assert (booking.status, booking.price_amount, booking.currency) == ("pending_payment", 6000, "usd")
    assert (booking.appointment.status, booking.appointment.start_at) == ("held", start)
    assert booking.appointment.end_at == start + timedelta(minutes=30)
    assert (order.origin, order.total_amount, order.status) == ("item", 6000, "pending")
    [line] = order.lines.all()
    assert (line.kind, line.ref) == ("mentorship_session", str(booking.pk))


def test_a_booking_that_cannot_hold_its_slot_leaves_nothing_behind(mentor):
    start = _day_at(3, 10)
    booking_start(customer=UserFactory(), mentor=mentor, start_at=start, minutes=60, topic="One")

    with pytest.raises(SlotTaken) as taken:
        booking_start(
            customer=UserFactory(), mentor=mentor, start_at=start + timedelta(minutes=30), minutes=30, topic="Two"
        )

    assert Booking.objects.count() == 1
    assert Order.objects.count() == 1
    assert taken.value.alternatives  # other times to pick


@pytest.mark.parametrize(
    ("status", "message"),
    [(MentorProfile.Status.PENDING, "is not taking bookings"), (MentorProfile.Status.DEACTIVATED, "is not taking")],
)
def test_only_approved_mentors_can_be_booked(mentor, status, message):
    MentorProfile.objects.filter(pk=mentor.pk).update(status=status)
    mentor.refresh_from_db()

    with pytest.raises(BookingError, match=message):
        booking_start(customer=UserFactory(), mentor=mentor, start_at=_day_at(3, 10), minutes=30, topic="Hi")


def test_paying_confirms_the_booking_and_sends_each_person_an_invitation_once(
    mentor, emulator, django_capture_on_commit_callbacks
):
    # given a customer in Tokyo who booked an hour with a mentor
    customer = UserFactory(time_zone="Asia/Tokyo")
    booking, order = booking_start(
        customer=customer, mentor=mentor, start_at=_day_at(4, 9), minutes=60, topic="Leading a team"
    )
    # when they pay with 4242 (and the success page fulfils)
    order = _pay(emulator, order, django_capture_on_commit_callbacks)
    # then the booking and its time are confirmed
    booking.refresh_from_db()
    assert (order.status, booking.status) == ("paid", "confirmed")
    assert booking.appointment.status == Appointment.Status.CONFIRMED
    assert booking.confirmed_at == order.paid_at
    # and both people have one e-mail each, in their own time zone, with the same invitation
    emails = OutboxEmail.objects.filter(kind="mentorship/booking_confirmed")
    assert sorted(email.to[0] for email in emails) == sorted([customer.email, mentor.user.email])
    to_customer = emails.get(to=[customer.email])
    assert "18:00" in to_customer.body_text  # 09:00 UTC in Tokyo
    assert "Asia/Tokyo" in to_customer.body_text
    invite = _ics_of(to_customer)
    [event] = invite.walk("VEVENT")
    assert str(invite["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == booking.appointment.ics_uid
    assert event["DTSTART"].dt == _day_at(4, 9)
    assert int(event["SEQUENCE"]) == 0
    # and fulfilling again sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil_from_return(order=order, session_id=order.checkout_sessions.get().stripe_id)
    assert OutboxEmail.objects.filter(kind="mentorship/booking_confirmed").count() == 2


def test_an_expired_payment_page_frees_the_slot_for_someone_else(mentor, emulator):
    # given a booking whose payment page is open
    start = _day_at(3, 14)
    booking, order = booking_start(customer=UserFactory(), mentor=mentor, start_at=start, minutes=30, topic="Hi")
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    # when Stripe reports the page expired
    order_expire_from_session(session=session_expire(session_id=_open_session_id(order)))
    # then the booking expired, its time is free, and another customer can book it
    booking.refresh_from_db()
    assert booking.status == "expired"
    assert booking.appointment.status not in ("held", "confirmed")
    other, _ = booking_start(customer=UserFactory(), mentor=mentor, start_at=start, minutes=30, topic="Mine now")
    assert other.appointment.status == "held"


def test_a_payment_after_the_hold_ran_out_onto_a_taken_slot_is_refunded_in_full(
    mentor, emulator, django_capture_on_commit_callbacks
):
    # given a customer on the payment page whose hold has run out (Stripe's expiry event was lost)
    start = _day_at(3, 15)
    late, order = booking_start(customer=UserFactory(), mentor=mentor, start_at=start, minutes=30, topic="Late")
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    session_id = _open_session_id(order)
    Appointment.objects.filter(pk=late.appointment_id).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    # and someone else who booked that time meanwhile
    winner, _ = booking_start(customer=UserFactory(), mentor=mentor, start_at=start, minutes=30, topic="On time")
    # when the first customer's payment arrives
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil_from_return(order=order, session_id=session_id)
    # then their money goes back in full, their booking is cancelled, and the other booking is untouched
    order.refresh_from_db()
    late.refresh_from_db()
    winner.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", 6000)
    assert Refund.objects.get(order=order).source == "automatic"
    assert late.status == "canceled"
    assert (winner.status, winner.appointment.status) == ("pending_payment", "held")
    assert order.events.filter(type="line_not_fulfilled", data__reason=SLOT_GONE).exists()


def test_a_late_payment_onto_a_slot_still_free_confirms_it(mentor, emulator, django_capture_on_commit_callbacks):
    booking, order = booking_start(
        customer=UserFactory(), mentor=mentor, start_at=_day_at(3, 16), minutes=30, topic="Hi"
    )
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    Appointment.objects.filter(pk=booking.appointment_id).update(hold_expires_at=timezone.now() - timedelta(minutes=1))

    order = _pay(emulator, order, django_capture_on_commit_callbacks)

    booking.refresh_from_db()
    assert (order.status, booking.status, booking.appointment.status) == ("paid", "confirmed", "confirmed")


@pytest.mark.parametrize(
    ("hours_ahead", "back"),
    [
        (72, 12000),  # 100 % at 48 h or more
        (48, 12000),  # the boundary itself
        (47, 6000),  # 50 % from 24 h
        (24, 6000),
        (23, 0),  # nothing under 24 h
        (1, 0),
    ],
)
def test_a_customer_cancelling_gets_back_the_tier_of_their_notice(
    mentor, emulator, django_capture_on_commit_callbacks, hours_ahead, back
):
    # given a paid hour-long session at 10:00 UTC in four days (inside the mentor's hours whatever the time
    # of day the test runs), cancelled `hours_ahead` before it starts
    start = (timezone.now() + timedelta(days=4)).replace(hour=10, minute=0, second=0, microsecond=0)
    customer = UserFactory()
    booking, order = booking_start(customer=customer, mentor=mentor, start_at=start, minutes=60, topic="Hi")
    _pay(emulator, order, django_capture_on_commit_callbacks)
    at = start - timedelta(hours=hours_ahead)
    # when they ask what cancelling gives back, then cancel
    quote = booking_cancel_quote(booking=booking, now=at)
    with django_capture_on_commit_callbacks(execute=True):
        booking, said = booking_cancel(booking=booking, actor=customer, now=at)
    # then the quote is exactly what comes back, the booking is cancelled and its time freed
    assert quote.amount == back
    order.refresh_from_db()
    assert order.amount_refunded == back
    assert (booking.status, booking.appointment.status) == ("canceled", "canceled")
    assert bool(said) is (back > 0)
    # and both people get a CANCEL invitation for the same event
    cancel = OutboxEmail.objects.filter(kind="mentorship/booking_canceled")
    assert cancel.count() == 2
    invite = _ics_of(cancel.first())
    [event] = invite.walk("VEVENT")
    assert (str(invite["METHOD"]), str(event["STATUS"])) == ("CANCEL", "CANCELLED")
    assert str(event["UID"]) == booking.appointment.ics_uid
    assert int(event["SEQUENCE"]) == 1


def test_a_mentor_cancelling_refunds_everything_whatever_the_notice(
    mentor, emulator, django_capture_on_commit_callbacks
):
    # given a paid session, and its mentor cancelling three hours before it (no refund tier would pay)
    start = _day_at(3, 10)
    booking, order = booking_start(customer=UserFactory(), mentor=mentor, start_at=start, minutes=30, topic="Hi")
    _pay(emulator, order, django_capture_on_commit_callbacks)
    # when the mentor cancels
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=mentor.user, reason="I'm ill", now=start - timedelta(hours=3))
    # then everything paid goes back
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", 6000)
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("canceled", "I'm ill")


def test_a_refund_made_by_staff_cancels_the_session_and_frees_its_time(
    mentor, emulator, django_capture_on_commit_callbacks
):
    start = _day_at(5, 11)
    booking, order = booking_start(customer=UserFactory(), mentor=mentor, start_at=start, minutes=30, topic="Hi")
    _pay(emulator, order, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        refund_start(
            order=order, amounts=None, reason="Goodwill", actor=staff_in("Finance"), source="staff", request_key="k1"
        )

    booking.refresh_from_db()
    assert (booking.status, booking.appointment.status) == ("refunded", "canceled")
    assert OutboxEmail.objects.filter(kind="mentorship/booking_canceled").count() == 2
    booking_start(customer=UserFactory(), mentor=mentor, start_at=start, minutes=30, topic="Free again")


def test_rescheduling_keeps_the_payment_moves_the_same_event_and_has_limits(
    mentor, emulator, django_capture_on_commit_callbacks, settings
):
    # given a paid session in five days
    settings.BOOKING_MAX_RESCHEDULES = 2
    customer = UserFactory()
    booking, order = booking_start(customer=customer, mentor=mentor, start_at=_day_at(5, 9), minutes=30, topic="Hi")
    _pay(emulator, order, django_capture_on_commit_callbacks)
    uid = booking.appointment.ics_uid
    # when the customer moves it, twice clicking the same form
    booking_reschedule(booking=booking, start_at=_day_at(5, 13), actor=customer)
    booking = booking_reschedule(booking=booking, start_at=_day_at(5, 13), actor=customer)
    # then it moved once: same appointment and UID, sequence 1, no second payment, both told once
    assert (booking.appointment.start_at, booking.appointment.ics_uid, booking.appointment.ics_sequence) == (
        _day_at(5, 13),
        uid,
        1,
    )
    assert booking.reschedule_count == 1
    assert Order.objects.count() == 1
    assert Appointment.objects.filter(status__in=("held", "confirmed")).count() == 1
    assert OutboxEmail.objects.filter(kind="mentorship/booking_rescheduled").count() == 2
    # and the limit holds
    booking_reschedule(booking=booking, start_at=_day_at(5, 15), actor=customer)
    with pytest.raises(BookingError, match=RESCHEDULE_LIMIT.format(count=2)):
        booking_reschedule(booking=booking, start_at=_day_at(5, 17), actor=customer)


def test_a_session_cannot_be_moved_inside_the_notice_window_or_before_it_is_paid(mentor, settings):
    settings.BOOKING_RESCHEDULE_NOTICE_HOURS = 24
    customer = UserFactory()
    start = _day_at(3, 10)
    booking, _ = booking_start(customer=customer, mentor=mentor, start_at=start, minutes=30, topic="Hi")

    with pytest.raises(BookingError, match=NOT_RESCHEDULABLE):
        booking_reschedule(booking=booking, start_at=start + timedelta(hours=1), actor=customer)
    # (arranged as paid, without Stripe: the booking and its time confirmed)
    Booking.objects.filter(pk=booking.pk).update(status="confirmed")
    Appointment.objects.filter(pk=booking.appointment_id).update(status="confirmed", hold_expires_at=None)
    with pytest.raises(BookingError, match=RESCHEDULE_TOO_LATE.format(hours=24)):
        booking_reschedule(
            booking=booking, start_at=start + timedelta(hours=1), actor=customer, now=start - timedelta(hours=23)
        )
    # a day and a minute before, it moves
    moved = booking_reschedule(
        booking=booking, start_at=start + timedelta(hours=1), actor=customer, now=start - timedelta(hours=24, minutes=1)
    )
    assert moved.appointment.start_at == start + timedelta(hours=1)


ALLOWED = {
    ("pending_payment", "confirmed"),
    ("pending_payment", "expired"),
    ("pending_payment", "canceled"),
    ("expired", "pending_payment"),
    ("expired", "confirmed"),
    ("expired", "canceled"),
    ("confirmed", "completed"),
    ("confirmed", "no_show"),
    ("confirmed", "canceled"),
    ("confirmed", "refunded"),
}


@pytest.mark.parametrize("from_status", Booking.Status.values)
@pytest.mark.parametrize("to_status", Booking.Status.values)
def test_every_booking_status_move_is_allowed_or_refused_as_the_map_says(mentor, from_status, to_status):
    booking, _ = booking_start(customer=UserFactory(), mentor=mentor, start_at=_day_at(3, 8), minutes=30, topic="x")
    Booking.objects.filter(pk=booking.pk).update(status=from_status)
    booking.refresh_from_db()
    events = booking.events.count()

    if (from_status, to_status) in ALLOWED:
        booking_set_status(booking=booking, status=to_status)
        booking.refresh_from_db()
        assert booking.status == to_status
        assert booking.events.count() == events + 1
    else:
        with pytest.raises(StatusTransitionError):
            booking_set_status(booking=booking, status=to_status)
        booking.refresh_from_db()
        assert (booking.status, booking.events.count()) == (from_status, events)


@pytest.mark.django_db(transaction=True)
def test_twenty_customers_booking_overlapping_times_at_once_get_exactly_one_hold(mentor):
    # given twenty customers going for times of different lengths that all overlap one another
    start = _day_at(6, 10)
    choices = [(0, 60), (30, 60), (0, 90), (30, 30)]  # (minutes after 10:00, length): every pair overlaps
    customers = [UserFactory() for _ in range(20)]
    results = [None] * 20
    barrier = threading.Barrier(20)

    def book(index):
        offset, minutes = choices[index % len(choices)]
        try:
            barrier.wait()
            results[index] = booking_start(
                customer=customers[index],
                mentor=mentor,
                start_at=start + timedelta(minutes=offset),
                minutes=minutes,
                topic="Race",
            )[0]
        except SlotTaken as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # when they all asked at the same moment, then exactly one holds a time and nineteen were told it was taken
    assert sum(isinstance(result, Booking) for result in results) == 1
    assert sum(isinstance(result, SlotTaken) for result in results) == 19
    assert Appointment.objects.filter(host=mentor.user, status__in=("held", "confirmed")).count() == 1
    assert Booking.objects.count() == Order.objects.count() == 1
