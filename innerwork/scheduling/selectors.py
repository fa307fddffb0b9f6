"""Reads: a host's free slots and appointments. Nothing here writes (a host without a calendar has no slots)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from innerwork.scheduling.models import LIVE_STATUSES, Appointment, Calendar, DateOverride, WeeklyRule
from innerwork.scheduling.slots import Schedule, Slot, compute_free_slots

CALENDAR_FIELDS = (
    "id",
    "owner_id",
    "time_zone",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "min_notice_minutes",
    "horizon_days",
    "slot_step_minutes",
)
RULE_FIELDS = ("weekly_rules__weekday", "weekly_rules__start_time", "weekly_rules__end_time")


def calendar_of(*, host) -> Calendar | None:
    """The host's calendar if they have one (`services.calendar_for` creates it)."""
    return Calendar.objects.filter(owner=host).first()


def _calendar_with_rules(*, host) -> tuple[Calendar | None, list[tuple]]:
    """The host's calendar settings and weekly rules in one query (a LEFT JOIN: one row per rule).

    The calendar is built from the selected fields only; it is for reading, never for saving.
    """
    rows = list(Calendar.objects.filter(owner=host).values_list(*CALENDAR_FIELDS, *RULE_FIELDS))
    if not rows:
        return None, []
    calendar = Calendar(**dict(zip(CALENDAR_FIELDS, rows[0][: len(CALENDAR_FIELDS)], strict=True)))
    rules = [row[len(CALENDAR_FIELDS) :] for row in rows if row[len(CALENDAR_FIELDS)] is not None]
    return calendar, rules


def blocking_appointments(*, host, now: datetime) -> QuerySet[Appointment]:
    """The host's appointments that block time at `now`: confirmed, or held with a hold that has not run out.

    A held appointment whose hold has passed blocks nobody, whether or not it was marked expired.
    """
    return Appointment.objects.filter(host=host).filter(
        Q(status=Appointment.Status.CONFIRMED) | Q(status=Appointment.Status.HELD, hold_expires_at__gt=now)
    )


def schedule_load(
    *,
    calendar: Calendar,
    length: timedelta,
    start: datetime,
    end: datetime,
    now: datetime,
    ignore_subject: str = "",
    weekly_rules: list[tuple] | None = None,
) -> Schedule:
    """Everything the slot engine needs for [start, end): three queries whatever the amount of data
    (two when the calendar's `weekly_rules` (weekday, start, end) are passed in)."""
    zone = ZoneInfo(calendar.time_zone)
    horizon = timedelta(days=calendar.horizon_days)
    earliest = max(start, now + timedelta(minutes=calendar.min_notice_minutes))
    latest = max(earliest, min(end, now + horizon))
    weekly: dict[int, list] = defaultdict(list)
    if weekly_rules is None:
        weekly_rules = list(
            WeeklyRule.objects.filter(calendar=calendar).values_list("weekday", "start_time", "end_time")
        )
    for weekday, start_time, end_time in weekly_rules:
        weekly[weekday].append((start_time, end_time))
    overrides: dict = {}
    days_off = set()
    first_day = earliest.astimezone(zone).date() - timedelta(days=1)
    last_day = latest.astimezone(zone).date() + timedelta(days=1)
    for day, unavailable, start_time, end_time in DateOverride.objects.filter(
        calendar=calendar, date__gte=first_day, date__lte=last_day
    ).values_list("date", "unavailable", "start_time", "end_time"):
        overrides.setdefault(day, [])
        if unavailable:
            days_off.add(day)
        else:
            overrides[day].append((start_time, end_time))
    for day in days_off:
        overrides[day] = []
    before = timedelta(minutes=calendar.buffer_before_minutes)
    after = timedelta(minutes=calendar.buffer_after_minutes)
    busy_query = blocking_appointments(host=calendar.owner_id, now=now).filter(
        blocked_end__gt=earliest - before, blocked_start__lt=latest + length + after
    )
    if ignore_subject:
        busy_query = busy_query.exclude(subject=ignore_subject)
    return Schedule(
        time_zone=calendar.time_zone,
        weekly=dict(weekly),
        overrides=overrides,
        busy=list(busy_query.values_list("blocked_start", "blocked_end")),
        buffer_before=before,
        buffer_after=after,
        min_notice=timedelta(minutes=calendar.min_notice_minutes),
        horizon=horizon,
        step=timedelta(minutes=calendar.slot_step_minutes),
    )


