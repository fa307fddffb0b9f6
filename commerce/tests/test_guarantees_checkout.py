"""Guarantees 4-7 of the payment pipeline (issue 4): the checkout side. 1-3 are in test_guarantees.py.

Concurrency is real: threads with their own PostgreSQL connections, webhooks delivered by the
emulator's worker threads to dj-stripe's endpoint on `live_server`.
"""

import time
from html import escape

import pytest
import stripe
from django.db import connection
from django.test import Client
from django.urls import reverse

from commerce import stripe_gateway as gateway
from commerce.models import CouponRedemption, Order
from commerce.shop.coupons import COUPON_USED_UP
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
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


# -- 4. coupon limits under concurrency --------------------------------------------------------


def test_fifty_concurrent_checkouts_of_a_one_use_code_redeem_it_exactly_once(emulator, buyer):
    # given fifty customers, each with the same course and the same one-use code in their cart
    assert connection.vendor == "postgresql"
    coupon = CouponFactory(code="ONLYONE", percent_off=50, max_uses=1)
    course = CourseFactory(title="Calm", price_amount=4900)
    customers = [UserFactory() for _ in range(50)]
    for customer in customers:
        cart_for(customer, course, coupon=coupon)
    clients = [signed_in_client(customer, address=f"10.0.0.{i}") for i, customer in enumerate(customers)]
    # when all fifty press Checkout at the same moment
    responses = run_at_once(*[lambda c=c: c.post(reverse("commerce:checkout")) for c in clients])
    # then exactly one reaches Stripe; the others are told the code is used up and hold no order
    to_stripe = [r for r in responses if r.status_code == 303]
    refused = [r for r in responses if r.status_code == 302]
    assert len(to_stripe) == 1, [getattr(r, "status_code", r) for r in responses]
    assert len(refused) == 49
    assert {r["Location"] for r in refused} == {reverse("commerce:cart")}
    assert all(COUPON_USED_UP.format(code="ONLYONE") in messages_of(r) for r in refused)
    assert Order.objects.count() == 1
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1
    # and when the one pays, the code is redeemed once
    winner = Order.objects.get()
    session_id = session_id_of(to_stripe[0])
    emulator.pay_checkout_session(session_id)
    signed_in_client(winner.user).get(success_path(winner, session_id))
    assert list(CouponRedemption.objects.values_list("status", flat=True)) == ["redeemed"]


def test_an_expired_checkout_gives_its_code_use_to_the_next_customer(emulator, webhooks):
    # given a one-use code held by Ann's checkout, so Ben is refused
    coupon = CouponFactory(code="HELD", max_uses=1)
    course = CourseFactory()
    ann, ben = UserFactory(), UserFactory()
    cart_for(ann, course, coupon=coupon)
    cart_for(ben, course, coupon=coupon)
    ann_session = session_id_of(signed_in_client(ann).post(reverse("commerce:checkout")))
    assert signed_in_client(ben, "10.0.0.2").post(reverse("commerce:checkout")).status_code == 302
    # when Ann's session expires
    gateway.session_expire(session_id=ann_session)
    emulator.wait_for_webhooks()
    # then Ben can use the code
    assert signed_in_client(ben, "10.0.0.2").post(reverse("commerce:checkout")).status_code == 303
    assert Order.objects.get(user=ann).coupon_redemption.status == "released"
    assert Order.objects.get(user=ben).coupon_redemption.status == "reserved"


