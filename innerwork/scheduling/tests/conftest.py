from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from innerwork.scheduling.tests.factories import CalendarFactory, WeeklyRuleFactory

NY = ZoneInfo("America/New_York")
# A fixed "now" well before the Monday the tests book (2026-03-02, New York, EST).
NOW = datetime(2026, 2, 20, 12, tzinfo=UTC)


def ny(text: str) -> datetime:
    """A New York wall-clock time ("2026-03-02 10:00") as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=NY)


def ny_starts(slots) -> list[str]:
    return [slot.start.astimezone(NY).strftime("%Y-%m-%d %H:%M") for slot in slots]


@pytest.fixture
def calendar(db):
    """A New York host open Mondays 09:00-12:00, 30-minute grid, no buffers or notice."""
    calendar = CalendarFactory(time_zone="America/New_York")
    WeeklyRuleFactory(calendar=calendar, weekday=0, start_time=time(9), end_time=time(12))
    return calendar


@pytest.fixture
def host(calendar):
    return calendar.owner