def _week_windows(rows) -> dict[int, list]:
    weekly: dict[int, list] = defaultdict(list)
    for weekday, start_time, end_time in rows:
        weekly[weekday].append((start_time, end_time))
    return dict(weekly)


def _override_windows(rows) -> dict:
    overrides: dict = {}
    days_off = set()
    for day, unavailable, start_time, end_time in rows:
        overrides.setdefault(day, [])
        if unavailable:
            days_off.add(day)
        else:
            overrides[day].append((start_time, end_time))
    for day in days_off:
        overrides[day] = []
    return overrides


def next_free_slots_for_hosts(
    *, hosts: list, length_by_host: dict[int, timedelta], now: datetime, within: timedelta | None = None
) -> dict[int, Slot | None]:
    """Each host's first free slot of its length (`length_by_host`, by user pk) from `now`, within its
    horizon (and `within` of now when given): {host pk: Slot or None}.

    Four queries whatever the number of hosts, rules, overrides and appointments: calendars, weekly
    rules, date overrides and blocking appointments of all hosts at once; then the pure engine per host.
    A host without a calendar has no free slot.
    """
    host_ids = [getattr(host, "pk", host) for host in hosts]
    result: dict[int, Slot | None] = dict.fromkeys(host_ids)
    if not host_ids:
        return result
    calendars = {calendar.owner_id: calendar for calendar in Calendar.objects.filter(owner_id__in=host_ids)}
    if not calendars:
        return result
    ends = {}
    for owner_id, calendar in calendars.items():
        end = now + timedelta(days=calendar.horizon_days)
        ends[owner_id] = min(end, now + within) if within is not None else end
    latest = max(ends.values())
    calendar_ids = [calendar.pk for calendar in calendars.values()]
    rules: dict[int, list] = defaultdict(list)
    for calendar_id, *row in WeeklyRule.objects.filter(calendar_id__in=calendar_ids).values_list(
        "calendar_id", "weekday", "start_time", "end_time"
    ):
        rules[calendar_id].append(row)
    first_day = now.date() - timedelta(days=2)
    last_day = latest.date() + timedelta(days=2)
    overrides: dict[int, list] = defaultdict(list)
    for calendar_id, *row in DateOverride.objects.filter(
        calendar_id__in=calendar_ids, date__gte=first_day, date__lte=last_day
    ).values_list("calendar_id", "date", "unavailable", "start_time", "end_time"):
        overrides[calendar_id].append(row)
    busy: dict[int, list] = defaultdict(list)
    busy_rows = (
        Appointment.objects.filter(host_id__in=list(calendars))
        .filter(Q(status=Appointment.Status.CONFIRMED) | Q(status=Appointment.Status.HELD, hold_expires_at__gt=now))
        .filter(blocked_end__gt=now - timedelta(days=1), blocked_start__lt=latest + timedelta(days=1))
        .values_list("host_id", "blocked_start", "blocked_end")
    )
    for host_id, blocked_start, blocked_end in busy_rows:
        busy[host_id].append((blocked_start, blocked_end))
    for owner_id, calendar in calendars.items():
        length = length_by_host.get(owner_id)
        if not length:
            continue
        schedule = Schedule(
            time_zone=calendar.time_zone,
            weekly=_week_windows(rules[calendar.pk]),
            overrides=_override_windows(overrides[calendar.pk]),
            busy=busy[owner_id],
            buffer_before=timedelta(minutes=calendar.buffer_before_minutes),
            buffer_after=timedelta(minutes=calendar.buffer_after_minutes),
            min_notice=timedelta(minutes=calendar.min_notice_minutes),
            horizon=timedelta(days=calendar.horizon_days),
            step=timedelta(minutes=calendar.slot_step_minutes),
        )
        # A week at a time: most hosts have a slot in the first week, so the rest is rarely computed.
        start = now
        while start < ends[owner_id] and result[owner_id] is None:
            end = min(start + timedelta(days=7), ends[owner_id])
            slots = compute_free_slots(schedule=schedule, length=length, start=start, end=end, now=now)
            result[owner_id] = slots[0] if slots else None
            start = end
    return result


