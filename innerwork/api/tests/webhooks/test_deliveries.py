"""Emitting an event and delivering it to a real HTTP receiver: after commit, signed, retried, given up, resent."""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from innerwork.api.tests.webhooks.conftest import partner_make
from innerwork.api.webhooks.deliveries import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    webhook_deliveries_due,
    webhook_delivery_attempt,
)
from innerwork.api.webhooks.models import PartnerEvent, WebhookAttempt, WebhookDelivery
from innerwork.api.webhooks.services import (
    KEY_REUSED_FOR_OTHER_TYPE,
    UNKNOWN_EVENT_TYPE,
    partner_event_emit,
    webhook_endpoint_create,
)
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db
DATA = {"id": "bk_123", "amount": 7500, "currency": "usd", "customer": "cus_ext_42"}


def _emit(partner, key="booking.confirmed:1", type="booking.confirmed", data=DATA):
    return partner_event_emit(partner=partner, type=type, data=data, idempotency_key=key)


def test_an_event_is_posted_after_commit_with_its_stable_id_and_the_delivery_is_logged(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    # given a partner with an endpoint; when an event is emitted in a transaction
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(endpoint.partner)
        assert receiver.requests == []  # nothing leaves before commit

    # then the receiver got one signed JSON POST naming the event
    [received] = receiver.requests
    body = json.loads(received.body)
    assert body == {
        "id": event.public_id,
        "object": "event",
        "type": "booking.confirmed",
        "created": event.created_at.isoformat().replace("+00:00", "Z"),
        "livemode": False,
        "data": {"object": DATA},
    }
    assert event.public_id.startswith("evt_")
    assert len(event.public_id) == 28
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["InnerWork-Signature"].startswith("t=")
    # and the log says it was delivered on the first try, with the answer's code and time
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("succeeded", 1, 200)
    assert delivery.delivered_at is not None
    assert delivery.next_attempt_at is None
    assert delivery.last_response_ms is not None
    [attempt] = WebhookAttempt.objects.filter(delivery=delivery)
    assert (attempt.number, attempt.succeeded, attempt.response_code) == (1, True, 200)
    assert attempt.response_body == '{"received": true}'


def test_an_event_emitted_in_a_transaction_that_rolls_back_is_neither_stored_nor_sent(endpoint, receiver):
    # when the change that emitted it fails
    def change_that_fails():
        with transaction.atomic():
            _emit(endpoint.partner)
            raise RuntimeError("the booking could not be saved")

    with pytest.raises(RuntimeError):
        change_that_fails()

    # then nothing is stored and nothing sent
    assert not PartnerEvent.objects.exists()
    assert receiver.requests == []


def test_emitting_twice_with_one_key_gives_one_event_and_one_post(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _emit(endpoint.partner)
    with django_capture_on_commit_callbacks(execute=True):
        second = _emit(endpoint.partner, data={**DATA, "amount": 1})

    assert second.pk == first.pk
    assert second.data == DATA
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize(
    ("type", "key", "message"),
    [
        ("booking.exploded", "k1", UNKNOWN_EVENT_TYPE.format(type="booking.exploded")),
        ("order.paid", "booking.confirmed:1", None),
    ],
    ids=["unknown type", "key reused for another type"],
)
def test_a_wrong_emit_is_refused_and_stores_nothing_new(partner, type, key, message):
    # given an event under one key
    _emit(partner)
    message = message or KEY_REUSED_FOR_OTHER_TYPE.format(key=key, existing="booking.confirmed", type=type)

    # when another is emitted with an unknown type, or with that key for another type
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        _emit(partner, key=key, type=type)

    # then it is refused, saying why, and only the first event exists
    assert PartnerEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("listens_to", "endpoint_on", "partner_on", "same_partner", "delivered"),
    [
        (["booking.confirmed"], True, True, True, True),
        (["booking.confirmed", "order.paid"], True, True, True, True),
        (["order.paid"], True, True, True, False),
        (["booking.confirmed"], False, True, True, False),
        (["booking.confirmed"], True, False, True, False),
        (["booking.confirmed"], True, True, False, False),
    ],
    ids=["listens", "listens among others", "other type", "endpoint off", "partner off", "another partner's"],
)
def test_who_gets_a_delivery(receiver, listens_to, endpoint_on, partner_on, same_partner, delivered):
    # given an endpoint listening to some types, on or off, of this partner or another
    partner = partner_make(is_active=partner_on)
    owner = partner if same_partner else partner_make("Other School")
    webhook_endpoint_create(partner=owner, url=receiver.url, event_types=listens_to, is_active=endpoint_on)

    # when the partner emits booking.confirmed
    event = _emit(partner)

    # then only an active endpoint of an active partner listening to the type gets a delivery
    assert WebhookDelivery.objects.filter(event=event).exists() is delivered


def test_retry_schedule_grows_and_ends_just_under_three_days():
    waits = [delay.total_seconds() for delay in RETRY_DELAYS]
    assert waits == sorted(waits)
    assert len(set(waits)) == len(waits)
    assert timedelta(hours=71) < sum(RETRY_DELAYS, timedelta()) <= timedelta(hours=72)
    assert MAX_ATTEMPTS == 11


def test_a_receiver_that_fails_three_times_is_retried_on_schedule_and_then_delivered(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    # given a partner's server that answers 500 three times
    receiver.fail_first(3)
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(endpoint.partner)
    delivery = WebhookDelivery.objects.get(event=event)

    for number, delay in enumerate(RETRY_DELAYS[:3], start=1):
        delivery.refresh_from_db()
        # then each failure schedules the next try after the schedule's wait, and nothing is tried earlier
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("pending", number, 500)
        assert delivery.next_attempt_at == delivery.last_attempt_at + delay
        assert webhook_deliveries_due(now=delivery.next_attempt_at - timedelta(seconds=1)) == 0
        assert len(receiver.requests) == number
        webhook_deliveries_due(now=delivery.next_attempt_at)

    # and the fourth try is delivered, every try carrying the same event id
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("succeeded", 4, 200)
    assert {json.loads(received.body)["id"] for received in receiver.requests} == {event.public_id}
    codes = list(delivery.attempt_log.order_by("number").values_list("response_code", flat=True))
    assert codes == [500, 500, 500, 200]
    assert webhook_deliveries_due(now=timezone.now() + timedelta(days=10)) == 0
    assert len(receiver.requests) == 4


def _fail_to_the_end(delivery):
    while True:
        delivery.refresh_from_db()
        if delivery.status != "pending":
            return delivery
        webhook_deliveries_due(now=delivery.next_attempt_at)


def test_after_the_last_failure_the_delivery_is_failed_and_the_partner_is_emailed_once(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    # given a server that always fails
    receiver.fail_first(1000, status=503)
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(endpoint.partner)

    # when the whole schedule has run
    delivery = _fail_to_the_end(WebhookDelivery.objects.get(event=event))

    # then it was tried 11 times over just under three days, is failed, and the contact got one e-mail
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("failed", MAX_ATTEMPTS, 503)
    assert len(receiver.requests) == MAX_ATTEMPTS
    first, last = delivery.attempt_log.order_by("number")[0], delivery.attempt_log.order_by("-number")[0]
    assert last.attempted_at - first.attempted_at == sum(RETRY_DELAYS, timedelta())
    [email] = OutboxEmail.objects.filter(kind="api/webhook_gave_up")
    assert email.to == [endpoint.partner.contact_email]
    assert endpoint.url in email.subject
    assert event.public_id in email.body_text
    assert "HTTP 503" in email.body_text
    assert event.public_id in email.body_html
    # and the endpoint stays on: nothing switches it off silently
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert webhook_deliveries_due(now=timezone.now() + timedelta(days=10)) == 0
    assert OutboxEmail.objects.filter(kind="api/webhook_gave_up").count() == 1


@pytest.mark.parametrize(
    ("setup", "code", "error_starts"),
    [
        ({"delay": 1.0}, None, "TimeoutError"),
        ({"redirect_to": "https://elsewhere.example/hooks"}, 302, "HTTP 302"),
        ({"failures": 1, "status": 404}, 404, "HTTP 404"),
    ],
    ids=["too slow", "redirect", "not found"],
)
def test_answers_that_are_not_a_2xx_in_time_are_failures(
    endpoint, receiver, settings, django_capture_on_commit_callbacks, setup, code, error_starts
):
    # given a server that is too slow, redirects, or answers 404
    settings.PARTNER_WEBHOOK_TIMEOUT_SECONDS = 0.3
    for name, value in setup.items():
        setattr(receiver, name, value)

    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(endpoint.partner)

    # then the try is a failure with the answer's code (none for a timeout) and the next try is scheduled
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("pending", 1, code)
    assert delivery.last_error.startswith(error_starts)
    assert delivery.next_attempt_at == delivery.last_attempt_at + RETRY_DELAYS[0]


def test_a_switched_off_endpoint_keeps_its_deliveries_waiting_until_it_is_on_again(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    # given a delivery that failed once, and the endpoint switched off
    receiver.fail_first(1)
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(endpoint.partner)
    endpoint.is_active = False
    endpoint.save()
    later = timezone.now() + timedelta(hours=1)

    # then nothing is tried while it is off
    assert webhook_deliveries_due(now=later) == 0
    assert len(receiver.requests) == 1

    # and the delivery goes out once it is on again
    endpoint.is_active = True
    endpoint.save()
    assert webhook_deliveries_due(now=later) == 1
    assert WebhookDelivery.objects.get(event=event).status == "succeeded"


def test_the_cron_command_sends_the_retries_that_are_due(endpoint, receiver, django_capture_on_commit_callbacks):
    # given a delivery whose first try failed and whose retry time has come
    receiver.fail_first(1)
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(endpoint.partner)
    WebhookDelivery.objects.filter(event=event).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()

    # when cron runs the command
    call_command("deliver_partner_webhooks", stdout=out)

    # then it was delivered, and the command says so
    assert WebhookDelivery.objects.get(event=event).status == "succeeded"
    assert out.getvalue().strip() == "1 webhook deliver(ies) delivered."


def test_a_try_costs_the_same_few_queries_whatever_the_event(
    endpoint, receiver, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # given two pending deliveries of different events (their first try deferred by switching the endpoint off)
    endpoint.is_active = False
    endpoint.save()
    for number in (1, 2):
        event = _emit(endpoint.partner, key=f"k{number}", data={**DATA, "lines": list(range(number * 50))})
        WebhookDelivery.objects.create(event=event, endpoint=endpoint)
    endpoint.is_active = True
    endpoint.save()

    # then each successful try is: lock and read (1), the attempt (1), the status move and its record (2),
    # inside one transaction (savepoint and release: 2)
    for delivery in WebhookDelivery.objects.all():
        with django_assert_max_num_queries(6):
            webhook_delivery_attempt(delivery_id=delivery.pk)
    assert len(receiver.requests) == 2
