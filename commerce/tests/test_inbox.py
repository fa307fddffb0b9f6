"""The Stripe inbox through its public address: signed deliveries POSTed by hand (commerce/tests/inbox_fixtures.py).

Tasks run eagerly here, inside the request, as in the demo; test_inbox_worker.py runs the same
path with real Celery worker processes on Redis.
"""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import stripe
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.utils import timezone
from djstripe.models import Event, WebhookEventTrigger

from commerce.inbox.checks import KEYLESS_ENDPOINT_ID
from commerce.inbox.process import OBJECT_GONE
from commerce.inbox.receive import INVALID_BODY_KEPT, INVALID_KEPT_PER_MINUTE
from commerce.inbox.views import NO_SIGNATURE
from commerce.models import Order, Refund
from commerce.refunds.services import REFUND_BEFORE_PAYMENT
from commerce.stripe_gateway.webhooks import BAD_SIGNATURE, NOT_AN_EVENT, UNSIGNED_ENDPOINT
from commerce.tests.inbox_fixtures import deliver, stripe_event, stripe_signature
from commerce.tests.stripe_fixtures import cart_for, checkout, run_at_once, session_id_of
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid_at_stripe(client, buyer, emulator, inbox_endpoint):
    """An order for one $49 course, paid at Stripe; nothing has told the site yet."""
    course = CourseFactory(title="Calm Under Pressure", price_amount=4900)
    cart_for(buyer, course)
    session_id = session_id_of(checkout(client))
    assert emulator.pay_checkout_session(session_id)["status"] == "succeeded"
    return Order.objects.get(), course


def confirmations() -> int:
    return OutboxEmail.objects.filter(kind="commerce/order_confirmation").count()


def aged(trigger_ids, minutes: int) -> None:
    WebhookEventTrigger.objects.filter(pk__in=trigger_ids).update(created=timezone.now() - timedelta(minutes=minutes))


# -- acknowledged, stored, processed once -----------------------------------------------------------


def test_a_signed_delivery_is_stored_processed_and_fulfils_the_order(emulator, buyer, paid_at_stripe, inbox_endpoint):
    # given
    order, course = paid_at_stripe
    payload = stripe_event(emulator, "checkout.session.completed")
    # when Stripe delivers the completed session
    response = deliver(inbox_endpoint, payload)
    # then it is acknowledged with the stored delivery's id, processed, and the order is fulfilled once
    assert response.status_code == 200
    trigger = WebhookEventTrigger.objects.get(pk=int(response.content))
    assert (trigger.valid, trigger.processed, trigger.exception) == (True, True, "")
    assert trigger.event.id == json.loads(payload)["id"]
    assert trigger.body == payload.decode()
    order.refresh_from_db()
    assert order.status == "paid"
    assert Enrollment.objects.filter(user=buyer, course=course).count() == 1
    assert confirmations() == 1


@pytest.mark.parametrize("copies", [2, 5])
def test_the_same_event_delivered_again_and_again_fulfils_once(emulator, paid_at_stripe, inbox_endpoint, copies):
    # given
    order, _ = paid_at_stripe
    payload = stripe_event(emulator, "checkout.session.completed")
    # when Stripe delivers it `copies` times (each a new signature, as its retries are)
    answers = [deliver(inbox_endpoint, payload).status_code for _ in range(copies)]
    # then every delivery is logged and acknowledged, the event stored once, the order fulfilled once
    assert answers == [200] * copies
    assert WebhookEventTrigger.objects.filter(valid=True, processed=True).count() == copies
    assert Event.objects.filter(id=json.loads(payload)["id"]).count() == 1
    order.refresh_from_db()
    assert order.status == "paid"
    assert Enrollment.objects.count() == 1
    assert confirmations() == 1


def test_deliveries_of_one_event_at_the_same_moment_fulfil_once(emulator, paid_at_stripe, inbox_endpoint):
    # given
    order, _ = paid_at_stripe
    payload = stripe_event(emulator, "checkout.session.completed")
    # when four deliveries of it arrive at once (four threads, four database connections)
    answers = run_at_once(*[lambda: deliver(inbox_endpoint, payload).status_code] * 4)
    # then all are acknowledged and one fulfilment happened
    assert answers == [200] * 4
    assert Event.objects.count() == 1
    assert WebhookEventTrigger.objects.filter(processed=True).count() == 4
    order.refresh_from_db()
    assert order.status == "paid"
    assert Enrollment.objects.count() == 1
    assert confirmations() == 1


