"""Back from Stripe: the success page fulfils at once (no webhook needed), exactly once, and only what was paid."""

import pytest
from django.core import mail

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import (
    FLAG_COUPON_OVER_LIMIT,
    order_expire_from_session,
    order_fulfil_from_session,
)
from commerce.models import CouponRedemption, Order
from commerce.tests.factories import CouponFactory
from commerce.tests.stripe_fixtures import cart_for, checkout, messages_of, session_id_of, success_path
from commerce.views.checkout import ORDER_COMPLETE, PAYMENT_CONFIRMING
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(client, buyer, emulator):
    """A customer on Stripe's page for an order of two courses with a 20 % code."""
    coupon = CouponFactory(code="SPRING20", percent_off=20)
    courses = [CourseFactory(title="Calm", price_amount=5000), CourseFactory(title="Focus", price_amount=2500)]
    cart_for(buyer, *courses, coupon=coupon)
    session_id = session_id_of(checkout(client))
    return Order.objects.get(), session_id, courses


def test_the_success_page_fulfils_the_paid_order_without_waiting_for_the_webhook(
    client, buyer, emulator, placed, django_capture_on_commit_callbacks
):
    # given a paid session and no webhook endpoint at all
    order, session_id, courses = placed
    emulator.pay_checkout_session(session_id, card="4242424242424242", name="Maya Buyer")
    # when the customer lands on the success page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(success_path(order, session_id))
    # then the order is paid with the payment's details, and everything it bought is granted
    assert response["Location"] == order.get_absolute_url()
    assert ORDER_COMPLETE.format(number=order.number) in messages_of(response)
    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.total_amount) == ("paid", 6000, 6000)
    assert (order.card_brand, order.card_last4) == ("visa", "4242")
    assert order.receipt_url.startswith(emulator.url + "/receipts/payment/ch_")
    assert order.payment_intent_id.startswith("pi_")
    assert order.charge_id.startswith("ch_")
    assert (order.billing_name, order.billing_email) == ("Maya Buyer", buyer.email)
    assert order.paid_at is not None
    assert set(Enrollment.objects.filter(user=buyer).values_list("course_id", flat=True)) == {c.pk for c in courses}
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.REDEEMED
    assert not buyer.cart.items.exists()
    lines = list(order.lines.all())
    assert all(line.fulfilled_at for line in lines)
    assert set(order.effects.values_list("key", flat=True)) == {
        *(f"fulfil:line:{line.pk}" for line in lines),
        "coupon:redeem",
        "cart:clear",
        "invoice:issue",
        "email:confirmation",
    }
    assert order.checkout_sessions.get().status == "complete"
    assert sorted(OutboxEmail.objects.values_list("kind", flat=True)) == [
        "commerce/order_confirmation",
        "courses/enrollment_welcome",
        "courses/enrollment_welcome",
    ]
    assert len(mail.outbox) == 3


def test_opening_the_success_page_again_changes_nothing(client, buyer, emulator, placed):
    order, session_id, _ = placed
    emulator.pay_checkout_session(session_id)
    client.get(success_path(order, session_id))
    before = (list(order.events.values_list("type", flat=True)), OutboxEmail.objects.count())

    client.get(success_path(order, session_id))

    assert (list(order.events.values_list("type", flat=True)), OutboxEmail.objects.count()) == before
    assert Enrollment.objects.filter(user=buyer).count() == 2


def test_the_success_page_of_an_unpaid_session_says_we_are_confirming(client, buyer, emulator, placed):
    order, session_id, _ = placed

    response = client.get(success_path(order, session_id))

    assert PAYMENT_CONFIRMING in messages_of(response)
    order.refresh_from_db()
    assert order.status == "pending"
    assert not Enrollment.objects.exists()


def test_the_success_page_with_another_orders_session_is_not_found(client, buyer, emulator, placed):
    # given the buyer's own order, and someone else's paid session
    order, _, _ = placed
    other_buyer = UserFactory()
    cart_for(other_buyer, CourseFactory())
    client.force_login(other_buyer)
    other_session = session_id_of(checkout(client))
    emulator.pay_checkout_session(other_session)
    client.force_login(buyer)
    # when the buyer puts the other session's id on their own success page
    response = client.get(success_path(order, other_session))
    # then
    assert response.status_code == 404
    assert not Enrollment.objects.filter(user=buyer).exists()


def test_the_success_page_survives_stripe_being_down(client, buyer, emulator, placed):
    order, session_id, _ = placed
    emulator.pay_checkout_session(session_id)
    emulator.fault("/v1/checkout/sessions/*", "api_error", method="GET")

    response = client.get(success_path(order, session_id))

    assert response["Location"] == order.get_absolute_url()
    assert PAYMENT_CONFIRMING in messages_of(response)


def test_a_session_reported_expired_after_the_payment_changes_nothing(client, buyer, emulator, placed):
    order, session_id, _ = placed
    emulator.pay_checkout_session(session_id)
    paid = gateway.session_retrieve(session_id=session_id)
    order_fulfil_from_session(session=paid)
    stale = gateway.CheckoutSessionInfo(**{**paid.__dict__, "status": "expired", "payment_status": "unpaid"})

    order_expire_from_session(session=stale)

    order.refresh_from_db()
    assert order.status == "paid"
    assert order.checkout_sessions.get().status == "complete"
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.REDEEMED


def test_a_second_payment_for_a_paid_order_is_refunded_not_fulfilled_again(client, buyer, emulator, placed):
    order, session_id, _ = placed
    emulator.pay_checkout_session(session_id)
    paid = gateway.session_retrieve(session_id=session_id)
    order_fulfil_from_session(session=paid)
    other = gateway.CheckoutSessionInfo(**{**paid.__dict__, "id": "cs_test_other", "payment_intent_id": "pi_other"})

    order_fulfil_from_session(session=other)
    order_fulfil_from_session(session=other)

    order.refresh_from_db()
    assert not order.is_flagged
    assert order.payment_intent_id == paid.payment_intent_id
    assert order.effects.filter(key__startswith="fulfil:").count() == 2
    (refund,) = order.refunds.all()
    assert (refund.payment_intent_id, refund.amount, refund.source, refund.status) == (
        "pi_other",
        paid.amount_total,
        "automatic",
        "pending",
    )


def test_a_payment_whose_code_was_used_up_meanwhile_is_honoured_and_flagged(client, buyer, emulator, placed):
    # given the order's reserved use was released (a decline) and another order took the last use
    order, session_id, _ = placed
    coupon = order.coupon
    coupon.max_uses = 1
    coupon.save()
    CouponRedemption.objects.filter(order=order).update(status=CouponRedemption.Status.RELEASED)
    CouponRedemption.objects.create(
        coupon=coupon,
        user=UserFactory(),
        order=Order.objects.create(user=UserFactory(), currency="usd", subtotal_amount=100, total_amount=100),
        discount_amount=0,
    )
    # when the customer's retry on Stripe's page succeeds
    emulator.pay_checkout_session(session_id)
    order_fulfil_from_session(session=gateway.session_retrieve(session_id=session_id))
    # then they get what they paid for, and staff are told the code went over its limit
    order.refresh_from_db()
    assert order.status == "paid"
    assert Enrollment.objects.filter(user=buyer).count() == 2
    assert order.is_flagged
    assert order.flag_reason.startswith(FLAG_COUPON_OVER_LIMIT.split("{")[0])