def test_a_declined_checkout_gives_its_code_use_to_the_next_customer(emulator, webhooks):
    # given a one-use code held by Ann's checkout
    coupon = CouponFactory(code="DECLINED", max_uses=1)
    course = CourseFactory()
    ann, ben = UserFactory(), UserFactory()
    cart_for(ann, course, coupon=coupon)
    cart_for(ben, course, coupon=coupon)
    ann_client = signed_in_client(ann)
    ann_session = session_id_of(ann_client.post(reverse("commerce:checkout")))
    # when Ann's card is declined, Ben checks out with the code
    emulator.pay_checkout_session(ann_session, card=DECLINED)
    emulator.wait_for_webhooks()
    assert signed_in_client(ben, "10.0.0.2").post(reverse("commerce:checkout")).status_code == 303
    # then Ann, paying again, is told the code is gone, and her old page is closed
    ann_order = Order.objects.get(user=ann)
    response = ann_client.post(reverse("commerce:order_pay", kwargs={"number": ann_order.number}))
    assert COUPON_USED_UP.format(code="DECLINED") in messages_of(response)
    assert stripe.checkout.Session.retrieve(ann_session).status == "expired"
    assert CouponRedemption.objects.filter(coupon=coupon, status="reserved").count() == 1


# -- 5. prices only from the server -----------------------------------------------------------


def test_tampered_form_fields_change_nothing(emulator, buyer, client):
    # given a $49 course in the cart, and a 100 % code that is not applied
    CouponFactory(code="FREE100", percent_off=100)
    course = CourseFactory(price_amount=4900)
    other = CourseFactory(price_amount=100)
    cart_for(buyer, course)
    tampered = {
        "unit_amount": "1",
        "amount": "1",
        "total": "0",
        "currency": "eur",
        "discount": "4900",
        "coupon": "FREE100",
        "code": "FREE100",
        "price": "price_fake",
        "kind": "course",
        "ref": str(other.pk),
        "quantity": "100",
    }
    # when checkout and pay are posted with made-up fields
    session = stripe.checkout.Session.retrieve(session_id_of(checkout(client, **tampered)))
    order = Order.objects.get()
    again = client.post(reverse("commerce:order_pay", kwargs={"number": order.number}), tampered)
    # then the order and Stripe's session are the server's: one $49 line, no discount, USD
    assert session_id_of(again) == session.id
    order.refresh_from_db()
    assert (order.total_amount, order.discount_amount, order.currency, order.coupon_id) == (4900, 0, "usd", None)
    assert [(line.ref, line.unit_amount, line.quantity) for line in order.lines.all()] == [(str(course.pk), 4900, 1)]
    assert (session.amount_total, session.currency, session.total_details.amount_discount) == (4900, "usd", 0)


# -- 6. nobody else's order; CSRF; rate limits -------------------------------------------------


def test_nobody_sees_or_pays_another_persons_order(emulator, buyer, client):
    # given Maya's order on Stripe's page, paid
    cart_for(buyer, CourseFactory())
    session_id = session_id_of(checkout(client))
    order = Order.objects.get()
    emulator.pay_checkout_session(session_id)
    # when someone else tries her pages
    stranger = signed_in_client(UserFactory(), "10.0.0.9")
    responses = [
        stranger.post(reverse("commerce:order_pay", kwargs={"number": order.number})),
        stranger.get(success_path(order, session_id)),
        stranger.get(reverse("commerce:order_cancel", kwargs={"number": order.number})),
        stranger.get(order.get_absolute_url()),
    ]
    # then every one is a 404, and nothing was fulfilled on their account or hers
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    order.refresh_from_db()
    assert order.status == "pending"
    assert not Enrollment.objects.exists()


def test_every_checkout_form_needs_its_csrf_token(emulator, buyer):
    # given a browser that keeps to CSRF rules, with an order waiting
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    cart_for(buyer, CourseFactory())
    order = Order.objects.create(user=buyer, currency="usd", subtotal_amount=4900, total_amount=4900)
    # when the forms are posted without the token
    responses = [
        client.post(reverse("commerce:checkout")),
        client.post(reverse("commerce:order_pay", kwargs={"number": order.number})),
    ]
    # then they are refused, and the pages that show these forms carry the token
    assert [r.status_code for r in responses] == [403, 403]
    assert not stripe.checkout.Session.list().data
    assert "csrfmiddlewaretoken" in client.get(reverse("commerce:cart")).content.decode()


