"""Events and webhook delivery: signatures stripe-python accepts, retries, the delivery log, delivery modes."""

import json
import time

import pytest
import stripe

from stripe_emulator.testing import WebhookReceiver, run_emulator
from stripe_emulator.tests.factories import make_paid_session, make_session
from stripe_emulator.webhooks import RETRY_DELAYS


def endpoint_for(receiver, events=("*",)):
    return stripe.WebhookEndpoint.create(url=receiver.url, enabled_events=list(events))


def test_endpoint_secret_is_only_returned_on_create(emulator):
    endpoint = stripe.WebhookEndpoint.create(url="https://shop.example/stripe/webhook/", enabled_events=["*"])

    assert endpoint.secret.startswith("whsec_")
    assert "secret" not in stripe.WebhookEndpoint.retrieve(endpoint.id)  # absent, as on Stripe, not null
    assert emulator.webhook_secret(endpoint.id) == endpoint.secret


def test_endpoint_update_list_and_delete(emulator):
    endpoint = stripe.WebhookEndpoint.create(url="https://shop.example/hook", enabled_events=["charge.succeeded"])

    updated = stripe.WebhookEndpoint.modify(endpoint.id, disabled=True, enabled_events=["*"], description="Shop")
    listed = stripe.WebhookEndpoint.list()
    deleted = stripe.WebhookEndpoint.delete(endpoint.id)

    assert (updated.status, updated.enabled_events, updated.description) == ("disabled", ["*"], "Shop")
    assert [e.id for e in listed.data] == [endpoint.id]
    assert deleted.deleted is True
    assert stripe.WebhookEndpoint.list().data == []


def test_endpoint_url_must_be_http(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.WebhookEndpoint.create(url="ftp://shop.example/hook", enabled_events=["*"])

    assert caught.value.param == "url"


def test_events_list_filters_by_type_wildcard_and_created(emulator):
    stripe.Customer.create(email="a@example.com")
    stripe.Product.create(name="Course")

    assert [e.type for e in stripe.Event.list(type="product.*").data] == ["product.created"]
    assert [e.type for e in stripe.Event.list(types=["customer.created", "product.created"]).data] == [
        "product.created",
        "customer.created",
    ]
    first = stripe.Event.list().data[-1]
    assert stripe.Event.retrieve(first.id).type == "customer.created"
    assert len(stripe.Event.list(created={"gte": first.created}).data) == 2


def test_delivered_event_passes_stripes_signature_verification(emulator):
    with WebhookReceiver() as receiver:
        endpoint = endpoint_for(receiver)
        paid = make_paid_session(emulator)
        emulator.wait_for_webhooks()

    completed = next(item for item in receiver.received if item.json["type"] == "checkout.session.completed")
    event = stripe.Webhook.construct_event(completed.body, completed.headers["Stripe-Signature"], endpoint.secret)
    assert event.data.object.id == paid.id
    assert event.data.object.payment_status == "paid"
    assert completed.headers["Content-Type"] == "application/json; charset=utf-8"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(completed.body, completed.headers["Stripe-Signature"], "whsec_wrong")


def test_endpoint_receives_only_its_enabled_events(emulator):
    with WebhookReceiver() as receiver:
        endpoint_for(receiver, events=["checkout.session.completed"])
        make_paid_session(emulator)
        emulator.wait_for_webhooks()

    assert [event["type"] for event in receiver.events()] == ["checkout.session.completed"]


def test_disabled_endpoint_receives_nothing(emulator):
    with WebhookReceiver() as receiver:
        endpoint = endpoint_for(receiver)
        stripe.WebhookEndpoint.modify(endpoint.id, disabled=True)
        stripe.Customer.create(email="a@example.com")
        emulator.wait_for_webhooks()

    assert receiver.received == []


def test_failed_deliveries_are_retried_with_back_off_and_logged(emulator):
    with WebhookReceiver(statuses=[500, 503]) as receiver:
        endpoint_for(receiver)
        customer = stripe.Customer.create(email="a@example.com")
        receiver.wait_for(3, timeout=RETRY_DELAYS[0] * 0.001 + RETRY_DELAYS[1] * 0.001 + 10)
        emulator.wait_for_webhooks()

    event_id = stripe.Event.list().data[0].id
    [delivery] = emulator.deliveries(event_id)
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 3)
    assert [attempt["status_code"] for attempt in delivery["attempt_log"]] == [500, 503, 200]
    gaps = [
        later["at"] - earlier["at"]
        for earlier, later in zip(delivery["attempt_log"], delivery["attempt_log"][1:], strict=False)
    ]
    assert gaps[1] > gaps[0]  # growing back-off (60 s then 300 s, compressed 1000 times)
    assert {item.json["id"] for item in receiver.received} == {event_id}
    assert stripe.Event.retrieve(event_id).pending_webhooks == 0
    assert receiver.received[0].json["data"]["object"]["id"] == customer.id


