"""`manage.py seed_demo` seeds mentorship too (mentorship/demo.py): mentors to book, the same after every run."""

import socket
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import stripe
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commerce import stripe_gateway as gateway
from commerce.demo import DEMO_PAYMENTS_UNREACHABLE
from commerce.exceptions import RefundError
from commerce.models import CreditNote, Invoice, Order, OrderEvent, OrderLine, Refund
from commerce.orders import payments_for_user
from commerce.orders.notifications import refunded_key
from commerce.refunds import refund_start
from commerce.refunds.services import ORDER_NOT_PAID
from commerce.tests.admin_fixtures import client_for, staff_in
from innerwork.accounts.models import User
from innerwork.core.demo_seeding import demo_seeders
from innerwork.core.models import OutboxEmail
from innerwork.scheduling.models import Appointment, Calendar, DateOverride, WeeklyRule
from innerwork.scheduling.selectors import free_slots
from mentorship import demo
from mentorship.bookings import BOOKING_KIND, REFUND_ON_ITS_WAY, booking_cancel, booking_cancel_quote
from mentorship.models import Booking, BookingEvent, Expertise, Language, MentorProfile

# Every seed here pays at this test's own emulator (never at whatever answers on STRIPE_API_HOST's default port).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("emulator")]

LEARNER = "learner@innerwork.test"
SEEDED_MODELS = (
    User,
    Expertise,
    Language,
    MentorProfile,
    Calendar,
    WeeklyRule,
    DateOverride,
    Appointment,
    Booking,
    BookingEvent,
    Order,
    OrderLine,
    OrderEvent,
)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict:
    """Every field of every seeded row, and the mentors' expertise and languages."""
    rows = {model.__name__: {row["id"]: row for row in model.objects.values()} for model in SEEDED_MODELS}
    rows["links"] = {
        mentor.pk: (
            sorted(mentor.expertise.values_list("slug", flat=True)),
            sorted(mentor.languages.values_list("code", flat=True)),
        )
        for mentor in MentorProfile.objects.all()
    }
    return rows


def test_seed_demo_finds_mentorships_seed_by_app_without_naming_it():
    assert ("mentorship", demo.seed) in demo_seeders()


def test_seeding_twice_gives_the_same_rows_and_reports_nothing_to_change():
    # given a seeded demo, its session ahead paid at the emulator
    first = _seed()
    before = _snapshot()
    # when seeding again
    second = _seed()
    # then no row changed and the report says so; both runs name the demo mentor login
    assert _snapshot() == before
    assert "mentor profiles created: 6" in first
    assert "nothing to change" in second
    assert f"mentors: {demo.MENTOR_LOGIN} / {demo.MENTOR_PASSWORD}" in second


def test_six_approved_mentors_in_several_zones_either_side_of_the_date_line_each_with_free_slots_this_week():
    _seed()

    mentors = list(MentorProfile.objects.select_related("user__calendar"))
    assert len(mentors) >= 6
    assert {mentor.status for mentor in mentors} == {MentorProfile.Status.APPROVED}
    zones = {mentor.user.calendar.time_zone for mentor in mentors}
    assert len(zones) >= 3
    assert {"Pacific/Auckland", "America/Los_Angeles"} <= zones  # across the date line from each other
    now = timezone.now()
    for mentor in mentors:
        calendar = mentor.user.calendar
        assert calendar.time_zone == mentor.user.time_zone
        assert all((mentor.headline, mentor.bio, mentor.meeting_url, mentor.session_lengths))
        assert mentor.expertise.exists()
        assert mentor.languages.exists()
        assert (mentor.hourly_rate_amount > 0, mentor.currency) == (True, "usd")
        assert calendar.weekly_rules.exists()
        assert calendar.buffer_before_minutes + calendar.buffer_after_minutes > 0
        assert calendar.min_notice_minutes > 0
        # a day off next week, in the mentor's own zone
        today = now.astimezone(ZoneInfo(calendar.time_zone)).date()
        day_off = calendar.date_overrides.get(unavailable=True).date
        assert today < day_off <= today + timedelta(days=14)
        assert day_off.isocalendar()[1] != today.isocalendar()[1]
        shortest = timedelta(minutes=min(mentor.session_lengths))
        week = free_slots(host=mentor.user, length=shortest, start=now, end=now + timedelta(days=7), now=now)
        assert week, mentor.slug


