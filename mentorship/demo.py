"""Mentorship's part of `manage.py seed_demo` (found by innerwork.core.demo_seeding): mentors, calendars, sessions.

Six approved mentors in six time zones (Auckland and Los Angeles either side of the date line), each
with weekly hours in their own zone, buffers, a minimum notice, a day off next week and a video room;
and for the demo learner one confirmed session coming up, booked and paid at the Stripe emulator as a
customer would (so cancelling it refunds for real), and two that took place, each with the paid order it
would have left, marked as demo data with no payment at Stripe (see `_recorded_order`). Idempotent: profiles
and calendars are synced by natural key; the learner's sessions are history, created once (found by
mentor and topic) and then left alone. Nothing here is fixed in time: the hours repeat every week and
the sessions are placed relative to the run, so the demo always has free slots ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from commerce.demo import demo_pay_item
from commerce.models import Order, OrderEvent, OrderLine, new_order_number
from commerce.orders import order_event_add
from commerce.registry import get_kind
from innerwork.core.demo_seeding import DemoSeed
from innerwork.scheduling.models import Appointment, Calendar, DateOverride, WeeklyRule
from innerwork.scheduling.selectors import next_free_slot
from innerwork.scheduling.services import appointment_confirm
from mentorship.bookings import (
    BOOKING_KIND,
    booking_event_add,
    booking_finish,
    booking_set_status,
    booking_start,
    booking_subject,
)
from mentorship.models import Booking, Expertise, Language, MentorProfile, new_booking_number
from mentorship.services import mentor_approve, mentor_session_price

MENTOR_PASSWORD = "innerwork-mentor"  # noqa: S105 - published in the README on purpose
MENTOR_LOGIN = "mentor@innerwork.test"

EXPERTISE = {
    "leadership": "Leadership",
    "career-change": "Career change",
    "mindfulness": "Mindfulness",
    "communication": "Communication",
    "productivity": "Productivity",
    "negotiation": "Negotiation",
}
LANGUAGES = {"en": "English", "es": "Spanish", "de": "German", "hi": "Hindi", "fr": "French", "mi": "Māori"}

WEEKDAYS = (0, 1, 2, 3, 4)
MORNING_AND_AFTERNOON = ((time(9), time(12)), (time(13), time(17)))


@dataclass(frozen=True)
class MentorSpec:
    email: str
    full_name: str
    time_zone: str
    slug: str
    headline: str
    bio: str
    expertise: tuple[str, ...]
    languages: tuple[str, ...]
    hourly_rate: int  # minor units of usd
    lengths: tuple[int, ...]
    weekdays: tuple[int, ...]
    hours: tuple[tuple[time, time], ...]
    buffer_before: int
    buffer_after: int
    min_notice_minutes: int
    day_off: int  # the weekday of next week they take off (a date override)


MENTORS = (
    MentorSpec(
        MENTOR_LOGIN,
        "Ana Ruiz",
        "America/Los_Angeles",
        "ana-ruiz",
        "Helps new managers lead their first team",
        "Twelve years leading product teams at two start-ups and a bank. I help first-time managers hold "
        "their first one-to-ones, give feedback that lands and stop doing their team's work for them.",
        ("leadership", "communication"),
        ("en", "es"),
        12000,
        (30, 60),
        WEEKDAYS,
        MORNING_AND_AFTERNOON,
        10,
        10,
        12 * 60,
        2,
    ),
    MentorSpec(
        "tama.ngata@innerwork.test",
        "Tama Ngata",
        "Pacific/Auckland",
        "tama-ngata",
        "Calm focus for busy people, one habit at a time",
        "Former emergency nurse, now a mindfulness teacher. Short, practical sessions: how to notice stress "
        "early, breathe through a hard meeting and protect an hour of deep work a day.",
        ("mindfulness", "productivity"),
        ("en", "mi"),
        9000,
        (30, 60, 90),
        (0, 1, 2, 3),
        ((time(7), time(11)), (time(16), time(20))),
        0,
        15,
        12 * 60,
        3,
    ),
    MentorSpec(
        "lena.vogel@innerwork.test",
        "Lena Vogel",
        "Europe/Berlin",
        "lena-vogel",
        "Speak up in meetings and be heard",
        "Communication coach for engineers and scientists. We rehearse the conversation you are dreading — a "
        "pay rise, a no, a presentation to the board — until it feels like yours.",
        ("communication", "negotiation", "leadership"),
        ("de", "en"),
        15000,
        (45, 60, 90),
        WEEKDAYS,
        ((time(8), time(12)), (time(14), time(18))),
        15,
        15,
        24 * 60,
        1,
    ),
    MentorSpec(
        "arjun.mehta@innerwork.test",
        "Arjun Mehta",
        "Asia/Kolkata",
        "arjun-mehta",
        "From engineer to product manager, without starting over",
        "I moved from backend engineering to product management at 34 and have helped forty people make a "
        "similar move. We map what you already know, what to learn next and how to tell the story.",
        ("career-change", "productivity"),
        ("en", "hi"),
        6000,
        (30, 60),
        (0, 1, 2, 3, 4, 5),
        ((time(10), time(13)), (time(18), time(21))),
        5,
        5,
        6 * 60,
        4,
    ),
    MentorSpec(
        "chloe.durand@innerwork.test",
        "Chloé Durand",
        "Europe/Paris",
        "chloe-durand",
        "Negotiate your next offer with confidence",
        "Recruiter for ten years, on the other side of the table. I show you how offers are made, what is "
        "really negotiable and how to ask for it without burning the relationship.",
        ("negotiation", "career-change"),
        ("fr", "en"),
        11000,
        (30, 45, 60),
        (1, 2, 3, 4),
        MORNING_AND_AFTERNOON,
        10,
        10,
        24 * 60,
        2,
    ),
    MentorSpec(
        "hannah.brooks@innerwork.test",
        "Hannah Brooks",
        "America/New_York",
        "hannah-brooks",
        "Get your week back: planning that survives Monday",
        "Operations lead turned productivity coach. We build a weekly review you will actually keep, cut the "
        "meetings that do not need you and set up a calendar that defends your focus time.",
        ("productivity", "mindfulness"),
        ("en",),
        10000,
        (30, 45, 60),
        WEEKDAYS,
        ((time(8), time(11)), (time(12), time(16))),
        0,
        10,
        12 * 60,
        0,
    ),
)


@dataclass(frozen=True)
class SessionSpec:
    mentor: str  # MentorSpec.slug
    topic: str
    notes: str
    minutes: int
    days_from_now: int  # > 0: the first free slot from then on, confirmed; < 0: that many days ago, completed
    hour: int = 0  # for past sessions: the hour, in the mentor's zone


LEARNER_SESSIONS = (
    SessionSpec(
        "ana-ruiz",
        "Running my first one-to-ones",
        "I start managing a team of four next month and have never run a one-to-one.",
        60,
        4,
    ),
    SessionSpec(
        "ana-ruiz",
        "Giving feedback to a former peer",
        "One of my reports used to be my closest colleague.",
        30,
        -9,
        hour=10,
    ),
    SessionSpec(
        "lena-vogel",
        "Presenting to the leadership team",
        "Ten minutes on our roadmap, and I freeze when interrupted.",
        45,
        -20,
        hour=15,
    ),
)


def seed(*, demo: DemoSeed) -> None:
    expertise = {slug: demo.sync(Expertise, {"slug": slug}, {"name": name})[0] for slug, name in EXPERTISE.items()}
    languages = {code: demo.sync(Language, {"code": code}, {"name": name})[0] for code, name in LANGUAGES.items()}
    mentors = {spec.slug: _mentor(demo, spec, expertise, languages) for spec in MENTORS}
    for spec in LEARNER_SESSIONS:
        _learner_session(demo, spec, mentors[spec.mentor])
    zones = len({spec.time_zone for spec in MENTORS})
    demo.notes.append(
        f"mentors: {MENTOR_LOGIN} / {MENTOR_PASSWORD} (and {len(MENTORS) - 1} more in {zones} time zones, "
        "same password)"
    )


def _mentor(demo: DemoSeed, spec: MentorSpec, expertise: dict, languages: dict) -> MentorProfile:
    user = demo.person(email=spec.email, full_name=spec.full_name, time_zone=spec.time_zone, password=MENTOR_PASSWORD)
    mentor, created = demo.sync(
        MentorProfile,
        {"user": user},
        {
            "slug": spec.slug,
            "headline": spec.headline,
            "bio": spec.bio,
            "hourly_rate_amount": spec.hourly_rate,
            "currency": "usd",
            "session_lengths": list(spec.lengths),
            "meeting_url": f"https://meet.innerwork.test/{spec.slug}",
        },
    )
    _add_missing(demo, mentor.expertise, [expertise[slug] for slug in spec.expertise], "mentor expertise added")
    _add_missing(demo, mentor.languages, [languages[code] for code in spec.languages], "mentor languages added")
    if created:
        # Approval is staff's decision afterwards (they may deactivate a demo mentor); the seed approves once.
        mentor_approve(mentor=mentor, actor=demo.admin, reason="Demo mentor")
        mentor.refresh_from_db()
    _calendar(demo, spec, user)
    return mentor


def _add_missing(demo: DemoSeed, relation, wanted: list, label: str) -> None:
    missing = [item for item in wanted if item not in set(relation.all())]
    if missing:
        relation.add(*missing)
        demo.counts[label] += len(missing)


def _calendar(demo: DemoSeed, spec: MentorSpec, user) -> Calendar:
    calendar, _ = demo.sync(
        Calendar,
        {"owner": user},
        {
            "time_zone": spec.time_zone,
            "buffer_before_minutes": spec.buffer_before,
            "buffer_after_minutes": spec.buffer_after,
            "min_notice_minutes": spec.min_notice_minutes,
            "horizon_days": 60,
            "slot_step_minutes": 30,
        },
    )
    for weekday in spec.weekdays:
        for start, end in spec.hours:
            demo.sync(WeeklyRule, {"calendar": calendar, "weekday": weekday, "start_time": start}, {"end_time": end})
    demo.sync(DateOverride, {"calendar": calendar, "date": _next_week(demo.now, spec), "unavailable": True}, {})
    return calendar


def _next_week(now: datetime, spec: MentorSpec) -> date:
    """The date, in the mentor's zone, of weekday `spec.day_off` in the week after this one."""
    today = now.astimezone(ZoneInfo(spec.time_zone)).date()
    return today + timedelta(days=7 - today.weekday() + spec.day_off)


