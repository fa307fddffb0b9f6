"""Celery application, and the two shapes of a periodic job's beat entry.

Tasks run eagerly (in-process) when no broker is configured. Periodic jobs are listed in
settings.CELERY_BEAT_SCHEDULE, one line each, keyed by the management command that does the same
work from cron (README, "Running in production"): `every(task, minutes=10)` or `daily(task, at="03:15")`.
"""

import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innerwork.settings")

app = Celery("innerwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A daily run still waiting in the queue after this long is dropped; the next day's run covers it.
DAILY_RUN_EXPIRES = timedelta(hours=12)


def every(task: str, *, minutes: int) -> dict:
    """A beat entry sending `task` every `minutes`.

    A run still queued when the next one is due expires, so workers coming back after an outage
    find one run of each job waiting, not a pile of identical ones (every job is safe to repeat).
    """
    period = timedelta(minutes=minutes)
    return {"task": task, "schedule": period, "options": {"expires": period.total_seconds()}}


def daily(task: str, *, at: str) -> dict:
    """A beat entry sending `task` once a day at `at` ("HH:MM", CELERY_TIMEZONE, UTC)."""
    hour, minute = (int(part) for part in at.split(":"))
    return {
        "task": task,
        "schedule": crontab(hour=hour, minute=minute),
        "options": {"expires": DAILY_RUN_EXPIRES.total_seconds()},
    }
