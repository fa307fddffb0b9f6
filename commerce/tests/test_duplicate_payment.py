"""A second payment for an order already paid goes back in full, once, and the order is fulfilled once.

Paid for real at the Stripe emulator: two Checkout Sessions of one order (two tabs, or a page our
records never closed), both paid; Stripe's webhooks, redelivered, reach the site through dj-stripe.
"""

import pytest
import stripe
from django.utils import timezone

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import order_fulfil_from_session
from commerce.checkout.stripe_sessions import session_expires_at
from commerce.models import Order, Refund
from commerce.refunds.apply import refundable_for_order
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of, success_path
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.core.models import OutboxEmail

STAFF = ["finance@innerwork.test"]


def _second_session_for(order: Order) -> str:
    """Another open Checkout Session for the same order, as a second tab would have had."""
    line = order.lines.get()
    session = gateway.session_create(
        customer_id=order.stripe_customer_id,
        lines=[gateway.StripeLine(price_id=line.stripe_price_id, quantity=1)],
        discount=None,
        client_reference_id=order.number,
        metadata={"order_number": order.number, "attempt": "tab-2"},
        description=f"InnerWork order {order.number}",
        success_url="http://testserver/ok?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="http://testserver/cancel",
        expires_at=session_expires_at(order, now=timezone.now()),
        idempotency_key=f"test:second-tab:{order.number}",
    )
    return session.id


def _completed_event_of(session_id: str):
    events = stripe.Event.list(type="checkout.session.completed", limit=100).data
    return next(event for event in events if event.data.object.id == session_id)


@pytest.mark.django_db(transaction=True)
def test_an_order_paid_twice_is_fulfilled_once_and_the_second_payment_refunded_once_even_when_redelivered(
    emulator, webhooks, buyer, client, settings
):
    # given an order of one course with two payment pages open, Finance listed for alerts
    settings.STAFF_ALERT_EMAILS = STAFF
    cart_for(buyer, CourseFactory(title="Calm", price_amount=4900))
    first = session_id_of(checkout(client))
    order = Order.objects.get()
    second = _second_session_for(order)

    # when the customer pays on both, comes back from the first, and Stripe delivers (and redelivers) everything
    emulator.pay_checkout_session(first)
    client.get(success_path(order, first))
    emulator.pay_checkout_session(second)
    emulator.wait_for_webhooks()
    emulator.resend_event(_completed_event_of(second).id)
    emulator.wait_for_webhooks()
    order_fulfil_from_session(session=gateway.session_retrieve(session_id=second))  # and the handler once more

    # then the order is paid by the first payment and fulfilled once
    order.refresh_from_db()
    paid_with = gateway.session_retrieve(session_id=first).payment_intent_id
    twice = gateway.session_retrieve(session_id=second).payment_intent_id
    assert (order.status, order.payment_intent_id, order.amount_paid, order.amount_refunded) == (
        "paid",
        paid_with,
        4900,
        0,
    )
    assert order.effects.filter(key__startswith="fulfil:").count() == 1
    assert Enrollment.objects.filter(user=buyer).count() == 1
    # and the second payment went back in full, once, recorded as an automatic refund with its reason
    refund = Refund.objects.get(order=order)
    assert (refund.source, refund.payment_intent_id, refund.amount, refund.status, refund.stripe_reason) == (
        "automatic",
        twice,
        4900,
        "succeeded",
        "duplicate",
    )
    assert twice in refund.reason
    assert "already paid" in refund.reason
    assert [r.amount for r in stripe.Refund.list(payment_intent=twice).data] == [4900]
    assert stripe.Refund.list(payment_intent=paid_with).data == []
    # the order's own payment is still wholly refundable, and no credit note was issued for it
    assert refundable_for_order(order=order) == 4900
    assert not hasattr(refund, "credit_note") or refund.credit_note is None
    # the customer and Finance were told once each, and the timeline shows it
    customer = OutboxEmail.objects.filter(kind="commerce/duplicate_payment")
    staff = OutboxEmail.objects.filter(kind="commerce/staff_duplicate_payment")
    assert [email.to for email in customer] == [[buyer.email]]
    assert [email.to for email in staff] == [STAFF]
    assert order.number in customer.get().subject
    assert OutboxEmail.objects.filter(kind="commerce/order_confirmation").count() == 1
    timeline = set(order.events.values_list("type", flat=True))
    assert timeline >= {"duplicate_payment_refunding", "duplicate_payment_refunded"}
    assert not order.is_flagged
    # and the customer's order page still shows a paid order
    assert client.get(order.get_absolute_url()).status_code == 200
