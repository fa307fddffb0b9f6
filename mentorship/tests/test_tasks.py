"""Mentorship's periodic job, run as beat sends it: a session starting within a day is reminded, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from innerwork.core.models import OutboxEmail
from innerwork.core.tests.beat import beat_job_run
from innerwork.scheduling.models import Appointment
from mentorship.tests.test_reminders import booked  # noqa: F401  (a confirmed session, used by name)

pytestmark = pytest.mark.django_db


def test_the_job_reminds_both_people_of_a_session_starting_within_a_day_once(booked):  # noqa: F811
    # given the confirmed session moved to start in two hours
    start = timezone.now() + timedelta(hours=2)
    end = start + timedelta(minutes=30)
    Appointment.objects.filter(pk=booked.appointment_id).update(
        start_at=start, end_at=end, blocked_start=start, blocked_end=end
    )

    # when beat sends the job, twice
    first, second = beat_job_run("send_booking_reminders"), beat_job_run("send_booking_reminders")

    # then both people were reminded, once
    assert (first, second) == (1, 0)
    reminded = OutboxEmail.objects.filter(kind="mentorship/booking_reminder").values_list("to", flat=True)
    assert sorted(to[0] for to in reminded) == sorted([booked.customer.email, booked.mentor.user.email])