def _learner_session(demo: DemoSeed, spec: SessionSpec, mentor: MentorProfile) -> None:
    if Booking.objects.filter(mentor=mentor, customer=demo.learner, topic=spec.topic).exists():
        return  # the learner's history: created once, whatever happened to it since
    made = _upcoming_session(demo, spec, mentor) if spec.days_from_now > 0 else _past_session(demo, spec, mentor)
    if made:
        demo.counts["mentor sessions created"] += 1


def _past_booking(spec: SessionSpec, mentor: MentorProfile, customer, *, booked_at: datetime) -> Booking:
    price = mentor_session_price(mentor=mentor, minutes=spec.minutes)
    booking = Booking.objects.create(
        # Numbered by the day it was booked, as a real booking is (the random part as new_booking_number makes it).
        number=f"BKG-{booked_at:%Y%m%d}-{new_booking_number()[-6:]}",
        mentor=mentor,
        customer=customer,
        minutes=spec.minutes,
        price_amount=price.amount,
        currency=price.currency,
        topic=spec.topic,
        notes=spec.notes,
    )
    booking_event_add(booking=booking, type="created", message="Booked (demo data).")
    return booking


# A session still ahead is booked and paid as the learner would: `booking_start` on a time the slot engine offers,
# then commerce.demo pays its order at the Stripe emulator (Checkout Session paid with the test Visa, fulfilled as
# the success page does: booking confirmed, invoice issued, e-mails). Cancelling it in the demo refunds for real.
#
# A session in the past cannot be booked (the slot engine offers no past time), and a payment made today cannot
# honestly be dated weeks ago. So a past session keeps the order it would have left, marked for what it is:
# paid on the day it was booked, with its line fulfilled, but with no payment at Stripe behind it (no payment
# intent, no card, no invoice: no money moved). The refund pipeline refuses it before calling Stripe ("has not
# been paid"), so nothing pretends to be refundable; past sessions cannot be cancelled anyway.
DEMO_PAID_MESSAGE = "Recorded as paid (demo data: paid before the demo began, no money moved, nothing to refund)."
CONFIRMED_MESSAGE = "Confirmed: paid (demo data: no money moved)."


