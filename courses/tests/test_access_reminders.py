"""The e-mail a week before an access period ends: sent once per period, in the learner's time zone, run as
beat sends it."""

import datetime

import pytest
import time_machine

from courses import services
from courses.models import Enrollment
from courses.reminders import EXPIRY_REMINDER_TEMPLATE, access_expiry_reminders_send
from courses.tests.factories import course_with_lessons
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail
from innerwork.core.tests.beat import beat_job_run

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
JOB = "send_access_expiry_reminders"


def reminders():
    return OutboxEmail.objects.filter(kind=EXPIRY_REMINDER_TEMPLATE)


def enrolled(*, access_days, bought_at, zone="UTC", status=Enrollment.Status.ACTIVE):
    user = UserFactory(time_zone=zone)
    enrollment = services.enrollment_create(
        user=user, course=course_with_lessons(access_days=access_days), type=Enrollment.Type.PAID, access_from=bought_at
    )
    if status != Enrollment.Status.ACTIVE:
        services.enrollment_set_status(enrollment=enrollment, status=status)
    return enrollment


@pytest.mark.parametrize(
    ("access_days", "ends_in", "status", "reminded"),
    [
        (30, datetime.timedelta(days=7, seconds=1), Enrollment.Status.ACTIVE, False),  # more than a week left
        (30, datetime.timedelta(days=7), Enrollment.Status.ACTIVE, True),  # exactly a week
        (30, datetime.timedelta(hours=1), Enrollment.Status.ACTIVE, True),
        (30, datetime.timedelta(0), Enrollment.Status.ACTIVE, False),  # already over
        (30, datetime.timedelta(days=3), Enrollment.Status.REFUNDED, False),
        (None, None, Enrollment.Status.ACTIVE, False),  # lifetime
    ],
)
def test_who_is_reminded(access_days, ends_in, status, reminded):
    bought_at = NOW - datetime.timedelta(days=30) + (ends_in or datetime.timedelta(0))
    enrolled(access_days=access_days, bought_at=bought_at, status=status)

    assert access_expiry_reminders_send(now=NOW) == int(reminded)
    assert reminders().count() == int(reminded)


def test_the_job_reminds_once_per_period_and_again_after_buying_again():
    # given a 30-day period ending in 3 days
    enrollment = enrolled(access_days=30, bought_at=NOW - datetime.timedelta(days=27))

    # when beat sends the job twice
    with time_machine.travel(NOW, tick=False):
        first, second = beat_job_run(JOB), beat_job_run(JOB)
    assert (first, second) == (1, 0)

    # and the learner buys again after it ended, and the new period nears its end
    renewed_at = NOW + datetime.timedelta(days=10)
    services.enrollment_create(
        user=enrollment.user, course=enrollment.course, type=Enrollment.Type.PAID, access_from=renewed_at
    )
    with time_machine.travel(renewed_at + datetime.timedelta(days=25), tick=False):
        third, fourth = beat_job_run(JOB), beat_job_run(JOB)

    # then one reminder per period
    assert (third, fourth) == (1, 0)
    assert reminders().count() == 2


def test_the_reminder_gives_the_date_and_time_in_the_learners_zone():
    # ends 23:30 UTC on 15 Nov: already 16 Nov 00:30 in Berlin
    enrolled(
        access_days=30,
        bought_at=datetime.datetime(2026, 10, 16, 23, 30, tzinfo=UTC),
        zone="Europe/Berlin",
    )

    access_expiry_reminders_send(now=NOW)

    email = reminders().get()
    assert "ends on 16 Nov 2026" in email.subject
    assert "16 Nov 2026 at 00:30 (CET)" in email.body_text