def test_a_receiver_that_answers_too_late_counts_as_a_failed_attempt(tmp_path):
    # given an emulator that waits half a second for an answer, and a receiver that takes two
    with (
        run_emulator(tmp_path, in_process=True, webhook_timeout=0.5) as emulator,
        emulator.configure_stripe(),
        WebhookReceiver(delay=2) as slow,
    ):
        stripe.WebhookEndpoint.create(url=slow.url, enabled_events=["*"])

        # when
        stripe.Customer.create(email="a@example.com")
        slow.wait_for(1)
        deadline = time.monotonic() + 5
        while not emulator.deliveries()[0]["attempt_log"] and time.monotonic() < deadline:
            time.sleep(0.05)
        emulator.pause_webhooks()
        [delivery] = emulator.deliveries()

    # then
    assert delivery["status"] == "pending"  # to be retried
    assert "timed out" in delivery["attempt_log"][0]["error"]
    assert delivery["attempt_log"][0]["status_code"] is None


def test_pause_holds_deliveries_until_resume(emulator):
    with WebhookReceiver() as receiver:
        endpoint_for(receiver)
        emulator.pause_webhooks()
        stripe.Customer.create(email="a@example.com")
        held = len(receiver.received)
        emulator.resume_webhooks()
        receiver.wait_for(1)

    assert held == 0
    assert stripe.Event.list().data[0].pending_webhooks == 0


def test_duplicate_mode_delivers_each_event_n_times(emulator):
    emulator.webhook_mode(duplicate=3, concurrency=3)
    with WebhookReceiver() as receiver:
        endpoint_for(receiver)
        stripe.Customer.create(email="a@example.com")
        receiver.wait_for(3)
        emulator.wait_for_webhooks()

    assert len({item.json["id"] for item in receiver.received}) == 1
    assert len(receiver.received) == 3


def test_reverse_order_delivers_a_batch_last_event_first(emulator):
    with WebhookReceiver() as receiver:
        endpoint_for(
            receiver,
            events=[
                "payment_intent.created",
                "charge.succeeded",
                "payment_intent.succeeded",
                "checkout.session.completed",
            ],
        )
        emulator.pause_webhooks()
        make_paid_session(emulator)
        emulator.webhook_mode(order="reverse")
        emulator.resume_webhooks()
        receiver.wait_for(4)

    assert [event["type"] for event in receiver.events()] == [
        "checkout.session.completed",
        "payment_intent.succeeded",
        "charge.succeeded",
        "payment_intent.created",
    ]


def test_shuffle_delivers_every_event_once(emulator):
    emulator.webhook_mode(order="shuffle")
    with WebhookReceiver() as receiver:
        endpoint_for(receiver)
        for index in range(6):
            stripe.Customer.create(email=f"c{index}@example.com")
        receiver.wait_for(6)

    assert sorted(event["data"]["object"]["email"] for event in receiver.events()) == [
        f"c{i}@example.com" for i in range(6)
    ]


def test_drop_mode_records_but_never_sends_matching_events(emulator):
    emulator.webhook_mode(drop=True, event_types=["customer.*"])
    with WebhookReceiver() as receiver:
        endpoint_for(receiver)
        stripe.Customer.create(email="a@example.com")
        stripe.Product.create(name="Course")
        receiver.wait_for(1)
        emulator.wait_for_webhooks()

    assert [event["type"] for event in receiver.events()] == ["product.created"]
    assert [d["status"] for d in emulator.deliveries() if d["event_type"] == "customer.created"] == ["dropped"]


def test_delay_mode_holds_the_first_attempt_on_the_emulator_clock(emulator):
    emulator.webhook_mode(delay_seconds=3600)
    with WebhookReceiver() as receiver:
        endpoint_for(receiver)
        stripe.Customer.create(email="a@example.com")
        emulator.wait_for_webhooks(timeout=2)
        held = len(receiver.received)
        emulator.advance_clock(3601)
        receiver.wait_for(1)

    assert held == 0


def test_resend_delivers_an_event_again(emulator):
    with WebhookReceiver() as receiver:
        endpoint_for(receiver)
        stripe.Customer.create(email="a@example.com")
        receiver.wait_for(1)
        emulator.resend_event(stripe.Event.list().data[0].id)
        receiver.wait_for(2)

    assert receiver.received[0].json["id"] == receiver.received[1].json["id"]


def test_events_of_a_declined_then_successful_payment(emulator):
    session = make_session()
    emulator.pay_checkout_session(session.id, card="4000000000009995")
    emulator.pay_checkout_session(session.id)

    failed = stripe.Event.list(type="payment_intent.payment_failed").data[0]
    assert failed.data.object.last_payment_error.decline_code == "insufficient_funds"
    completed = stripe.Event.list(type="checkout.session.completed").data[0]
    assert completed.data.object.payment_status == "paid"
    assert completed.pending_webhooks == 0


def test_webhook_payload_is_the_event_as_the_api_returns_it(emulator):
    with WebhookReceiver() as receiver:
        endpoint_for(receiver)
        stripe.Customer.create(email="a@example.com")
        [received] = receiver.wait_for(1)

    event = stripe.Event.retrieve(received.json["id"])
    payload = json.loads(received.body)
    assert payload["data"] == event.to_dict()["data"]
    assert payload["api_version"] == event.api_version
