"""Writes to a calendar's settings and hours: its zone, buffers, notice and horizon, weekly hours, date overrides.

Kept apart from services.py (holds, confirmations, reschedules) because these change what the slot
engine offers, never an appointment. Each write locks the calendar row (select_for_update), the lock
every booking write on this person also takes, so hours never change halfway through a booking's
decision about them. Appointments already held or confirmed are not touched: they stay where they are
even when the new hours would no longer offer their time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, time
from itertools import pairwise

from django.db import transaction

from innerwork.accounts.time_zones import is_valid_time_zone
from innerwork.scheduling.models import Calendar, DateOverride, Weekday, WeeklyRule

END_NOT_AFTER_START = "{day}: a window must end after it starts ({start:%H:%M}–{end:%H:%M})."
WINDOWS_OVERLAP = "{day}: {first} and {second} overlap. Merge them into one window or move one."
UNKNOWN_ZONE = "{zone} is not a time zone we know."
OUT_OF_RANGE = "{field} must be between {low} and {high}."

MAX_BUFFER_MINUTES = 240
MAX_NOTICE_MINUTES = 30 * 24 * 60
MAX_HORIZON_DAYS = 365


class AvailabilityError(Exception):
    """Settings or hours refused as asked; `message` is shown to the person as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _window_label(start: time, end: time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def windows_check(*, windows: Iterable[tuple[str, time, time]]) -> None:
    """Refuse windows that end before they start, or overlap another window of the same day.

    `windows` are (day label, start, end); the day label groups them and names them in the message.
    Windows that only touch (09:00–12:00 and 12:00–17:00) do not overlap. Raises AvailabilityError.
    """
    by_day: dict[str, list[tuple[time, time]]] = defaultdict(list)
    for day, start, end in windows:
        if end <= start:
            raise AvailabilityError(END_NOT_AFTER_START.format(day=day, start=start, end=end))
        by_day[day].append((start, end))
    for day, day_windows in by_day.items():
        day_windows.sort()
        for (first_start, first_end), (second_start, second_end) in pairwise(day_windows):
            if second_start < first_end:
                raise AvailabilityError(
                    WINDOWS_OVERLAP.format(
                        day=day,
                        first=_window_label(first_start, first_end),
                        second=_window_label(second_start, second_end),
                    )
                )


def _lock(calendar: Calendar) -> Calendar:
    return Calendar.objects.select_for_update().get(pk=calendar.pk)


def _check_range(label: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise AvailabilityError(OUT_OF_RANGE.format(field=label, low=low, high=high))


def calendar_update(
    *,
    calendar: Calendar,
    time_zone: str,
    buffer_before_minutes: int,
    buffer_after_minutes: int,
    min_notice_minutes: int,
    horizon_days: int,
) -> Calendar:
    """Change the calendar's zone, buffers, minimum notice and horizon; returns the saved calendar.

    Locks the calendar row. Idempotent (the same values again change nothing but `updated_at`).
    Weekly hours stay the same wall-clock times in the new zone. Buffers apply to appointments made
    from now on; those already made keep the blocked time they were made with.
    """
    if not is_valid_time_zone(time_zone):
        raise AvailabilityError(UNKNOWN_ZONE.format(zone=time_zone))
    _check_range("Buffer before", buffer_before_minutes, 0, MAX_BUFFER_MINUTES)
    _check_range("Buffer after", buffer_after_minutes, 0, MAX_BUFFER_MINUTES)
    _check_range("Minimum notice", min_notice_minutes, 0, MAX_NOTICE_MINUTES)
    _check_range("Horizon", horizon_days, 1, MAX_HORIZON_DAYS)
    with transaction.atomic():
        locked = _lock(calendar)
        locked.time_zone = time_zone
        locked.buffer_before_minutes = buffer_before_minutes
        locked.buffer_after_minutes = buffer_after_minutes
        locked.min_notice_minutes = min_notice_minutes
        locked.horizon_days = horizon_days
        locked.save(
            update_fields=[
                "time_zone",
                "buffer_before_minutes",
                "buffer_after_minutes",
                "min_notice_minutes",
                "horizon_days",
                "updated_at",
            ]
        )
    return locked


def weekly_hours_replace(*, calendar: Calendar, windows: Iterable[tuple[int, time, time]]) -> list[WeeklyRule]:
    """Make `windows` (weekday 0 = Monday, start, end; local times) the calendar's whole weekly hours.

    All or nothing: checks every window first (end after start, no overlap within a day; AvailabilityError
    otherwise), then, under the calendar row's lock, deletes the old rules and creates the new ones in
    one transaction. Repeating the same call leaves the same hours. No windows: closed every week.
    """
    windows = sorted(windows)
    windows_check(windows=[(Weekday(weekday).label, start, end) for weekday, start, end in windows])
    with transaction.atomic():
        locked = _lock(calendar)
        WeeklyRule.objects.filter(calendar=locked).delete()
        return WeeklyRule.objects.bulk_create(
            [
                WeeklyRule(calendar=locked, weekday=weekday, start_time=start, end_time=end)
                for weekday, start, end in windows
            ]
        )


def date_override_set(
    *, calendar: Calendar, day: date, windows: Iterable[tuple[time, time]] = ()
) -> list[DateOverride]:
    """Replace `day`'s hours: the `windows` (local start, end) instead of that weekday's, or none: a day off.

    Any override already on that date is replaced, under the calendar row's lock, in one transaction;
    repeating the call leaves the same override. AvailabilityError for windows that end before they
    start or overlap.
    """
    windows = sorted(windows)
    windows_check(windows=[(f"{day:%a} {day.day} {day:%b}", start, end) for start, end in windows])
    with transaction.atomic():
        locked = _lock(calendar)
        DateOverride.objects.filter(calendar=locked, date=day).delete()
        if not windows:
            return [DateOverride.objects.create(calendar=locked, date=day, unavailable=True)]
        return DateOverride.objects.bulk_create(
            [DateOverride(calendar=locked, date=day, start_time=start, end_time=end) for start, end in windows]
        )


def date_override_remove(*, calendar: Calendar, day: date) -> int:
    """Remove `day`'s override, so the weekly hours apply again; returns how many rows went (0 if none).

    Idempotent; locks the calendar row.
    """
    with transaction.atomic():
        locked = _lock(calendar)
        deleted, _ = DateOverride.objects.filter(calendar=locked, date=day).delete()
    return deleted
