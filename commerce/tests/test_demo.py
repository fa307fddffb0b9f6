"""commerce.demo: demo purchases paid for real at the Stripe emulator, refundable there; never with real Stripe."""

import socket

import pytest
import stripe

from commerce import stripe_gateway as gateway
from commerce.demo import (
    DEMO_CART_NOT_EMPTY,
    DEMO_PAYMENT_NOT_MADE,
    DEMO_PAYMENTS_REAL_STRIPE,
    DEMO_PAYMENTS_UNREACHABLE,
    DemoPaymentError,
    demo_pay_cart,
    demo_pay_item,
    demo_payments_unavailable,
)
from commerce.models import CartItem, Invoice, Order, Refund
from commerce.refunds import refund_start
from commerce.tests.factories import CartFactory, CartItemFactory
from commerce.tests.stripe_fixtures import DECLINED
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _courses(*prices):
    return [CourseFactory(title=f"Course {n}", price_amount=price) for n, price in enumerate(prices)]


def _pay(user, courses):
    if len(courses) == 1:
        return demo_pay_item(user=user, kind="course", ref=str(courses[0].pk))
    return demo_pay_cart(user=user, items=[("course", str(course.pk)) for course in courses])


@pytest.mark.parametrize(
    ("prices", "origin"),
    [((4900,), Order.Origin.ITEM), ((4900, 3900), Order.Origin.CART)],
    ids=["one item", "a cart of two"],
)
def test_a_demo_purchase_is_paid_at_the_emulator_invoiced_and_refunded_there(emulator, prices, origin):
    # given a learner and courses for sale, Stripe being the emulator
    learner = UserFactory()
    courses = _courses(*prices)
    staff = UserFactory(is_staff=True, is_superuser=True)

    # when the demo buys them
    order = _pay(learner, courses)

    # then the order was paid by the test Visa at the emulator, which knows the payment as succeeded
    assert (order.status, order.origin, order.amount_paid) == (Order.Status.PAID, origin, sum(prices))
    assert (order.card_brand, order.card_last4) == ("visa", "4242")
    assert gateway.payment_intent_retrieve(payment_intent_id=order.payment_intent_id).status == "succeeded"
    # fulfilled as a customer's purchase: an invoice for the whole amount, the learner enrolled, the cart empty
    invoice = Invoice.objects.get(order=order)
    assert invoice.total_amount == sum(prices)
    assert Enrollment.objects.filter(user=learner, type=Enrollment.Type.PAID).count() == len(courses)
    assert not CartItem.objects.filter(cart__user=learner).exists()

    # when staff refund it through the normal pipeline
    refund = refund_start(
        order=order, amounts=None, reason="Demo refund", actor=staff, source=Refund.Source.STAFF, request_key="r1"
    )

    # then the emulator accepted it: a real refund of the charge, applied with its credit note
    assert refund.status == Refund.Status.SUCCEEDED
    at_stripe = gateway.refund_retrieve(refund_id=refund.stripe_refund_id)
    assert (at_stripe.status, at_stripe.amount, at_stripe.payment_intent_id) == (
        "succeeded",
        sum(prices),
        order.payment_intent_id,
    )
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (Order.Status.REFUNDED, sum(prices))
    assert refund.credit_note.invoice == invoice
    assert not Enrollment.objects.filter(user=learner, status__in=Enrollment.HAS_ACCESS).exists()


def test_a_declined_card_leaves_the_order_waiting_and_says_why(emulator):
    learner = UserFactory()
    [course] = _courses(4900)

    with pytest.raises(DemoPaymentError) as refused:
        demo_pay_item(user=learner, kind="course", ref=str(course.pk), card=DECLINED)

    order = Order.objects.get(user=learner)
    assert refused.value.message.startswith(DEMO_PAYMENT_NOT_MADE.format(number=order.number, message=""))
    assert order.paid_at is None
    assert not Invoice.objects.filter(order=order).exists()
    assert not Enrollment.objects.filter(user=learner).exists()


def test_a_demo_cart_purchase_refuses_a_cart_that_holds_something_else(emulator):
    learner = UserFactory(email="busy@example.com")
    bought, waiting = _courses(4900, 3900)
    CartItemFactory(cart=CartFactory(user=learner), kind="course", ref=str(waiting.pk))

    with pytest.raises(DemoPaymentError) as refused:
        demo_pay_cart(user=learner, items=[("course", str(bought.pk))])

    assert refused.value.message == DEMO_CART_NOT_EMPTY.format(email="busy@example.com")
    assert not Order.objects.exists()


def _real_stripe_host(settings, emulator, monkeypatch):
    del settings.STRIPE_API_HOST


def _live_mode(settings, emulator, monkeypatch):
    settings.STRIPE_LIVE_MODE = True


def _stripe_python_elsewhere(settings, emulator, monkeypatch):
    monkeypatch.setattr(stripe, "api_base", "https://api.stripe.com")


@pytest.mark.parametrize(
    "real_stripe",
    [_real_stripe_host, _live_mode, _stripe_python_elsewhere],
    ids=["no STRIPE_API_HOST", "live mode", "stripe-python at api.stripe.com"],
)
def test_demo_payments_are_refused_with_real_stripe_before_anything_is_made(
    emulator, settings, monkeypatch, real_stripe
):
    # given settings under which the Stripe API may be real Stripe
    learner = UserFactory()
    courses = _courses(4900, 3900)
    real_stripe(settings, emulator, monkeypatch)

    # then the seed is told why, and neither kind of purchase places an order or reaches any Stripe
    assert demo_payments_unavailable() == DEMO_PAYMENTS_REAL_STRIPE
    for attempt in (courses[:1], courses):
        with pytest.raises(DemoPaymentError, match="only at the local Stripe emulator"):
            _pay(learner, attempt)
    assert not Order.objects.exists()
    assert "checkout.session" not in emulator.state()["counts"]


def test_an_emulator_that_does_not_answer_is_reported_in_one_line(settings, monkeypatch):
    with socket.socket() as probe:  # a local port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.STRIPE_API_HOST = url
    settings.STRIPE_LIVE_MODE = False
    monkeypatch.setattr(stripe, "api_base", url)

    assert demo_payments_unavailable() == DEMO_PAYMENTS_UNREACHABLE.format(url=url)


def test_with_the_emulator_answering_demo_payments_are_available(emulator):
    assert demo_payments_unavailable() == ""