def test_the_demo_mentor_can_sign_in(client):
    _seed()

    assert client.login(username=demo.MENTOR_LOGIN, password=demo.MENTOR_PASSWORD)
    assert User.objects.get(email=demo.MENTOR_LOGIN).mentor_profile.is_listed


def test_the_demo_learner_has_a_confirmed_session_ahead_and_completed_ones_behind():
    _seed()

    now = timezone.now()
    bookings = Booking.objects.filter(customer__email=LEARNER).select_related("appointment", "mentor")
    upcoming = [b for b in bookings if b.status == Booking.Status.CONFIRMED]
    past = [b for b in bookings if b.status == Booking.Status.COMPLETED]
    assert len(upcoming) == 1
    assert len(past) >= 1
    [ahead] = upcoming
    assert ahead.appointment.status == Appointment.Status.CONFIRMED
    assert ahead.appointment.start_at > now + timedelta(days=3)
    assert ahead.mentor.user.email == demo.MENTOR_LOGIN  # the demo mentor sees it too
    for booking in past:
        assert booking.appointment.status == Appointment.Status.COMPLETED
        assert booking.appointment.end_at < now
        assert list(booking.events.values_list("type", flat=True)) == ["created", "confirmed", "completed"]
        assert booking.number.startswith(f"BKG-{booking.created_at:%Y%m%d}-")  # numbered the day it was booked
        assert booking.created_at < booking.appointment.start_at
        assert booking.events.order_by("created_at", "id").last().created_at > booking.appointment.end_at
    # the upcoming session's time is no longer offered to anyone else
    slots = free_slots(
        host=ahead.mentor.user,
        length=timedelta(minutes=ahead.minutes),
        start=ahead.appointment.start_at,
        end=ahead.appointment.end_at,
        now=now,
    )
    assert not [slot for slot in slots if slot.start == ahead.appointment.start_at]


@pytest.mark.parametrize("role", ["Support", "Finance", "Admin"])
def test_the_seeded_bookings_render_in_the_console_for_each_role(role):
    _seed()
    client = client_for(staff_in(role, email=f"{role.lower()}-console@innerwork.test"))

    listing = client.get(reverse("admin:mentorship_booking_changelist"))

    assert listing.status_code == 200
    for booking in Booking.objects.all():
        assert booking.number in listing.content.decode()
        page = client.get(reverse("admin:mentorship_booking_change", args=[booking.pk]))
        assert page.status_code == 200
        [line] = OrderLine.objects.filter(kind=BOOKING_KIND, ref=str(booking.pk))
        assert line.order.number in page.content.decode()


def test_every_paid_seeded_session_has_exactly_one_paid_order_line_of_its_price():
    _seed()

    bookings = Booking.objects.filter(status__in=[Booking.Status.CONFIRMED, Booking.Status.COMPLETED])
    assert bookings.count() == len(demo.LEARNER_SESSIONS)
    for booking in bookings.select_related("customer"):
        [line] = OrderLine.objects.filter(kind=BOOKING_KIND, ref=str(booking.pk)).select_related("order")
        order = line.order
        assert (line.total_amount, line.refunded_amount, line.quantity) == (booking.price_amount, 0, 1)
        assert line.fulfilled_at is not None
        assert (order.user, order.status, order.origin) == (booking.customer, Order.Status.PAID, Order.Origin.ITEM)
        assert (order.total_amount, order.amount_paid) == (booking.price_amount, booking.price_amount)
        assert order.currency == booking.currency
        # paid when it was booked, and the booking's timeline names its order
        assert order.paid_at == booking.confirmed_at
        assert order.number.startswith(f"ORD-{order.paid_at:%Y%m%d}-")
        assert booking.events.get(type="confirmed").data == {"order": order.number}
    # and the learner's billing page lists each payment (beside the course orders the demo paid)
    learner = User.objects.get(email=LEARNER)
    assert {line.order for line in OrderLine.objects.filter(kind=BOOKING_KIND).select_related("order")} <= set(
        payments_for_user(user=learner)
    )