# -- a refund before its payment ------------------------------------------------------------------


@pytest.mark.parametrize("refund_event", ["charge.refunded", "refund.created"])
def test_a_refund_delivered_before_its_payment_is_kept_and_applied_after_it(
    emulator,
    buyer,
    paid_at_stripe,
    inbox_endpoint,
    refund_event,
):
    # given the order was paid and fully refunded in Stripe's dashboard, and no event has arrived yet
    order, course = paid_at_stripe
    payment = stripe.PaymentIntent.retrieve(_intent_of(emulator))
    emulator.dashboard_refund(payment.latest_charge)
    # when the refund's event arrives first
    early = deliver(inbox_endpoint, stripe_event(emulator, refund_event))
    # then it is not acknowledged as done: Stripe will retry, and the delivery waits, unprocessed, with the reason
    assert early.status_code == 500
    refund_delivery = WebhookEventTrigger.objects.get()
    assert (refund_delivery.valid, refund_delivery.processed) == (True, False)
    assert REFUND_BEFORE_PAYMENT.format(refund=_refund_id(emulator), number=order.number) in refund_delivery.traceback
    assert not Refund.objects.exists()
    # when the payment's event arrives, and the sweep runs the waiting delivery again
    assert deliver(inbox_endpoint, stripe_event(emulator, "checkout.session.completed")).status_code == 200
    aged([refund_delivery.pk], minutes=6)
    call_command("stripe_deliveries_sweep", stdout=StringIO())
    # then the order was paid, then refunded in full, and the course is closed again
    refund_delivery.refresh_from_db()
    assert (refund_delivery.processed, refund_delivery.exception) == (True, "")
    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.amount_refunded) == ("refunded", 4900, 4900)
    assert Refund.objects.get().status == "succeeded"
    assert Enrollment.objects.get(user=buyer, course=course).status == "refunded"


def _intent_of(emulator) -> str:
    completed = json.loads(stripe_event(emulator, "checkout.session.completed"))
    return completed["data"]["object"]["payment_intent"]


def _refund_id(emulator) -> str:
    return json.loads(stripe_event(emulator, "refund.created"))["data"]["object"]["id"]


# -- a delivery whose task was lost -------------------------------------------------------------


def test_the_sweep_processes_a_stored_delivery_whose_task_was_lost_and_leaves_recent_ones(
    emulator,
    paid_at_stripe,
    inbox_endpoint,
):
    # given two deliveries stored as the view stores them, whose tasks never ran (the broker lost them):
    # one 6 minutes old, one just arrived
    order, _ = paid_at_stripe
    payload = stripe_event(emulator, "checkout.session.completed").decode()
    lost, recent = (
        WebhookEventTrigger.objects.create(
            headers={}, body=payload, remote_ip="127.0.0.1", valid=True, webhook_endpoint=inbox_endpoint
        )
        for _ in range(2)
    )
    aged([lost.pk], minutes=6)
    # when the sweep runs
    call_command("stripe_deliveries_sweep", stdout=StringIO())
    # then the old one was processed and fulfilled the order; the recent one still waits for its own task
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert (lost.processed, recent.processed) == (True, False)
    order.refresh_from_db()
    assert order.status == "paid"
    assert confirmations() == 1


# -- an object Stripe no longer has -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "gone_id"),
    [("checkout.session.completed", "cs_test_gone0000000000"), ("refund.created", "re_gone0000000000")],
)
def test_an_event_for_an_object_stripe_no_longer_has_is_logged_and_acknowledged(
    emulator,
    paid_at_stripe,
    inbox_endpoint,
    event_type,
    gone_id,
):
    # given a real event whose object Stripe answers 404 for
    order, _ = paid_at_stripe
    if event_type == "refund.created":
        emulator.dashboard_refund(stripe.PaymentIntent.retrieve(_intent_of(emulator)).latest_charge)
    event = json.loads(stripe_event(emulator, event_type))
    event["id"] = "evt_gone0000000000"
    event["data"]["object"]["id"] = gone_id
    # when it is delivered twice
    answers = [deliver(inbox_endpoint, json.dumps(event).encode()).status_code for _ in range(2)]
    # then both are acknowledged and marked processed with the reason; nothing happened to the order
    assert answers == [200, 200]
    for trigger in WebhookEventTrigger.objects.all():
        assert trigger.processed
        assert trigger.exception.startswith(OBJECT_GONE.split("{")[0][:60])
    order.refresh_from_db()
    assert order.status == "pending"


