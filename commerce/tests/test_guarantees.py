"""Guarantees 1-3 of the payment pipeline (issue 4): fulfilment. 4-7 are in test_guarantees_checkout.py.

Concurrency is real: threads with their own PostgreSQL connections, webhooks delivered by the
emulator's worker threads to dj-stripe's endpoint on `live_server`.
"""

import pytest
import stripe
from django.core import mail
from django.urls import reverse

from commerce import stripe_gateway as gateway
from commerce.checkout import services as checkout_module
from commerce.checkout.fulfilment import FLAG_AMOUNT_MISMATCH, ORDER_UNDER_REVIEW, order_fulfil_from_session
from commerce.models import CheckoutSession, CouponRedemption, Invoice, Order
from commerce.tests.factories import CouponFactory
from commerce.tests.stripe_fixtures import (
    DECLINED,
    cart_for,
    checkout,
    messages_of,
    run_at_once,
    session_id_of,
    signed_in_client,
    success_path,
)
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.core.models import OutboxEmail
from innerwork.core.money import format_money

pytestmark = pytest.mark.django_db(transaction=True)


def order_state(order: Order) -> dict:
    """Everything a payment changes, in a form two runs can be compared by."""
    order.refresh_from_db()
    return {
        "status": order.status,
        "amount_paid": order.amount_paid,
        "flagged": order.is_flagged,
        "enrollments": sorted(Enrollment.objects.filter(user=order.user).values_list("course__title", flat=True)),
        "coupon": CouponRedemption.objects.get(order=order).status if order.coupon_id else None,
        "effects": sorted(key.split(":line:")[0] for key in order.effects.values_list("key", flat=True)),
        "confirmations": OutboxEmail.objects.filter(kind="commerce/order_confirmation").count(),
        "welcomes": OutboxEmail.objects.filter(kind="courses/enrollment_welcome").count(),
        "paid_events": order.events.filter(type="paid").count(),
        "invoices": Invoice.objects.filter(order=order).count(),
    }


# -- 1. exactly once ---------------------------------------------------------------------------


def test_one_payment_delivered_five_times_at_once_with_the_success_page_open_is_fulfilled_once(
    emulator, webhooks, buyer, client
):
    # given an order of two courses with a code, on Stripe's page
    coupon = CouponFactory(code="TWENTY", percent_off=20)
    cart_for(buyer, CourseFactory(title="Calm"), CourseFactory(title="Focus"), coupon=coupon)
    session_id = session_id_of(checkout(client))
    order = Order.objects.get()
    emulator.wait_for_webhooks()
    # and Stripe set to deliver checkout.session.completed five times, five at a time
    emulator.webhook_mode(paused=True, duplicate=5, concurrency=5, event_types=["checkout.session.completed"])
    emulator.pay_checkout_session(session_id)
    # when the deliveries go out while the customer opens the success page twice
    pages = [signed_in_client(buyer), signed_in_client(buyer)]
    results = run_at_once(
        emulator.resume_webhooks,
        lambda: pages[0].get(success_path(order, session_id)),
        lambda: pages[1].get(success_path(order, session_id)),
    )
    emulator.wait_for_webhooks()
    # then all five deliveries were accepted, and the order was paid and fulfilled once
    assert [r.status_code for r in results[1:]] == [302, 302]
    [completed] = stripe.Event.list(type="checkout.session.completed").data
    deliveries = emulator.deliveries(event_id=completed.id)
    assert [d["status"] for d in deliveries] == ["succeeded"] * 5
    assert order_state(order) == {
        "status": "paid",
        "amount_paid": order.total_amount,
        "flagged": False,
        "enrollments": ["Calm", "Focus"],
        "coupon": "redeemed",
        "effects": ["cart:clear", "coupon:redeem", "email:confirmation", "fulfil", "fulfil", "invoice:issue"],
        "invoices": 1,
        "confirmations": 1,
        "welcomes": 2,
        "paid_events": 1,
    }
    assert len(mail.outbox) == 3
    lines = order.lines.all()
    assert set(order.effects.values_list("key", flat=True)) >= {f"fulfil:line:{line.pk}" for line in lines}


def test_six_concurrent_fulfilments_of_one_session_claim_each_effect_once(emulator, buyer, client):
    # given a paid session, read from Stripe
    cart_for(buyer, CourseFactory(title="Calm"))
    session_id = session_id_of(checkout(client))
    emulator.pay_checkout_session(session_id)
    session = gateway.session_retrieve(session_id=session_id)
    order = Order.objects.get()
    # when six workers fulfil it at the same moment (webhook retries, success pages)
    run_at_once(*[lambda: order_fulfil_from_session(session=session)] * 6)
    # then
    state = order_state(order)
    assert (state["status"], state["enrollments"], state["confirmations"], state["paid_events"]) == (
        "paid",
        ["Calm"],
        1,
        1,
    )
    # the line, the cart, the invoice and the confirmation: one claim each, one invoice number used
    assert sorted(order.effects.values_list("key", flat=True)) == sorted(
        [f"fulfil:line:{order.lines.get().pk}", "cart:clear", "invoice:issue", "email:confirmation"]
    )
    assert Invoice.objects.get(order=order).number == f"INV-{order.paid_at.year}-000001"


# -- 2. events in any order, or late -----------------------------------------------------------