@pytest.mark.parametrize(
    ("status", "at_stripe"),
    [(Booking.Status.CONFIRMED, True), (Booking.Status.COMPLETED, False)],
    ids=["session ahead: paid at the emulator", "past session: recorded, no money moved"],
)
def test_a_seeded_sessions_order_is_a_stripe_payment_only_when_one_was_made(status, at_stripe):
    _seed()

    for booking in Booking.objects.filter(customer__email=LEARNER, status=status):
        order = OrderLine.objects.get(kind=BOOKING_KIND, ref=str(booking.pk)).order
        assert bool(order.payment_intent_id) is at_stripe
        assert Invoice.objects.filter(order=order).exists() is at_stripe
        if at_stripe:
            # the emulator knows the payment: the test Visa, succeeded
            assert gateway.payment_intent_retrieve(payment_intent_id=order.payment_intent_id).status == "succeeded"
            assert (order.card_brand, order.card_last4) == ("visa", "4242")
        else:
            # it says what it is, and no refund of it pretends to reach Stripe
            assert (order.card_brand, order.card_last4) == ("", "")
            assert list(order.events.values_list("type", "message", "created_at")) == [
                ("paid", demo.DEMO_PAID_MESSAGE, order.paid_at)
            ]
            with pytest.raises(RefundError) as refused:
                refund_start(
                    order=order, amounts=None, reason="Test", actor=order.user, source="customer", request_key="t"
                )
            assert refused.value.message == ORDER_NOT_PAID.format(number=order.number)
            assert not Refund.objects.filter(order=order).exists()


def test_without_the_emulator_the_seed_says_so_once_and_seeds_everything_but_the_paid_session_ahead(
    settings, monkeypatch
):
    # given Stripe is the emulator's address, but nothing answers there
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.STRIPE_API_HOST = url
    monkeypatch.setattr(stripe, "api_base", url)
    # when seeding
    output = _seed()

    # then one line says why nothing was paid, and mentors and past sessions are there, but no session ahead
    assert output.count(DEMO_PAYMENTS_UNREACHABLE.format(url=url)) == 1
    assert MentorProfile.objects.count() == len(demo.MENTORS)
    statuses = list(Booking.objects.filter(customer__email=LEARNER).values_list("status", flat=True))
    assert sorted(statuses) == [Booking.Status.COMPLETED] * 2
    assert not Order.objects.filter(payment_intent_id__startswith="pi_").exists()


def test_cancelling_the_seeded_session_ahead_would_give_money_back():
    _seed()
    ahead = Booking.objects.get(customer__email=LEARNER, status=Booking.Status.CONFIRMED)

    quote = booking_cancel_quote(booking=ahead)

    assert quote.amount > 0
    assert quote.amount == ahead.price_amount  # four days' notice: the whole price
    assert quote.order.payment_intent_id


def test_cancelling_the_seeded_session_ahead_refunds_it_for_real_at_the_emulator(django_capture_on_commit_callbacks):
    # given the seeded session ahead, paid at the emulator by the seed
    _seed()
    ahead = Booking.objects.get(customer__email=LEARNER, status=Booking.Status.CONFIRMED)
    # when the learner cancels it
    with django_capture_on_commit_callbacks(execute=True):
        booking, said = booking_cancel(booking=ahead, actor=ahead.customer)
    # then the session is cancelled and its time freed, and the whole price went back through Stripe (the emulator)
    assert (booking.status, booking.appointment.status) == ("canceled", "canceled")
    refund = Refund.objects.get(order__lines__kind=BOOKING_KIND, order__lines__ref=str(ahead.pk))
    assert (refund.status, refund.amount) == (Refund.Status.SUCCEEDED, ahead.price_amount)
    at_stripe = gateway.refund_retrieve(refund_id=refund.stripe_refund_id)
    assert (at_stripe.status, at_stripe.amount, at_stripe.payment_intent_id) == (
        "succeeded",
        ahead.price_amount,
        refund.order.payment_intent_id,
    )
    assert said == REFUND_ON_ITS_WAY.format(amount="$120.00")
    refund.order.refresh_from_db()
    assert (refund.order.status, refund.order.amount_refunded) == (Order.Status.REFUNDED, ahead.price_amount)
    # with its credit note against the invoice, and the learner told
    assert CreditNote.objects.get(refund=refund).invoice == Invoice.objects.get(order=refund.order)
    [email] = OutboxEmail.objects.filter(dedup_key=refunded_key(refund=refund))
    assert (email.kind, email.to) == ("commerce/refund_issued", [LEARNER])
