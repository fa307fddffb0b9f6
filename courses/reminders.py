"""The e-mail a week before a course's access period ends, sent by `manage.py send_access_expiry_reminders`
(from cron or Celery beat).

Run it as often as you like: each reminder is keyed in the outbox by the enrollment and the `expires_at`
it announces, and `Enrollment.expiry_reminded_for` records that date, so a learner hears once per access
period, and once more only after buying again (a new period, a new date).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from innerwork.core.emails import email_enqueue

REMIND_BEFORE = timedelta(days=7)
EXPIRY_REMINDER_TEMPLATE = "courses/access_expiry_reminder"


def _due(*, now: datetime):
    """Enrollments with access whose period ends within REMIND_BEFORE and whose reminder for that end is unsent."""
    return (
        Enrollment.objects.with_access(now=now)
        .filter(expires_at__lte=now + REMIND_BEFORE)
        .filter(Q(expiry_reminded_for__isnull=True) | ~Q(expiry_reminded_for=F("expires_at")))
    )


def access_expiry_reminders_send(*, now: datetime | None = None) -> int:
    """Queue the reminder of every access period ending within a week; returns how many were queued.

    Guarantees: once per enrollment and period, even when two runs overlap: each enrollment is locked and
    checked again before its e-mail is queued (keyed `enrollment:<pk>:expiry-reminder:<expires_at>`) and
    the date recorded, in one transaction. The e-mail is rendered in the learner's time zone.
    """
    now = now or timezone.now()
    sent = 0
    for pk in list(_due(now=now).order_by("expires_at").values_list("pk", flat=True)):
        with transaction.atomic():
            enrollment = (
                _due(now=now).select_for_update(of=("self",)).select_related("user", "course").filter(pk=pk).first()
            )
            if enrollment is None:
                continue
            _queue_reminder(enrollment=enrollment)
            Enrollment.objects.filter(pk=pk).update(expiry_reminded_for=enrollment.expires_at)
        sent += 1
    return sent


def _queue_reminder(*, enrollment: Enrollment) -> None:
    course = enrollment.course
    with timezone.override(enrollment.user.time_zone or "UTC"):
        email_enqueue(
            key=f"enrollment:{enrollment.pk}:expiry-reminder:{enrollment.expires_at.isoformat()}",
            to=[enrollment.user.email],
            template=EXPIRY_REMINDER_TEMPLATE,
            context={
                "user": enrollment.user,
                "course": course,
                "expires_at": enrollment.expires_at,
                "resume_url": settings.SITE_URL + reverse("courses:resume", kwargs={"slug": course.slug}),
                "course_url": settings.SITE_URL + course.get_absolute_url(),
            },
        )
