"""The slot engine: pure functions from a calendar's rules and its busy times to free slots.

No database here: `selectors.free_slots` loads a `Schedule` in a constant number of queries and
calls `compute_free_slots`. Everything is an aware datetime in UTC except the rules, which are
local wall-clock times in the calendar's zone.

Daylight-saving time, with zoneinfo:
- A rule means wall-clock time: a 09:00 rule gives 09:00 local on both sides of a change.
- Slot starts lie on the calendar's step grid, counted in wall-clock time from the start of each
  window. A start that does not exist that night (inside the spring-forward gap) is skipped;
  one that exists twice (the repeated hour in autumn) is taken once, at its first reading (fold=0).
- A slot lasts its real length and must end by the window's end (a real instant: 03:00 after a
  fall-back is three hours after 01:00). A window end inside a gap ends at the earlier reading,
  so a slot never ends after the host's stated hours.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Schedule:
    """What the engine needs to know about a host. `busy` are blocked ranges (buffers included) in UTC.

    `weekly` maps a weekday (0=Monday) to its windows; `overrides` maps a date to the windows that
    replace its weekday's (an empty sequence: unavailable all day).
    """

    time_zone: str
    weekly: Mapping[int, Sequence[tuple[time, time]]] = field(default_factory=dict)
    overrides: Mapping[date, Sequence[tuple[time, time]]] = field(default_factory=dict)
    busy: Sequence[tuple[datetime, datetime]] = ()
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    min_notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=60)
    step: timedelta = timedelta(minutes=30)


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether a naive local time exists in `zone` (it does not inside a spring-forward gap)."""
    aware = wall.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def _to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """A naive local time as a UTC instant, at its first reading when it is ambiguous (fold=0)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _window_end_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    if _exists(wall, zone):
        return _to_utc(wall, zone)
    return min(_to_utc(wall, zone), wall.replace(tzinfo=zone, fold=1).astimezone(UTC))


def _merge(intervals: Iterable[tuple[datetime, datetime]]) -> tuple[list[datetime], list[datetime]]:
    """Sorted, disjoint [start, end) intervals as two parallel lists (ends are sorted too)."""
    starts: list[datetime] = []
    ends: list[datetime] = []
    for start, end in sorted(intervals):
        if starts and start < ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _windows_for(schedule: Schedule, day: date) -> Sequence[tuple[time, time]]:
    if day in schedule.overrides:
        return schedule.overrides[day]
    return schedule.weekly.get(day.weekday(), ())


def _candidate_starts(
    schedule: Schedule, zone: ZoneInfo, day: date, length: timedelta, steady_offset: timedelta | None
) -> Iterable[tuple[datetime, datetime]]:
    """(start, end) in UTC of every grid start in `day`'s windows whose slot fits in its window.

    `steady_offset` is the zone's offset when it is the same all day (nearly every day): then
    wall-clock and UTC differ by a constant and plain arithmetic is enough.
    """
    step = schedule.step
    for window_start, window_end in _windows_for(schedule, day):
        wall_start = datetime.combine(day, window_start)
        wall_end = datetime.combine(day, window_end)
        if steady_offset is not None:
            candidate = (wall_start - steady_offset).replace(tzinfo=UTC)
            end_utc = (wall_end - steady_offset).replace(tzinfo=UTC)
            while candidate + length <= end_utc:
                yield candidate, candidate + length
                candidate += step
            continue
        end_utc = _window_end_utc(wall_end, zone)
        wall = wall_start
        while wall < wall_end:
            if _exists(wall, zone):
                candidate = _to_utc(wall, zone)
                if candidate + length <= end_utc:
                    yield candidate, candidate + length
            wall += step


def compute_free_slots(
    *, schedule: Schedule, length: timedelta, start: datetime, end: datetime, now: datetime
) -> list[Slot]:
    """Every free slot of `length` whose start is in [start, end), in UTC, earliest first.

    A slot is free when it lies in the day's windows (date overrides replacing weekly hours),
    starts at least `min_notice` after `now` and before `now + horizon`, and its range widened by
    the calendar's buffers does not overlap any busy range (which carries the existing
    appointment's own buffers).
    """
    if length <= timedelta(0):
        return []
    zone = ZoneInfo(schedule.time_zone)
    earliest = max(start, now + schedule.min_notice)
    latest = min(end, now + schedule.horizon)
    if earliest >= latest:
        return []
    busy_starts, busy_ends = _merge(schedule.busy)
    first_day = earliest.astimezone(zone).date() - timedelta(days=1)
    last_day = latest.astimezone(zone).date() + timedelta(days=1)
    before, after, busy_count = schedule.buffer_before, schedule.buffer_after, len(busy_starts)
    free: list[tuple[datetime, datetime]] = []
    day = first_day
    offset_at_midnight = zone.utcoffset(datetime.combine(day, time(0)))
    while day <= last_day:
        next_day = day + timedelta(days=1)
        offset_next_midnight = zone.utcoffset(datetime.combine(next_day, time(0)))
        steady = offset_at_midnight if offset_at_midnight == offset_next_midnight else None
        for slot_start, slot_end in _candidate_starts(schedule, zone, day, length, steady):
            if not (earliest <= slot_start < latest):
                continue
            # The first busy range that ends after our blocked start is the only one that can overlap.
            index = bisect.bisect_right(busy_ends, slot_start - before)
            if index < busy_count and busy_starts[index] < slot_end + after:
                continue
            free.append((slot_start, slot_end))
        day, offset_at_midnight = next_day, offset_next_midnight
    # Overlapping windows on one day can offer a start twice: keep it once.
    return [Slot(start, end) for start, end in sorted(set(free))]


def nearest_slots(slots: Sequence[Slot], *, around: datetime, count: int = 5) -> list[Slot]:
    """The `count` slots whose starts are closest to `around` (excluding it), earliest first."""
    others = [slot for slot in slots if slot.start != around]
    others.sort(key=lambda slot: (abs(slot.start - around), slot.start))
    return sorted(others[:count])
