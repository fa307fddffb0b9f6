"""Reads about mentors and bookings: who is listed, their cards and free times, a customer's sessions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from innerwork.scheduling.selectors import free_slots, next_free_slots_for_hosts
from innerwork.scheduling.slots import Slot
from mentorship.models import Booking, MentorProfile
from mentorship.services import SessionPrice, mentor_session_prices


def mentors_listed(*, expertise: str = "", language: str = "", max_rate: int | None = None) -> QuerySet[MentorProfile]:
    """Approved mentors, with their user, expertise and languages loaded (a constant number of queries).

    `expertise` is an Expertise slug, `language` a Language code, `max_rate` an hourly rate in minor
    units (a mentor whose rate is at most it is kept); empty values filter nothing.
    """
    mentors = MentorProfile.objects.filter(status=MentorProfile.Status.APPROVED)
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


@dataclass(frozen=True)
class SlotDay:
    """One day of free slots in the viewer's zone: `day` is the local date, `slots` start on it."""

    day: date
    slots: list[Slot]


def mentor_slot_days(
    *, mentor: MentorProfile, minutes: int, zone: ZoneInfo, now: datetime, days: int = 14, ignore_subject: str = ""
) -> list[SlotDay]:
    """The mentor's free slots of `minutes` in the next `days` days, grouped by the viewer's local date
    (four queries). `ignore_subject` leaves that booking's own time out (picking a new time for it)."""
    slots = free_slots(
        host=mentor.user_id,
        length=timedelta(minutes=minutes),
        start=now,
        end=now + timedelta(days=days),
        now=now,
        ignore_subject=ignore_subject,
    )
    grouped: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        grouped[slot.start.astimezone(zone).date()].append(slot)
    return [SlotDay(day=day, slots=day_slots) for day, day_slots in sorted(grouped.items())]


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
