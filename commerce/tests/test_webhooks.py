"""Stripe's webhooks through dj-stripe's real endpoint (signature checked, logged) into fulfilment, expiry and declines.

The emulator signs and delivers every event to `live_server` at /stripe/webhook/<uuid>/, the
endpoint registered through the API by the `webhooks` fixture (as `stripe_demo_setup` does).
"""

import pytest
import stripe
from django.core import mail
from django.urls import reverse
from djstripe.models import WebhookEventTrigger

from commerce import stripe_gateway as gateway
from commerce.models import CouponRedemption, Order
from commerce.tests.factories import CouponFactory
from commerce.tests.stripe_fixtures import DECLINED, cart_for, checkout, session_id_of
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)

INSUFFICIENT_FUNDS = "4000000000009995"
THREE_D_SECURE = "4000002500003155"


@pytest.fixture
def placed(client, buyer, webhooks):
    """The buyer on Stripe's page for one $49 course, with a one-use code reserved."""
    coupon = CouponFactory(code="ONEUSE", percent_off=10, max_uses=1)
    course = CourseFactory(title="Calm Under Pressure", price_amount=4900)
    cart_for(buyer, course, coupon=coupon)
    session_id = session_id_of(checkout(client))
    return Order.objects.get(), session_id, course


def triggers_of(event_type: str) -> list[WebhookEventTrigger]:
    return [trigger for trigger in WebhookEventTrigger.objects.all() if trigger.json_body.get("type") == event_type]


def test_a_paid_checkout_is_fulfilled_by_the_signed_webhook_through_djstripe(emulator, buyer, placed):
    # given
    order, session_id, course = placed
    # when the customer pays and Stripe's webhooks arrive (nobody opens the success page)
    emulator.pay_checkout_session(session_id)
    emulator.wait_for_webhooks()
    # then dj-stripe verified and processed every delivery, and the order is paid and fulfilled
    assert WebhookEventTrigger.objects.exists()
    assert all(t.valid and t.processed and not t.exception for t in WebhookEventTrigger.objects.all())
    [completed] = triggers_of("checkout.session.completed")
    assert completed.webhook_endpoint.secret.startswith("whsec_")
    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.card_last4) == ("paid", 4410, "4242")
    assert Enrollment.objects.filter(user=buyer, course=course).exists()
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.REDEEMED
    assert OutboxEmail.objects.filter(kind="commerce/order_confirmation").count() == 1


def test_a_delivery_with_a_bad_signature_is_refused_and_fulfilled_on_stripes_retry(emulator, buyer, placed, webhooks):
    # given dj-stripe holds the wrong secret
    order, session_id, _ = placed
    emulator.wait_for_webhooks()
    WebhookEventTrigger.objects.all().delete()
    right_secret = webhooks.secret
    webhooks.secret = "whsec_wrong"
    webhooks.save()
    # when the customer pays
    emulator.pay_checkout_session(session_id)
    emulator.wait_for_webhooks()
    # then every delivery was refused (400) and logged as invalid; nothing was fulfilled
    assert WebhookEventTrigger.objects.exists()
    assert not any(t.valid for t in WebhookEventTrigger.objects.all())
    order.refresh_from_db()
    assert order.status == "pending"
    # and once the secret is right again, Stripe's retries fulfil it
    webhooks.secret = right_secret
    webhooks.save()
    emulator.advance_clock(61)
    emulator.wait_for_webhooks()
    order.refresh_from_db()
    assert order.status == "paid"
    assert Enrollment.objects.filter(user=buyer).count() == 1


def test_a_declined_card_fails_the_order_with_its_reason_and_paying_again_works(client, emulator, buyer, placed):
    # given
    order, session_id, course = placed
    # when the card is declined
    result = emulator.pay_checkout_session(session_id, card=DECLINED)
    emulator.wait_for_webhooks()
    # then the order shows why, stays payable, and gave back its code use
    assert result["status"] == "declined"
    order.refresh_from_db()
    assert (order.status, order.failure_message) == ("failed", "Your card was declined.")
    assert order.is_payable
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.RELEASED
    failed_mails = OutboxEmail.objects.filter(kind="commerce/payment_failed")
    assert failed_mails.count() == 1
    assert "Your card was declined." in failed_mails.get().body_text
    # when they pay again: back to the same payment page, this time with a good card
    again = client.post(reverse("commerce:order_pay", kwargs={"number": order.number}))
    assert session_id_of(again) == session_id
    order.refresh_from_db()
    assert order.status == "pending"
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.RESERVED
    emulator.pay_checkout_session(session_id)
    emulator.wait_for_webhooks()
    # then it is paid, once
    order.refresh_from_db()
    assert (order.status, order.failure_message) == ("paid", "")
    assert Enrollment.objects.filter(user=buyer, course=course).count() == 1
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.REDEEMED
    assert [event.type for event in order.events.all()] == [
        "created",
        "checkout_opened",
        "failed",
        "pending",
        "paid",
    ]


def test_insufficient_funds_is_the_reason_shown(emulator, placed):
    order, session_id, _ = placed

    emulator.pay_checkout_session(session_id, card=INSUFFICIENT_FUNDS)
    emulator.wait_for_webhooks()

    order.refresh_from_db()
    assert order.status == "failed"
    assert order.failure_message == "Your card has insufficient funds."


def test_a_three_d_secure_payment_is_fulfilled_once_authenticated(emulator, buyer, placed):
    order, session_id, course = placed

    result = emulator.pay_checkout_session(session_id, card=THREE_D_SECURE)
    assert result["status"] == "requires_action"
    emulator.authenticate(stripe.checkout.Session.retrieve(session_id).payment_intent)
    emulator.wait_for_webhooks()

    order.refresh_from_db()
    assert order.status == "paid"
    assert Enrollment.objects.filter(user=buyer, course=course).exists()


def test_an_expired_session_expires_the_order_and_releases_its_code(client, emulator, placed):
    # given an order on Stripe's page
    order, session_id, _ = placed
    # when Stripe expires the session
    gateway.session_expire(session_id=session_id)
    emulator.wait_for_webhooks()
    # then the order expired and its code use is free again
    order.refresh_from_db()
    assert order.status == "expired"
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.RELEASED
    assert order.checkout_sessions.get().status == "expired"
    # and paying again takes the code again and opens a new session
    again = session_id_of(client.post(reverse("commerce:order_pay", kwargs={"number": order.number})))
    assert again != session_id
    order.refresh_from_db()
    assert order.status == "pending"
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.RESERVED


def test_stripes_own_timer_expires_the_session_and_the_order(emulator, placed):
    order, session_id, _ = placed

    emulator.advance_clock(34 * 60)
    emulator.wait_for_webhooks()

    assert stripe.checkout.Session.retrieve(session_id).status == "expired"
    order.refresh_from_db()
    assert order.status == "expired"
    assert not mail.outbox
