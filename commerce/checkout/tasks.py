"""Checkout work done by a Celery worker instead of the customer's request."""

from celery import shared_task

from commerce.checkout.customers import customer_prepare


@shared_task(name="commerce.checkout.customer_prepare", ignore_result=True)
def prepare_customer(user_id: int) -> None:
    customer_prepare(user_id=user_id)
