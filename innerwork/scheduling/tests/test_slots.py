"""The slot engine as tables: rules × zone × daylight-saving dates × buffers, notice, horizon and busy times.

Expected starts are written as local wall-clock times with the zone's abbreviation, so a reader
can check each against a calendar.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from innerwork.scheduling.slots import Schedule, Slot, compute_free_slots, nearest_slots

SUNDAY, MONDAY = 6, 0


def wall(zone: str, text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(zone))


def local(slots: list[Slot], zone: str) -> list[str]:
    return [slot.start.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z") for slot in slots]


def windows(*pairs: str) -> list[tuple[time, time]]:
    return [(time.fromisoformat(pair.split("-")[0]), time.fromisoformat(pair.split("-")[1])) for pair in pairs]


DST_CASES = [
    # id, zone, weekly rules (weekday -> windows), length (min), from, to (local dates), expected local starts
    pytest.param(
        "America/New_York",
        {SUNDAY: windows("09:00-11:00")},
        60,
        "2026-03-01",
        "2026-03-09",
        [
            "2026-03-01 09:00 EST",
            "2026-03-01 09:30 EST",
            "2026-03-01 10:00 EST",
            "2026-03-08 09:00 EDT",
            "2026-03-08 09:30 EDT",
            "2026-03-08 10:00 EDT",
        ],
        id="new-york-spring-forward-09:00-stays-09:00",
    ),
    pytest.param(
        "America/New_York",
        {SUNDAY: windows("01:00-04:00")},
        30,
        "2026-03-08",
        "2026-03-09",
        ["2026-03-08 01:00 EST", "2026-03-08 01:30 EST", "2026-03-08 03:00 EDT", "2026-03-08 03:30 EDT"],
        id="new-york-spring-forward-skipped-hour-has-no-starts",
    ),
    pytest.param(
        "America/New_York",
        {SUNDAY: windows("09:00-10:00")},
        60,
        "2026-10-25",
        "2026-11-02",
        ["2026-10-25 09:00 EDT", "2026-11-01 09:00 EST"],
        id="new-york-fall-back-09:00-stays-09:00",
    ),
    pytest.param(
        "America/New_York",
        {SUNDAY: windows("00:00-03:00")},
        60,
        "2026-11-01",
        "2026-11-02",
        [
            "2026-11-01 00:00 EDT",
            "2026-11-01 00:30 EDT",
            "2026-11-01 01:00 EDT",
            "2026-11-01 01:30 EDT",
            "2026-11-01 02:00 EST",
        ],
        id="new-york-fall-back-repeated-hour-taken-once",
    ),
    pytest.param(
        "Europe/Berlin",
        {SUNDAY: windows("09:00-10:00")},
        60,
        "2026-03-22",
        "2026-03-30",
        ["2026-03-22 09:00 CET", "2026-03-29 09:00 CEST"],
        id="berlin-spring-forward-09:00-stays-09:00",
    ),
    pytest.param(
        "Europe/Berlin",
        {SUNDAY: windows("02:00-04:00")},
        60,
        "2026-03-29",
        "2026-03-30",
        ["2026-03-29 03:00 CEST"],
        id="berlin-spring-forward-02:00-04:00-rule-hits-the-gap",
    ),
    pytest.param(
        "Europe/Berlin",
        {SUNDAY: windows("09:00-10:00")},
        60,
        "2026-10-18",
        "2026-10-26",
        ["2026-10-18 09:00 CEST", "2026-10-25 09:00 CET"],
        id="berlin-fall-back-09:00-stays-09:00",
    ),
    pytest.param(
        "Europe/Berlin",
        {SUNDAY: windows("02:00-03:00")},
        30,
        "2026-10-25",
        "2026-10-26",
        ["2026-10-25 02:00 CEST", "2026-10-25 02:30 CEST"],
        id="berlin-fall-back-repeated-hour-taken-once",
    ),
    pytest.param(
        "Australia/Sydney",
        {SUNDAY: windows("09:00-10:00")},
        60,
        "2026-03-29",
        "2026-04-06",
        ["2026-03-29 09:00 AEDT", "2026-04-05 09:00 AEST"],
        id="sydney-april-fall-back-09:00-stays-09:00",
    ),
    pytest.param(
        "Australia/Sydney",
        {SUNDAY: windows("01:30-03:30")},
        30,
        "2026-04-05",
        "2026-04-06",
        ["2026-04-05 01:30 AEDT", "2026-04-05 02:00 AEDT", "2026-04-05 02:30 AEDT", "2026-04-05 03:00 AEST"],
        id="sydney-april-repeated-hour-taken-once",
    ),
    pytest.param(
        "Australia/Sydney",
        {SUNDAY: windows("09:00-10:00")},
        60,
        "2026-09-27",
        "2026-10-05",
        ["2026-09-27 09:00 AEST", "2026-10-04 09:00 AEDT"],
        id="sydney-october-spring-forward-09:00-stays-09:00",
    ),
    pytest.param(
        "Australia/Sydney",
        {SUNDAY: windows("02:00-04:00")},
        30,
        "2026-10-04",
        "2026-10-05",
        ["2026-10-04 03:00 AEDT", "2026-10-04 03:30 AEDT"],
        id="sydney-october-skipped-hour-has-no-starts",
    ),
]


@pytest.mark.parametrize(("zone", "weekly", "minutes", "first", "stop", "expected"), DST_CASES)
def test_rules_give_wall_clock_slots_across_daylight_saving_changes(zone, weekly, minutes, first, stop, expected):
    # given a calendar with only weekly hours, no notice, no buffers, nothing booked, a year ahead open
    schedule = Schedule(time_zone=zone, weekly=weekly, min_notice=timedelta(0), horizon=timedelta(days=365))
    # when slots are asked for from midnight of the first day to midnight of the stop day
    slots = compute_free_slots(
        schedule=schedule,
        length=timedelta(minutes=minutes),
        start=wall(zone, f"{first} 00:00"),
        end=wall(zone, f"{stop} 00:00"),
        now=wall(zone, "2026-01-01 00:00"),
    )
    # then the starts are the rule's wall-clock times, in that zone's offset of the day
    assert local(slots, zone) == expected
    assert all(slot.end - slot.start == timedelta(minutes=minutes) for slot in slots)


NY = "America/New_York"
MONDAY_9_TO_12 = {MONDAY: windows("09:00-12:00")}
UTC_IN_NY = ZoneInfo(NY)


def busy(start: str, end: str) -> tuple[datetime, datetime]:
    return (wall(NY, start), wall(NY, end))


RULE_CASES = [
    # id, schedule changes, now (local), length, expected local starts on Monday 2026-03-02
    pytest.param(
        {},
        "2026-02-20 00:00",
        60,
        ["09:00", "09:30", "10:00", "10:30", "11:00"],
        id="open-window-on-the-grid",
    ),
    pytest.param(
        {"step": timedelta(minutes=45)},
        "2026-02-20 00:00",
        60,
        ["09:00", "09:45", "10:30"],
        id="step-counts-from-window-start",
    ),
    pytest.param(
        {"weekly": {MONDAY: windows("09:00-10:00", "11:00-12:30")}},
        "2026-02-20 00:00",
        60,
        ["09:00", "11:00", "11:30"],
        id="several-windows-a-day",
    ),
    pytest.param(
        {"min_notice": timedelta(minutes=120)},
        "2026-03-02 08:00",
        60,
        ["10:00", "10:30", "11:00"],
        id="minimum-notice-from-now",
    ),
    pytest.param(
        {"horizon": timedelta(days=1)},
        "2026-03-01 10:00",
        60,
        ["09:00", "09:30"],
        id="horizon-ends-a-day-after-now",
    ),
    pytest.param(
        {"overrides": {date(2026, 3, 2): []}},
        "2026-02-20 00:00",
        60,
        [],
        id="override-unavailable-all-day",
    ),
    pytest.param(
        {"overrides": {date(2026, 3, 2): windows("14:00-15:30")}},
        "2026-02-20 00:00",
        60,
        ["14:00", "14:30"],
        id="override-windows-replace-weekly-hours",
    ),
    pytest.param(
        {"busy": [busy("2026-03-02 10:00", "2026-03-02 10:30")]},
        "2026-02-20 00:00",
        60,
        ["09:00", "10:30", "11:00"],
        id="busy-range-removes-overlapping-slots-back-to-back-is-fine",
    ),
    pytest.param(
        {"busy": [busy("2026-03-02 10:00", "2026-03-02 10:30")], "buffer_after": timedelta(minutes=15)},
        "2026-02-20 00:00",
        60,
        ["10:30", "11:00"],
        id="candidate-buffer-after-15",
    ),
    pytest.param(
        {"busy": [busy("2026-03-02 10:00", "2026-03-02 10:30")], "buffer_before": timedelta(minutes=15)},
        "2026-02-20 00:00",
        60,
        ["09:00", "11:00"],
        id="candidate-buffer-before-15",
    ),
    pytest.param(
        {"busy": [busy("2026-03-02 09:45", "2026-03-02 11:15")]},
        "2026-02-20 00:00",
        30,
        ["09:00", "11:30"],
        id="existing-appointment-buffers-are-in-its-busy-range",
    ),
    pytest.param(
        {"busy": [busy("2026-03-02 09:00", "2026-03-02 09:30"), busy("2026-03-02 09:15", "2026-03-02 10:00")]},
        "2026-02-20 00:00",
        60,
        ["10:00", "10:30", "11:00"],
        id="overlapping-busy-ranges-merge",
    ),
]


@pytest.mark.parametrize(("changes", "now", "minutes", "expected"), RULE_CASES)
def test_buffers_notice_horizon_overrides_and_busy_times_shape_the_slots(changes, now, minutes, expected):
    # given New York Monday hours 09:00-12:00 and the case's changes
    schedule = Schedule(**{"time_zone": NY, "weekly": MONDAY_9_TO_12, "min_notice": timedelta(0), **changes})
    # when Monday 2026-03-02's slots are asked for
    slots = compute_free_slots(
        schedule=schedule,
        length=timedelta(minutes=minutes),
        start=wall(NY, "2026-03-02 00:00"),
        end=wall(NY, "2026-03-03 00:00"),
        now=wall(NY, now),
    )
    # then
    assert [text.split(" ")[1] for text in local(slots, NY)] == expected


def test_nearest_slots_are_the_five_closest_other_starts_in_order():
    # given slots every hour of a day
    base = wall(NY, "2026-03-02 00:00")
    slots = [Slot(base + timedelta(hours=h), base + timedelta(hours=h, minutes=30)) for h in range(24)]
    # when the nearest to 10:00 are asked for
    nearest = nearest_slots(slots, around=base + timedelta(hours=10))
    # then 10:00 itself is left out and the five closest come earliest first
    assert [slot.start.astimezone(UTC_IN_NY).hour for slot in nearest] == [7, 8, 9, 11, 12]