def test_a_webhook_that_arrives_before_the_session_id_was_saved_still_finds_its_order(
    emulator, webhooks, buyer, client, monkeypatch
):
    # given Stripe's "paid" webhook lands between Stripe answering the checkout view and the view saving the session
    course = CourseFactory(title="Calm")
    cart_for(buyer, course)
    save_session = checkout_module._session_opened

    def paid_before_saved(order, session, *args):
        assert not CheckoutSession.objects.exists()
        emulator.pay_checkout_session(session.id)
        emulator.wait_for_webhooks()
        return save_session(order, session, *args)

    monkeypatch.setattr(checkout_module, "_session_opened", paid_before_saved)
    # when
    response = checkout(client)
    # then the webhook found the order by its reference and fulfilled it; the late save changed nothing
    order = Order.objects.get()
    assert response.status_code == 303
    assert response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    assert order.status == "paid"
    assert order.checkout_sessions.get().status == "complete"
    assert Enrollment.objects.filter(user=buyer, course=course).count() == 1


def test_an_expiry_reported_after_the_payment_changes_nothing(emulator, webhooks, buyer, client):
    # given session A expired at Stripe and the customer paid session B, with webhooks held back
    coupon = CouponFactory(code="LATE", percent_off=10)
    cart_for(buyer, CourseFactory(title="Calm"), coupon=coupon)
    first = session_id_of(checkout(client))
    order = Order.objects.get()
    emulator.wait_for_webhooks()
    emulator.pause_webhooks()
    gateway.session_expire(session_id=first)
    second = session_id_of(client.post(reverse("commerce:order_pay", kwargs={"number": order.number})))
    emulator.pay_checkout_session(second)
    # when the events arrive newest first: B's payment, then A's expiry
    emulator.webhook_mode(order="reverse")
    emulator.resume_webhooks()
    emulator.wait_for_webhooks()
    # and A's expiry is delivered once more, late
    [expired] = stripe.Event.list(type="checkout.session.expired").data
    emulator.resend_event(expired.id)
    emulator.wait_for_webhooks()
    # then the order stays paid with its code redeemed
    assert order_state(order)["status"] == "paid"
    assert order_state(order)["coupon"] == "redeemed"
    assert dict(order.checkout_sessions.values_list("stripe_id", "status")) == {
        first: "expired",
        second: "complete",
    }


@pytest.mark.parametrize("delivery_order", ["fifo", "reverse", "shuffle"])
def test_events_in_any_order_end_in_the_same_state(emulator, webhooks, buyer, client, delivery_order):
    # given, with webhooks held back: a decline on session A, A expired, B paid
    coupon = CouponFactory(code="ANYORDER", percent_off=10)
    cart_for(buyer, CourseFactory(title="Calm"), coupon=coupon)
    first = session_id_of(checkout(client))
    order = Order.objects.get()
    emulator.wait_for_webhooks()
    emulator.pause_webhooks()
    assert emulator.pay_checkout_session(first, card=DECLINED)["status"] == "declined"
    gateway.session_expire(session_id=first)
    second = session_id_of(client.post(reverse("commerce:order_pay", kwargs={"number": order.number})))
    emulator.pay_checkout_session(second)
    # when they are delivered in this order
    emulator.webhook_mode(order=delivery_order)
    emulator.resume_webhooks()
    emulator.wait_for_webhooks()
    # then the end state is the same (a decline reported before the payment may also have e-mailed the customer)
    assert order_state(order) == {
        "status": "paid",
        "amount_paid": order.total_amount,
        "flagged": False,
        "enrollments": ["Calm"],
        "coupon": "redeemed",
        "effects": ["cart:clear", "coupon:redeem", "email:confirmation", "fulfil", "invoice:issue"],
        "invoices": 1,
        "confirmations": 1,
        "welcomes": 1,
        "paid_events": 1,
    }


# -- 3. a payment that does not match the order ------------------------------------------------


@pytest.mark.parametrize(("amount", "currency"), [(100, "usd"), (4900, "eur")], ids=["amount", "currency"])
def test_a_payment_that_differs_from_the_order_total_is_flagged_not_fulfilled_and_the_customer_told(
    emulator, webhooks, buyer, client, amount, currency
):
    # given an order of $49, and a session for it that charges something else
    course = CourseFactory(title="Calm", price_amount=4900)
    cart_for(buyer, course)
    session_id_of(checkout(client))
    order = Order.objects.get()
    product_id = order.lines.get().stripe_price_id and stripe.Price.retrieve(order.lines.get().stripe_price_id).product
    wrong = gateway.session_create(
        customer_id=gateway.customer_for_user(user=buyer),
        lines=[gateway.StripeLine(product_id=product_id, unit_amount=amount, currency=currency, quantity=1)],
        discount=None,
        client_reference_id=order.number,
        metadata={"order_number": order.number},
        description="not ours",
        success_url="http://testserver/ok/",
        cancel_url="http://testserver/back/",
        expires_at=order.checkout_attempt_expires_at,
        idempotency_key=f"tampered-{order.number}",
    )
    # when it is paid, reported by the webhook and by the success page
    emulator.pay_checkout_session(wrong.id)
    emulator.wait_for_webhooks()
    response = client.get(success_path(order, wrong.id))
    # then the order is flagged for staff, nothing was granted, and the customer is told
    order.refresh_from_db()
    expected_reason = FLAG_AMOUNT_MISMATCH.format(
        paid=format_money(amount, currency), expected=format_money(4900, "usd")
    )
    assert (order.is_flagged, order.flag_reason) == (True, expected_reason)
    assert order.status == "pending"
    assert order.paid_at is not None
    assert not order.is_payable
    assert not Enrollment.objects.filter(user=buyer).exists()
    assert not order.effects.exists()
    assert not OutboxEmail.objects.filter(kind="commerce/order_confirmation").exists()
    assert ORDER_UNDER_REVIEW in messages_of(response)
    assert order.events.filter(type="flagged").count() == 1
    # and paying again is not offered
    again = client.post(reverse("commerce:order_pay", kwargs={"number": order.number}))
    assert again["Location"] == order.get_absolute_url()
    assert ORDER_UNDER_REVIEW in messages_of(again)
