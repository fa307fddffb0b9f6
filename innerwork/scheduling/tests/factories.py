from datetime import UTC, datetime, time, timedelta

import factory

from innerwork.accounts.tests.factories import UserFactory
from innerwork.scheduling.models import Appointment, Calendar, DateOverride, WeeklyRule


class CalendarFactory(factory.django.DjangoModelFactory):
    """A calendar with no buffers, notice or hours of its own: each test says what it needs."""

    class Meta:
        model = Calendar

    owner = factory.SubFactory(UserFactory)
    time_zone = "UTC"
    buffer_before_minutes = 0
    buffer_after_minutes = 0
    min_notice_minutes = 0
    horizon_days = 60
    slot_step_minutes = 30


class WeeklyRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyRule

    calendar = factory.SubFactory(CalendarFactory)
    weekday = 0
    start_time = time(9)
    end_time = time(17)


class DateOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DateOverride

    calendar = factory.SubFactory(CalendarFactory)
    date = factory.LazyFunction(lambda: datetime.now(UTC).date())
    unavailable = True
    start_time = None
    end_time = None


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An appointment row written directly (tests only): the services are what the product uses."""

    class Meta:
        model = Appointment

    host = factory.SubFactory(UserFactory)
    guest = factory.SubFactory(UserFactory)
    start_at = datetime(2026, 3, 2, 15, tzinfo=UTC)
    end_at = factory.LazyAttribute(lambda a: a.start_at + timedelta(hours=1))
    blocked_start = factory.LazyAttribute(lambda a: a.start_at)
    blocked_end = factory.LazyAttribute(lambda a: a.end_at)
    status = Appointment.Status.CONFIRMED
    hold_expires_at = factory.LazyAttribute(
        lambda a: a.start_at - timedelta(days=1) if a.status == Appointment.Status.HELD else None
    )
    subject = factory.Sequence(lambda n: f"test.thing:{n}")
    title = "A session"
