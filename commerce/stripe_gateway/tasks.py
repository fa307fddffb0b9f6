"""dj-stripe mirrors written by a Celery worker after the request that read the object has answered.

The mirror is for staff and reports (see client.mirror); nothing in a checkout reads it back, so a
checkout does not wait for dj-stripe's sync of the session or the Customer it just made.
"""

from celery import shared_task
from django.apps import apps

from commerce.stripe_gateway.client import mirror


@shared_task(name="commerce.stripe_gateway.mirror", ignore_result=True)
def mirror_stripe_object(model_label: str, data: dict) -> None:
    mirror(apps.get_model(model_label), data)
