"""The reminder a day before each confirmed session: once per session and time, never for other sessions."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail
from innerwork.scheduling.models import Appointment
from innerwork.scheduling.services import calendar_for
from mentorship.bookings import booking_reschedule, booking_start
from mentorship.models import Booking, MentorProfile
from mentorship.reminders import booking_reminders_send
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

START = datetime.combine(timezone.now().date() + timedelta(days=5), time(10), tzinfo=UTC)


@pytest.fixture
def booked():
    """A confirmed 30-minute session at START (paid, arranged without Stripe: booking and time confirmed)."""
    mentor = MentorProfileFactory(status=MentorProfile.Status.APPROVED)
    calendar = calendar_for(mentor.user)
    calendar.min_notice_minutes = 0
    calendar.save()
    for weekday in range(7):
        calendar.weekly_rules.create(weekday=weekday, start_time=time(6), end_time=time(22))
    booking, _ = booking_start(customer=UserFactory(), mentor=mentor, start_at=START, minutes=30, topic="Hiring")
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    Appointment.objects.filter(pk=booking.appointment_id).update(status="confirmed", hold_expires_at=None)
    booking.refresh_from_db()
    return booking


def reminders():
    return OutboxEmail.objects.filter(kind="mentorship/booking_reminder")


@pytest.mark.parametrize(
    ("before", "reminded"),
    [
        (timedelta(hours=25), False),  # too early
        (timedelta(hours=24), True),  # exactly a day before
        (timedelta(hours=1), True),
        (timedelta(0), False),  # it has started
    ],
)
def test_a_confirmed_session_is_reminded_within_a_day_before_it(booked, before, reminded):
    sent = booking_reminders_send(now=START - before)

    assert sent == (1 if reminded else 0)
    assert reminders().count() == (2 if reminded else 0)


def test_both_people_are_reminded_once_however_often_the_job_runs(booked):
    # given the job running every ten minutes through the last day
    now = START - timedelta(hours=23)
    counts = [booking_reminders_send(now=now + timedelta(minutes=10 * run)) for run in range(5)]
    # then one reminder each for the customer and the mentor, with the invitation
    assert counts == [1, 0, 0, 0, 0]
    assert sorted(email.to[0] for email in reminders()) == sorted([booked.customer.email, booked.mentor.user.email])
    assert all(email.attachments[0]["filename"] == "invite.ics" for email in reminders())


def test_a_moved_session_is_reminded_of_its_new_time(booked):
    booking_reminders_send(now=START - timedelta(hours=23))
    # when the session is moved to the next day, two days ahead
    booking = booking_reschedule(
        booking=booked, start_at=START + timedelta(days=1), actor=booked.customer, now=START - timedelta(days=2)
    )
    # then a day before its new time both people are reminded again
    assert booking_reminders_send(now=START + timedelta(hours=1)) == 1
    assert reminders().count() == 4
    assert booking.appointment.ics_sequence == 1


@pytest.mark.parametrize("status", ["pending_payment", "canceled", "expired"])
def test_sessions_not_confirmed_are_not_reminded(booked, status):
    Booking.objects.filter(pk=booked.pk).update(status=status)

    assert booking_reminders_send(now=START - timedelta(hours=2)) == 0
    assert not reminders().exists()


def test_the_cron_command_runs_and_says_how_many_sessions_it_reminded(booked, capsys):
    call_command("send_booking_reminders")

    assert "Reminded 0 sessions." in capsys.readouterr().out  # START is five days away
