from celery import shared_task

from innerwork.core.emails import email_deliver, emails_deliver_due


@shared_task(ignore_result=True)
def deliver_email(email_id: int) -> None:
    email_deliver(email_id=email_id)


@shared_task(ignore_result=True)
def deliver_due_emails() -> int:
    return emails_deliver_due()
