"""Partner webhook retries, run as beat sends the job: a delivery whose retry is due is tried, and delivered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from innerwork.api.webhooks.models import WebhookDelivery
from innerwork.api.webhooks.services import partner_event_emit
from innerwork.core.tests.beat import beat_job_run

pytestmark = pytest.mark.django_db


def test_the_job_delivers_the_retries_that_are_due(endpoint, receiver, django_capture_on_commit_callbacks):
    # given an event whose first try failed and whose retry time has come
    receiver.fail_first(1)
    with django_capture_on_commit_callbacks(execute=True):
        event = partner_event_emit(
            partner=endpoint.partner, type="booking.confirmed", data={"id": "bk_1"}, idempotency_key="bk_1:confirmed"
        )
    assert WebhookDelivery.objects.get(event=event).status == "pending"
    WebhookDelivery.objects.filter(event=event).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    # when beat sends the job, twice
    first, second = beat_job_run("deliver_partner_webhooks"), beat_job_run("deliver_partner_webhooks")

    # then the retry was delivered once
    assert (first, second) == (1, 0)
    assert WebhookDelivery.objects.get(event=event).status == "succeeded"
    assert len(receiver.requests) == 2
