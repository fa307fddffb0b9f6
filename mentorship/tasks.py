"""Mentorship's periodic job as a Celery task (settings.CELERY_BEAT_SCHEDULE), calling the service its
management command calls."""

from celery import shared_task

from mentorship.reminders import booking_reminders_send


@shared_task(ignore_result=True)
def send_booking_reminders() -> int:
    """`manage.py send_booking_reminders`: remind both people of each session a day before, once."""
    return booking_reminders_send()
