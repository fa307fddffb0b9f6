from celery import shared_task

from innerwork.api.idempotency import idempotency_records_purge
from innerwork.api.webhooks.deliveries import webhook_deliveries_due, webhook_delivery_attempt


@shared_task(ignore_result=True)
def purge_idempotency_records() -> int:
    """Forget Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS (run it hourly; expired keys are also
    replaced on their next use, so a late run never serves a stale answer)."""
    return idempotency_records_purge()


@shared_task(ignore_result=True)
def deliver_partner_webhook(delivery_id: int) -> None:
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def deliver_due_partner_webhooks() -> int:
    return webhook_deliveries_due()
