"""Reads about mentors and bookings: who is listed, their cards and free times, a customer's sessions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum

from commerce.orders import item_latest_order_number_for_partner, item_made_through_partner, net_paid_for_items
from innerwork.scheduling.selectors import (
    SlotDay,
    calendar_preview_days,
    next_free_slots_for_hosts,
    slot_days,
)
from innerwork.scheduling.slots import Slot
from mentorship.bookings import BOOKING_KIND
from mentorship.models import Booking, MentorProfile
from mentorship.services import SessionPrice, mentor_session_prices

# "Available this week" on the mentors list and in the API: a free time within this long from now.
THIS_WEEK = timedelta(days=7)


def mentors_listed(*, expertise: str = "", language: str = "", max_rate: int | None = None) -> QuerySet[MentorProfile]:
    """Approved mentors whose account is open, with user, expertise and languages loaded (constant queries).

    `expertise` is an Expertise slug, `language` a Language code, `max_rate` an hourly rate in minor
    units (a mentor whose rate is at most it is kept); empty values filter nothing.
    """
    mentors = MentorProfile.objects.filter(status=MentorProfile.Status.APPROVED, user__is_active=True)
    if expertise:
        mentors = mentors.filter(expertise__slug=expertise)
    if language:
        mentors = mentors.filter(languages__code=language)
    if max_rate is not None:
        mentors = mentors.filter(hourly_rate_amount__lte=max_rate)
    return mentors.select_related("user").prefetch_related("expertise", "languages").distinct()


@dataclass(frozen=True)
class MentorCard:
    """A mentor as the mentors list shows them: cheapest session and the next free time of that length."""

    mentor: MentorProfile
    cheapest: SessionPrice
    next_slot: Slot | None


def mentor_cards(
    *, mentors: Iterable[MentorProfile], now: datetime, within: timedelta | None = None
) -> list[MentorCard]:
    """Cards for `mentors` (already loaded with their user, expertise and languages), in their order.

    Every mentor's next free time comes from one batch read of all their calendars (four queries
    whatever the number of mentors, rules and appointments). `within` keeps only the mentors free
    within that time from now ("available this week").
    """
    mentors = list(mentors)
    cheapest = {mentor.pk: mentor_session_prices(mentor=mentor)[0] for mentor in mentors if mentor.session_lengths}
    lengths = {
        mentor.user_id: timedelta(minutes=cheapest[mentor.pk].minutes) for mentor in mentors if mentor.pk in cheapest
    }
    next_slots = next_free_slots_for_hosts(
        hosts=[mentor.user_id for mentor in mentors], length_by_host=lengths, now=now, within=within
    )
    cards = [
        MentorCard(mentor=mentor, cheapest=cheapest[mentor.pk], next_slot=next_slots.get(mentor.user_id))
        for mentor in mentors
        if mentor.pk in cheapest
    ]
    if within is not None:
        cards = [card for card in cards if card.next_slot is not None]
    return cards


def mentor_listed(*, slug: str) -> MentorProfile:
    """The approved mentor with this slug (user, expertise and languages loaded); DoesNotExist otherwise."""
    return mentors_listed().get(slug=slug)


def mentor_slot_days(
    *, mentor: MentorProfile, minutes: int, zone: ZoneInfo, now: datetime, days: int = 14, ignore_subject: str = ""
) -> list[SlotDay]:
    """The mentor's free slots of `minutes` in the next `days` days, grouped by the viewer's local date
    (four queries). `ignore_subject` leaves that booking's own time out (picking a new time for it)."""
    return slot_days(host=mentor.user_id, minutes=minutes, zone=zone, now=now, days=days, ignore_subject=ignore_subject)


def bookings_of_customer(*, customer, now: datetime) -> tuple[list[Booking], list[Booking]]:
    """The customer's bookings as (upcoming, past): upcoming are waiting for payment or confirmed and not yet
    ended, soonest first; everything else is past, latest first. Two queries at most (one, with its joins)."""
    bookings = (
        Booking.objects.filter(customer=customer, appointment__isnull=False)
        .select_related("mentor__user", "appointment")
        .order_by("appointment__start_at")
    )
    upcoming, past = [], []
    for booking in bookings:
        if booking.status in Booking.UPCOMING and booking.appointment.end_at > now:
            upcoming.append(booking)
        else:
            past.append(booking)
    past.reverse()
    return upcoming, past


