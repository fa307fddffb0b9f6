"""Real threads on PostgreSQL: duplicate emits make one event, and two workers never POST one delivery twice."""

import pytest

from innerwork.api.webhooks.deliveries import webhook_delivery_attempt
from innerwork.api.webhooks.models import PartnerEvent, WebhookDelivery
from innerwork.api.webhooks.services import partner_event_emit
from innerwork.core.tests.at_once import at_once

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


def _together(target) -> list:
    """Run `target` in THREADS threads released at once; a thread's failure fails the test. Returns their results."""
    results, errors = at_once(target, times=THREADS)
    assert errors == []
    return results


def test_concurrent_emits_with_one_key_store_one_event_and_post_it_once(endpoint, receiver):
    # when eight workers report the same confirmed booking at the same moment
    events = _together(
        lambda: (
            partner_event_emit(
                partner=endpoint.partner, type="booking.confirmed", data={"id": "bk_1"}, idempotency_key="booking:1"
            ).public_id
        )
    )

    # then they all got the one event, which has one delivery, posted once
    assert len(set(events)) == 1
    assert PartnerEvent.objects.count() == 1
    assert WebhookDelivery.objects.get().status == "succeeded"
    assert len(receiver.requests) == 1


def test_workers_racing_on_one_delivery_post_it_once(endpoint, receiver):
    # given a pending delivery (its endpoint off while it is emitted, so no worker took it yet) and a slow server
    endpoint.is_active = False
    endpoint.save()
    event = partner_event_emit(partner=endpoint.partner, type="order.paid", data={}, idempotency_key="order:1")
    assert not WebhookDelivery.objects.exists()
    endpoint.is_active = True
    endpoint.save()
    delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint)
    receiver.delay = 0.5

    # when eight workers try it at once
    _together(lambda: webhook_delivery_attempt(delivery_id=delivery.pk))

    # then one POST was made and logged
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