def _recorded_order(booking: Booking, *, paid_at: datetime) -> Order:
    """The paid order of a past seeded booking, with no Stripe payment (called while it waits: its kind prices it)."""
    priced = get_kind(BOOKING_KIND).price(ref=str(booking.pk), user=booking.customer)
    customer = booking.customer
    order = Order.objects.create(
        number=f"ORD-{paid_at:%Y%m%d}-{new_order_number()[-6:]}",
        user=customer,
        origin=Order.Origin.ITEM,
        status=Order.Status.PAID,
        currency=priced.currency,
        subtotal_amount=priced.amount,
        total_amount=priced.amount,
        amount_paid=priced.amount,
        paid_at=paid_at,
        billing_name=customer.get_full_name(),
        billing_email=customer.email,
    )
    OrderLine.objects.create(
        order=order,
        kind=priced.kind,
        ref=priced.ref,
        title=priced.title,
        category=priced.category,
        unit_amount=priced.unit_amount,
        quantity=priced.quantity,
        total_amount=priced.amount,
        fulfilled_at=paid_at,
    )
    event = order_event_add(order=order, type=Order.Status.PAID, message=DEMO_PAID_MESSAGE)
    Order.objects.filter(pk=order.pk).update(created_at=paid_at, updated_at=paid_at)
    OrderEvent.objects.filter(pk=event.pk).update(created_at=paid_at)
    return order