def booking_for_viewer(*, user, number: str) -> Booking:
    """The booking `number` if `user` is its customer or its mentor; Booking.DoesNotExist for anyone else."""
    return (
        Booking.objects.filter(number=number)
        .filter(Q(customer=user) | Q(mentor__user=user))
        .select_related("mentor__user", "customer", "appointment")
        .prefetch_related("events")
        .get()
    )


# --- The mentor's own area --------------------------------------------------------------------------------------

MENTOR_AREA_STATUSES = MentorProfile.AREA_STATUSES


def mentor_profile_for_area(*, user) -> MentorProfile | None:
    """The user's mentor profile when it may use the mentor area (approved or waiting for approval), else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        MentorProfile.objects.filter(user=user, status__in=MENTOR_AREA_STATUSES)
        .select_related("user")
        .prefetch_related("expertise", "languages")
        .first()
    )


def mentor_has_area(*, user) -> bool:
    """Whether the user has a mentor area to link to (one EXISTS query; none for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return MentorProfile.objects.filter(user=user, status__in=MENTOR_AREA_STATUSES).exists()


def mentor_booking(*, mentor: MentorProfile, number: str) -> Booking:
    """The booking `number` if it is with `mentor`; Booking.DoesNotExist otherwise (another mentor's too)."""
    return Booking.objects.select_related("appointment", "customer").get(mentor=mentor, number=number)


def mentor_sessions(*, mentor: MentorProfile, now: datetime) -> tuple[list[Booking], list[Booking]]:
    """The mentor's sessions as (upcoming, to_finish), one query.

    Upcoming: waiting for payment or confirmed, not yet ended, soonest first. To finish: confirmed
    and already ended, so the mentor can mark them completed or a no-show; latest first.
    """
    bookings = (
        Booking.objects.filter(mentor=mentor, appointment__isnull=False)
        .filter(
            Q(status__in=Booking.UPCOMING, appointment__end_at__gt=now)
            | Q(status=Booking.Status.CONFIRMED, appointment__end_at__lte=now)
        )
        .select_related("customer", "appointment")
        .order_by("appointment__start_at", "pk")
    )
    upcoming, to_finish = [], []
    for booking in bookings:
        (upcoming if booking.appointment.end_at > now else to_finish).append(booking)
    to_finish.reverse()
    return upcoming, to_finish


@dataclass(frozen=True)
class MonthEarnings:
    """What the mentor's sessions held in one month (their own zone) were sold for, in minor units."""

    month: date
    amount: int
    sessions: int


@dataclass(frozen=True)
class MentorStats:
    """Sessions held (completed), their minutes, and earnings of the last months, oldest month first."""

    sessions_held: int
    minutes_held: int
    currency: str
    months: list[MonthEarnings]

    @property
    def hours_held(self) -> float:
        return self.minutes_held / 60

    @property
    def earnings_total(self) -> int:
        return sum(month.amount for month in self.months)


def _month_starts(*, today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        previous = starts[-1] - timedelta(days=1)
        starts.append(previous.replace(day=1))
    return list(reversed(starts))


# Bookings whose payment, less refunds, is the mentor's (a confirmed one too, once its session has ended);
# for the cancelled and refunded only what was kept counts, and they are not sessions held.
KEPT_ONLY = (Booking.Status.CANCELED, Booking.Status.REFUNDED)
EARNING_STATUSES = (Booking.Status.COMPLETED, Booking.Status.NO_SHOW, *KEPT_ONLY)


def mentor_stats(*, mentor: MentorProfile, zone: ZoneInfo, now: datetime, months: int = 6) -> MentorStats:
    """The mentor's numbers, in three queries whatever the number of bookings.

    Sessions and hours held count completed sessions, ever. Earnings by month (the `months` months up
    to this one, in the mentor's `zone`, by the session's start) add what customers actually paid less
    what went back to them (commerce's `net_paid_for_items`, the sales report's figures) for every
    session whose money is the mentor's: held (completed, or confirmed and ended, not marked yet), the
    customer's no-show, and cancelled or refunded ones for what was kept (a late cancellation's share
    under the refund tiers; nothing after a full refund). A coupon or a partial refund shows at once.
    Sessions still ahead, expired and unpaid bookings count nothing. `sessions` per month counts the
    sessions held and no-shows. Only payments in the mentor's own currency are added, before any
    platform fees.
    """
    held = Booking.objects.filter(mentor=mentor, status=Booking.Status.COMPLETED).aggregate(
        sessions=Count("pk"), minutes=Sum("minutes")
    )
    starts = _month_starts(today=now.astimezone(zone).date(), months=months)
    since = datetime.combine(starts[0], time(0), tzinfo=zone)
    rows = list(
        Booking.objects.filter(mentor=mentor, currency=mentor.currency, appointment__start_at__gte=since)
        .filter(Q(status__in=EARNING_STATUSES) | Q(status=Booking.Status.CONFIRMED, appointment__end_at__lte=now))
        .values_list("pk", "appointment__start_at", "status")
    )
    refs = [pk for pk, _, _ in rows]
    net = net_paid_for_items(kind=BOOKING_KIND, refs=refs, currency=mentor.currency) if rows else {}
    amounts: dict[date, int] = dict.fromkeys(starts, 0)
    counts: dict[date, int] = dict.fromkeys(starts, 0)
    for pk, start_at, status in rows:
        month = start_at.astimezone(zone).date().replace(day=1)
        if month in amounts:
            amounts[month] += net.get(str(pk), 0)
            counts[month] += status not in KEPT_ONLY
    return MentorStats(
        sessions_held=held["sessions"],
        minutes_held=held["minutes"] or 0,
        currency=mentor.currency,
        months=[MonthEarnings(month=month, amount=amounts[month], sessions=counts[month]) for month in starts],
    )


def preview_length(*, mentor: MentorProfile) -> int:
    """The session length the calendar preview shows: 60 minutes if offered, else the shortest offered."""
    lengths = sorted(mentor.session_lengths)
    if not lengths or 60 in lengths:
        return 60
    return lengths[0]


def calendar_preview(*, mentor: MentorProfile, zone: ZoneInfo, now: datetime, days: int = 7) -> list[SlotDay]:
    """The mentor's free slots of `preview_length` in the next `days` days as customers would see them
    (rules, overrides, buffers, notice, appointments), one entry per local day of `zone`, empty days
    included (three queries)."""
    minutes = preview_length(mentor=mentor)
    preview = calendar_preview_days(host=mentor.user_id, minutes=minutes, zone=zone, now=now, days=days)
    return [SlotDay(day=entry.day, slots=entry.slots) for entry in preview]


def bookings_for_partner(*, partner, customer=None) -> QuerySet[Booking]:
    """The bookings `partner`'s API made (one customer's when given), mentor and time joined in.

    A partner sees a booking because its API placed the booking's order (commerce's Order.partner), not
    because the person is its customer: the same person's bookings made through another partner or on the
    site are not in this queryset (the API answers 404). Each carries `customer_public_id`, the partner's
    id for the customer, and `payment_number`, its latest order placed through the partner (its payment id),
    both in the list's one query.
    """
    bookings = (
        Booking.objects.select_related("mentor__user", "customer", "appointment")
        .filter(customer__partner_links__partner=partner)
        .annotate(customer_public_id=F("customer__partner_links__public_id"))  # the filter's join: this partner's
        .filter(item_made_through_partner(partner=partner, kind=BOOKING_KIND))
        .annotate(payment_number=item_latest_order_number_for_partner(partner=partner, kind=BOOKING_KIND))
    )
    if customer is not None:
        bookings = bookings.filter(customer=customer)
    return bookings