def free_slots(
    *, host, length: timedelta, start: datetime, end: datetime, now: datetime, ignore_subject: str = ""
) -> list[Slot]:
    """The host's free slots of `length` starting in [start, end), UTC, earliest first (three queries).

    `ignore_subject` leaves that subject's own appointment out of the busy times, so a reschedule
    does not collide with the appointment it moves.
    """
    calendar, rules = _calendar_with_rules(host=host)
    if calendar is None:
        return []
    schedule = schedule_load(
        calendar=calendar,
        length=length,
        start=start,
        end=end,
        now=now,
        ignore_subject=ignore_subject,
        weekly_rules=rules,
    )
    return compute_free_slots(schedule=schedule, length=length, start=start, end=end, now=now)


def next_free_slot(
    *, host, length: timedelta, now: datetime, after: datetime | None = None, ignore_subject: str = ""
) -> Slot | None:
    """The host's first free slot of `length` starting at or after `after` (default `now`), within the horizon."""
    calendar, rules = _calendar_with_rules(host=host)
    if calendar is None:
        return None
    start = max(after or now, now)
    end = now + timedelta(days=calendar.horizon_days)
    schedule = schedule_load(
        calendar=calendar,
        length=length,
        start=start,
        end=end,
        now=now,
        ignore_subject=ignore_subject,
        weekly_rules=rules,
    )
    slots = compute_free_slots(schedule=schedule, length=length, start=start, end=end, now=now)
    return slots[0] if slots else None


def live_appointment_for_subject(*, subject: str) -> Appointment | None:
    """The held or confirmed appointment of `subject` (there is at most one), or None."""
    return Appointment.objects.filter(subject=subject, status__in=LIVE_STATUSES).first()


def appointments_for_host(*, host, start: datetime, end: datetime) -> QuerySet[Appointment]:
    """The host's appointments overlapping [start, end), every status, earliest first."""
    return Appointment.objects.filter(host=host, start_at__lt=end, end_at__gt=start).select_related("guest")


@dataclass(frozen=True)
class SlotDay:
    """One day of free slots in the viewer's zone: `day` is the local date, `slots` start on it."""

    day: date
    slots: list[Slot]


def slot_days(
    *, host, minutes: int, zone: ZoneInfo, now: datetime, days: int = 14, ignore_subject: str = ""
) -> list[SlotDay]:
    """The host's free slots of `minutes` in the next `days` days, grouped by the viewer's local date
    (four queries). `ignore_subject` leaves that subject's own time out (picking a new time for it)."""
    slots = free_slots(
        host=host,
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


def calendar_preview_days(*, host, minutes: int, zone: ZoneInfo, now: datetime, days: int = 7) -> list[SlotDay]:
    """The host's free slots of `minutes` in the next `days` days as people booking them would see them (rules,
    overrides, buffers, notice, appointments), one entry per local day of `zone`, empty days included."""
    found = {day.day: day.slots for day in slot_days(host=host, minutes=minutes, zone=zone, now=now, days=days)}
    today = now.astimezone(zone).date()
    return [SlotDay(day=today + timedelta(days=n), slots=found.get(today + timedelta(days=n), [])) for n in range(days)]
