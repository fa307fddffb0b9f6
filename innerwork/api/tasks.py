from celery import shared_task

from innerwork.api.webhooks.deliveries import webhook_deliveries_due, webhook_delivery_attempt


@shared_task(ignore_result=True)
def deliver_partner_webhook(delivery_id: int) -> None:
    webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def deliver_due_partner_webhooks() -> int:
    return webhook_deliveries_due()