def test_checkout_is_rate_limited_with_a_friendly_page(emulator, buyer, client, settings):
    # given an empty cart (each attempt is refused quickly, which is what a bot would see)
    limit = settings.CHECKOUT_ATTEMPTS_PER_MINUTE
    # when one person posts checkout once more than the limit in a minute
    responses = [checkout(client) for _ in range(limit + 1)]
    # then the last is a friendly 429
    assert [r.status_code for r in responses[:limit]] == [302] * limit
    assert responses[-1].status_code == 429
    assert "Too many attempts" in responses[-1].content.decode()


# -- 7. Stripe failing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "api_error"},
        {"kind": "rate_limit"},
        {"kind": "timeout", "seconds": 2},  # Stripe makes the session after we stopped waiting
    ],
    ids=["500", "429", "timeout"],
)
def test_stripe_failing_asks_to_try_again_leaves_a_whole_order_and_the_retry_makes_one_session(
    emulator, buyer, client, settings, fault
):
    # given Stripe failing the next session creation
    settings.STRIPE_TIMEOUT_SECONDS = 1
    coupon = CouponFactory(code="KEEP", percent_off=10, max_uses=1)
    cart_for(buyer, CourseFactory(price_amount=4900), CourseFactory(price_amount=2900), coupon=coupon)
    emulator.fault("/v1/checkout/sessions", method="POST", count=1, **fault)
    # when the customer checks out
    response = checkout(client)
    # then they see a clear "try again", and the order is whole: lines, totals, its code use held
    assert response.status_code == 503
    page = response.content.decode()
    assert escape(gateway.PROVIDER_UNAVAILABLE) in page
    assert reverse("commerce:order_pay", kwargs={"number": Order.objects.get().number}) in page
    order = Order.objects.get()
    assert (order.status, order.subtotal_amount, order.discount_amount, order.total_amount) == (
        "pending",
        7800,
        780,
        7020,
    )
    assert order.lines.count() == 2
    assert order.coupon_redemption.status == "reserved"
    assert not order.checkout_sessions.exists()
    if fault["kind"] == "timeout":  # let the request Stripe was still working on finish first
        deadline = time.monotonic() + 10
        while not stripe.checkout.Session.list().data and time.monotonic() < deadline:
            time.sleep(0.1)
    # when they press "Try again"
    retry = client.post(reverse("commerce:order_pay", kwargs={"number": order.number}))
    # then they reach Stripe, and Stripe holds exactly one session for the order
    session_id = session_id_of(retry)
    assert [s.id for s in stripe.checkout.Session.list().data] == [session_id]
    assert Order.objects.count() == 1
    assert order.checkout_sessions.get().stripe_id == session_id


def test_five_presses_of_try_again_at_once_open_one_payment_page(emulator, buyer, client):
    # given an order whose first checkout failed at Stripe, so it has no payment page yet
    cart_for(buyer, CourseFactory(price_amount=4900))
    emulator.fault("/v1/checkout/sessions", method="POST", count=1, kind="api_error")
    assert checkout(client).status_code == 503
    order = Order.objects.get()
    pay = reverse("commerce:order_pay", kwargs={"number": order.number})
    clients = [signed_in_client(buyer, address=f"10.0.1.{i}") for i in range(5)]
    # when the customer presses "Try again" in five tabs at the same moment
    responses = run_at_once(*[lambda c=c: c.post(pay) for c in clients])
    # then every tab goes to the same payment page, the only session Stripe holds, recorded once and open
    assert [getattr(r, "status_code", r) for r in responses] == [303] * 5
    assert len({r["Location"] for r in responses}) == 1
    (session,) = stripe.checkout.Session.list().data
    assert session.status == "open"
    assert responses[0]["Location"] == session.url
    assert list(order.checkout_sessions.values_list("stripe_id", "status")) == [(session.id, "open")]