# -- deliveries that are not Stripe's ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "signature", "status", "problem"),
    [
        (b'{"id": "evt_1", "livemode": false}', "t=1,v1=deadbeef", 400, BAD_SIGNATURE),
        (b'{"id": "evt_1", "livemode": false}', "", 400, NO_SIGNATURE),
        (b"not json", None, 400, NOT_AN_EVENT),
        (b'{"object": "event"}', None, 400, NOT_AN_EVENT),
    ],
)
def test_a_delivery_that_is_not_stripes_is_refused_with_400(inbox_endpoint, body, signature, status, problem):
    # when
    response = deliver(inbox_endpoint, body, signature=signature)
    # then
    assert response.status_code == status
    assert response.content.decode() == problem
    assert not WebhookEventTrigger.objects.filter(valid=True).exists()


def test_an_old_signature_is_refused(inbox_endpoint):
    payload = b'{"id": "evt_1", "livemode": false}'
    old = stripe_signature(payload, timestamp=int(timezone.now().timestamp()) - 3600)
    assert deliver(inbox_endpoint, payload, signature=old).status_code == 400


def test_a_flood_of_invalid_deliveries_stores_a_bounded_shortened_sample(inbox_endpoint):
    # given a large body with a wrong signature
    body = json.dumps({"id": "evt_x", "livemode": False, "padding": "x" * 50_000}).encode()
    # when it is posted many more times than the limit
    answers = {
        deliver(inbox_endpoint, body, signature="t=1,v1=00").status_code for _ in range(3 * INVALID_KEPT_PER_MINUTE)
    }
    # then every one is refused, and only the limit is stored (twice it if the posts spanned two minutes),
    # each cut short, with why
    assert answers == {400}
    stored = list(WebhookEventTrigger.objects.all())
    assert INVALID_KEPT_PER_MINUTE <= len(stored) <= 2 * INVALID_KEPT_PER_MINUTE
    assert all(not t.valid and len(t.body) <= INVALID_BODY_KEPT and t.exception == BAD_SIGNATURE for t in stored)


def test_an_endpoint_without_a_secret_refuses_deliveries_and_fails_the_system_check(emulator, inbox_endpoint):
    # given the endpoint lost its secret
    inbox_endpoint.secret = ""
    inbox_endpoint.save()
    payload = b'{"id": "evt_1", "livemode": false}'
    # when a delivery arrives: a 400 that says why, not a 500
    response = deliver(inbox_endpoint, payload, client=Client())
    assert (response.status_code, response.content.decode()) == (400, UNSIGNED_ENDPOINT)
    # and the start-up check names the endpoint
    with pytest.raises(SystemCheckError, match=KEYLESS_ENDPOINT_ID):
        call_command("check")
    # and with its secret back, the check passes
    inbox_endpoint.secret = "whsec_back"
    inbox_endpoint.save()
    call_command("check", stdout=StringIO())


# -- the delivery log's length ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting_days", "option_days", "kept_ages"), [(90, None, [0, 89]), (90, 30, [0, 29]), (7, None, [0, 6])]
)
def test_the_purge_keeps_deliveries_for_the_log_period(inbox_endpoint, settings, setting_days, option_days, kept_ages):
    # given deliveries of several ages
    settings.WEBHOOK_LOG_DAYS = setting_days
    ages = [0, 6, 8, 29, 31, 89, 91, 400]
    for age in ages:
        trigger = WebhookEventTrigger.objects.create(headers={}, body="{}", remote_ip="127.0.0.1", valid=True)
        WebhookEventTrigger.objects.filter(pk=trigger.pk).update(created=timezone.now() - timedelta(days=age, hours=1))
    # when the purge runs
    extra = [] if option_days is None else ["--days", str(option_days)]
    call_command("stripe_deliveries_purge", *extra, stdout=StringIO())
    # then exactly the deliveries younger than the period are kept
    days = option_days or setting_days
    kept = sorted((timezone.now() - t.created).days for t in WebhookEventTrigger.objects.all())
    assert kept == [age for age in ages if age < days]
    assert (kept[0], kept[-1]) == tuple(kept_ages)
