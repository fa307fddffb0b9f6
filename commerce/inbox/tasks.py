"""Celery tasks of the Stripe inbox, on the STRIPE_EVENTS_QUEUE queue (settings: CELERY_TASK_ROUTES)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from commerce.inbox import process

logger = logging.getLogger(__name__)

RETRY_COUNTDOWNS = (5, 15, 60, 300, 900)


def delivery_enqueue(*, trigger_id: int) -> None:
    """Queue the processing of stored delivery `trigger_id` (task id `stripe-delivery-<id>`).

    With a broker, the task is published once the delivery's row is committed (at once in
    autocommit), so a worker always finds it; a refusal is logged and swallowed: the row is
    stored, and the sweep queues it again. Without a broker the task runs here, on the same
    connection, and its failure propagates (the request answers 500, Stripe retries).
    """
    task_id = f"stripe-delivery-{trigger_id}"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        stripe_delivery_process.apply(args=(trigger_id,), task_id=task_id, throw=True)
        return

    def publish():
        try:
            stripe_delivery_process.apply_async(args=(trigger_id,), task_id=task_id)
        except Exception:
            logger.exception("Stripe delivery %s stored but not queued; the sweep will queue it", trigger_id)

    transaction.on_commit(publish)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=len(RETRY_COUNTDOWNS)
)
def stripe_delivery_process(self, trigger_id: int) -> None:
    """Process one stored delivery; a failure is retried after 5 s, 15 s, 1, 5 and 15 min, then left to the sweep."""
    try:
        process.delivery_process(trigger_id=trigger_id)
    except Exception as exc:
        if self.request.is_eager:
            raise
        if self.request.retries >= len(RETRY_COUNTDOWNS):
            logger.error(
                "Stripe delivery %s still fails after %s tries; the sweep will try again",
                trigger_id,
                self.request.retries + 1,
            )
            return
        raise self.retry(exc=exc, countdown=RETRY_COUNTDOWNS[self.request.retries]) from exc


@shared_task(ignore_result=True)
def stripe_deliveries_sweep() -> int:
    """Queue again every delivery stored but not processed after a few minutes (its task lost or still failing)."""
    due = process.deliveries_due()
    for trigger_id in due:
        try:
            delivery_enqueue(trigger_id=trigger_id)
        except Exception:  # without a broker it ran here; its failure is recorded on the delivery
            logger.exception("Stripe delivery %s failed again in the sweep", trigger_id)
    if due:
        logger.info("Stripe deliveries sweep queued %s", len(due))
    return len(due)


@shared_task(ignore_result=True)
def stripe_deliveries_purge() -> int:
    """Delete deliveries older than WEBHOOK_LOG_DAYS."""
    return process.deliveries_purge()
