"""Webhooks from the emulator into dj-stripe's endpoint (`/stripe/webhook/<uuid>/`) served by live_server.

The endpoint is registered through dj-stripe against the emulator, so the signing secret is the one the
emulator issued; every delivery must be recorded by dj-stripe as a valid, processed WebhookEventTrigger.
"""

import pytest
import stripe
from djstripe import models as djstripe_models

from stripe_emulator.tests.factories import make_price, make_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def djstripe_endpoint(emulator, live_server):
    """A dj-stripe WebhookEndpoint created the way dj-stripe's admin creates one, against the emulator."""
    endpoint = djstripe_models.WebhookEndpoint()
    data = djstripe_models.WebhookEndpoint._api_create(
        url=f"{live_server.url}/stripe/webhook/{endpoint.djstripe_uuid}/",
        api_version=stripe.api_version,
        enabled_events=["*"],
        metadata={"djstripe_uuid": str(endpoint.djstripe_uuid)},
        connect=False,
    )
    return djstripe_models.WebhookEndpoint.sync_from_stripe_data(data)


def triggers():
    return list(djstripe_models.WebhookEventTrigger.objects.order_by("id"))


def test_a_paid_checkout_reaches_djstripe_valid_and_processed(emulator, djstripe_endpoint):
    # given
    session = make_session(customer_creation="always")

    # when
    emulator.pay_checkout_session(session.id, email="ann@example.com")
    emulator.wait_for_webhooks()

    # then every event was delivered once, verified by its signature and processed
    delivered = [d for d in emulator.deliveries() if d["status"] == "succeeded"]
    assert len(delivered) == len(emulator.deliveries()) == len(triggers())
    assert all(trigger.valid and trigger.processed for trigger in triggers())
    assert all(trigger.exception == "" for trigger in triggers())
    event_types = set(djstripe_models.Event.objects.values_list("type", flat=True))
    assert {
        "checkout.session.completed",
        "payment_intent.succeeded",
        "charge.succeeded",
        "customer.created",
    } <= event_types
    mirrored = djstripe_models.Session.objects.get(id=session.id)
    assert mirrored.stripe_data["payment_status"] == "paid"
    assert djstripe_models.Charge.objects.get().stripe_data["status"] == "succeeded"


def test_catalog_and_discount_events_are_processed(emulator, djstripe_endpoint):
    price = make_price(amount=2500)
    stripe.Product.modify(price.product, name="Renamed")
    coupon = stripe.Coupon.create(percent_off=15)
    stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code="FIFTEEN")

    emulator.wait_for_webhooks()

    assert all(trigger.valid and trigger.processed for trigger in triggers())
    assert djstripe_models.Product.objects.get(id=price.product).stripe_data["name"] == "Renamed"
    assert djstripe_models.Price.objects.filter(id=price.id).exists()
    assert djstripe_models.PromotionCode.objects.get().stripe_data["code"] == "FIFTEEN"


def test_declines_refunds_and_a_failed_refund_are_processed(emulator, djstripe_endpoint):
    session = make_session()
    emulator.pay_checkout_session(session.id, card="4000000000000002")
    emulator.pay_checkout_session(session.id)
    charge_id = stripe.PaymentIntent.retrieve(stripe.checkout.Session.retrieve(session.id).payment_intent).latest_charge
    refund = stripe.Refund.create(charge=charge_id, amount=900)
    emulator.fail_refund(refund.id)

    emulator.wait_for_webhooks()

    assert triggers()
    assert all(trigger.valid and trigger.processed for trigger in triggers()), [t.exception for t in triggers()]
    assert {"charge.failed", "payment_intent.payment_failed", "charge.refunded", "refund.failed"} <= set(
        djstripe_models.Event.objects.values_list("type", flat=True)
    )
    charges = {charge.id: charge.stripe_data for charge in djstripe_models.Charge.objects.all()}
    # dj-stripe re-reads the charge on charge.refunded; by then the refund had already come back
    assert charges[charge_id]["amount_refunded"] == 0
    assert {data["status"] for data in charges.values()} == {"failed", "succeeded"}
    # dj-stripe 2.11 has no handler for refund.* events: the product mirrors refunds from them itself
    failed = djstripe_models.Event.objects.get(type="refund.failed")
    mirrored = djstripe_models.Refund.sync_from_stripe_data(failed.data["object"])
    assert (mirrored.id, mirrored.stripe_data["status"], mirrored.charge_id) == (refund.id, "failed", charge_id)


def test_a_wrong_secret_is_rejected_by_djstripe_and_the_emulator_retries(emulator, djstripe_endpoint):
    # given dj-stripe holds a secret that is not the emulator's
    djstripe_endpoint.secret = "whsec_not_the_emulators"
    djstripe_endpoint.save()

    # when
    stripe.Customer.create(email="ann@example.com")
    emulator.wait_for_webhooks()
    emulator.pause_webhooks()

    # then dj-stripe logged an invalid trigger and answered 400, so the delivery stays pending for a retry
    first = triggers()[0]
    assert (first.valid, first.processed) == (False, False)
    [delivery] = emulator.deliveries()
    assert delivery["attempt_log"][0]["status_code"] == 400
    assert delivery["status"] == "pending"