def _upcoming_session(demo: DemoSeed, spec: SessionSpec, mentor: MentorProfile) -> bool:
    """Booked at the mentor's first free time `days_from_now` days ahead and paid at the emulator, as a customer does.

    Needs demo payments (a confirmed session is a paid one): without the emulator it is left for a later seed.
    """
    if not demo.payments:
        return False
    slot = next_free_slot(
        host=mentor.user,
        length=timedelta(minutes=spec.minutes),
        now=demo.now,
        after=demo.now + timedelta(days=spec.days_from_now),
    )
    if slot is None:  # the mentor's hours were edited down to nothing: no session to show
        return False
    booking, _order = booking_start(
        customer=demo.learner,
        mentor=mentor,
        start_at=slot.start,
        minutes=spec.minutes,
        topic=spec.topic,
        notes=spec.notes,
        now=demo.now,
    )
    demo_pay_item(user=demo.learner, kind=BOOKING_KIND, ref=str(booking.pk))
    return True


def _past_session(demo: DemoSeed, spec: SessionSpec, mentor: MentorProfile) -> bool:
    """Held, confirmed and completed `-days_from_now` days ago at `hour` in the mentor's zone.

    The slot engine offers no past time, so the appointment is created in its first status (held, as the
    hold service creates it) and then moved through the calendar's doors like a real one.
    """
    zone = ZoneInfo(mentor.user.time_zone)
    day = demo.now.astimezone(zone).date() + timedelta(days=spec.days_from_now)
    start = datetime.combine(day, time(spec.hour), tzinfo=zone).astimezone(UTC)
    end = start + timedelta(minutes=spec.minutes)
    booked_at = start - timedelta(days=6)
    booking = _past_booking(spec, mentor, demo.learner, booked_at=booked_at)
    booking.appointment = Appointment.objects.create(
        host=mentor.user,
        guest=demo.learner,
        start_at=start,
        end_at=end,
        blocked_start=start,
        blocked_end=end,
        status=Appointment.Status.HELD,
        hold_expires_at=booked_at + timedelta(minutes=30),
        subject=booking_subject(booking),
        title=f"{spec.minutes}-minute session: {spec.topic}",
    )
    booking.save(update_fields=["appointment", "updated_at"])
    order = _recorded_order(booking, paid_at=booked_at)
    appointment_confirm(appointment=booking.appointment, now=booked_at)
    booking_set_status(
        booking=booking,
        status=Booking.Status.CONFIRMED,
        message=CONFIRMED_MESSAGE,
        changes={"confirmed_at": booked_at},
        data={"order": order.number},
    )
    booking_finish(booking=booking, actor=mentor.user, now=end + timedelta(minutes=5))
    # Dated as they would have happened, so the timelines read in order.
    Booking.objects.filter(pk=booking.pk).update(created_at=booked_at)
    times = {"created": booked_at, "confirmed": booked_at, "completed": end + timedelta(minutes=5)}
    for event_type, at in times.items():
        booking.events.filter(type=event_type).update(created_at=at)
    return True
