"""The seven guarantees of the payment pipeline (issue 4), each proven against the Stripe emulator.

Concurrency is real: threads with their own PostgreSQL connections, webhooks delivered by the
emulator's worker threads to dj-stripe's endpoint on `live_server`.
"""

import threading
import time
from html import escape

import pytest
import stripe
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from commerce import checkout as checkout_module
from commerce import stripe_gateway as gateway
from commerce.coupons import COUPON_USED_UP
from commerce.fulfilment import FLAG_AMOUNT_MISMATCH, ORDER_UNDER_REVIEW, order_fulfil_from_session
from commerce.models import CheckoutSession, CouponRedemption, Order
from commerce.tests.factories import CouponFactory
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of, success_path
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail
from innerwork.core.money import format_money

pytestmark = pytest.mark.django_db(transaction=True)

DECLINED = "4000000000000002"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_at_once(*tasks):
    """Run each task in its own thread, released together; return what each returned (or raised)."""
    barrier = threading.Barrier(len(tasks))
    results: list[object] = [None] * len(tasks)

    def run(index, task):
        try:
            barrier.wait(timeout=30)
            results[index] = task()
        except Exception as exc:  # surfaces in the caller's assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, task)) for i, task in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    return results


def signed_in_client(user, address="127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


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
        "effects": ["cart:clear", "coupon:redeem", "email:confirmation", "fulfil", "fulfil"],
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
    assert order.effects.count() == 3


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
        "effects": ["cart:clear", "coupon:redeem", "email:confirmation", "fulfil"],
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
