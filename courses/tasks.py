"""Courses' periodic job as a Celery task (settings.CELERY_BEAT_SCHEDULE), calling the service its
management command calls."""

from celery import shared_task

from courses.reminders import access_expiry_reminders_send


@shared_task(ignore_result=True)
def send_access_expiry_reminders() -> int:
    """`manage.py send_access_expiry_reminders`: e-mail learners a week before their access ends, once."""
    return access_expiry_reminders_send()
