"""Commerce's periodic jobs as Celery tasks (settings.CELERY_BEAT_SCHEDULE); each calls the service its
management command calls, so cron and beat do exactly the same work."""

import socket
from datetime import UTC, datetime, time, timedelta

from celery import shared_task
from django.utils import timezone

from commerce.checkout.services import orders_expire_abandoned
from commerce.models import ReconciliationRun
from commerce.refunds.pending import refunds_send_pending
from commerce.reporting.runs import reconciliation_run_recorded


@shared_task(ignore_result=True)
def expire_abandoned_orders() -> int:
    """`manage.py expire_abandoned_orders`: expire orders that never reached Stripe's page, freeing their codes."""
    return orders_expire_abandoned()


@shared_task(ignore_result=True)
def send_pending_refunds() -> dict:
    """`manage.py send_pending_refunds`: resend refunds whose Stripe call failed; hand day-old ones to staff."""
    return refunds_send_pending()


def yesterday_utc(*, now: datetime | None = None) -> tuple[datetime, datetime]:
    """[yesterday 00:00, today 00:00) in UTC: the period the daily reconciliation covers."""
    today = datetime.combine((now or timezone.now()).astimezone(UTC).date(), time.min, tzinfo=UTC)
    return today - timedelta(days=1), today


@shared_task(bind=True, ignore_result=True)
def reconcile_stripe_yesterday(self) -> int:
    """`manage.py reconcile_stripe --since <yesterday> --until <yesterday>`: compare yesterday (UTC) with Stripe.

    Reports only, like the command without --fix; the run is recorded for staff and differences alert
    Finance. Returns how many differences remain.
    """
    since, until = yesterday_utc()
    worker = self.request.hostname or socket.gethostname()
    run, _ = reconciliation_run_recorded(
        since=since, until=until, trigger=ReconciliationRun.Trigger.SCHEDULE, ran_by=f"{self.name} on {worker}"
    )
    return run.difference_count
