"""Checking out: from the cart's button to Stripe's payment page, pay again, cancel, free orders, discounts."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import stripe
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from commerce.checkout import placing
from commerce.checkout.placing import CHECKOUT_EMPTY
from commerce.checkout.services import ORDER_LINE_UNAVAILABLE, orders_expire_abandoned
from commerce.models import CheckoutSession, Coupon, CouponRedemption, Order
from commerce.tests.factories import CouponFactory
from commerce.tests.stripe_fixtures import cart_for, checkout, messages_of, session_id_of
from commerce.views.checkout import CHECKOUT_LOGIN_NEEDED, PAYMENT_LEFT
from courses.models import Enrollment
from courses.product_kind import COURSE_ALREADY_OWNED
from courses.tests.factories import CategoryFactory, CourseFactory, EnrollmentFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def open_sessions() -> list:
    return stripe.checkout.Session.list(status="open", limit=100).data


# -- the first checkout ------------------------------------------------------------------------


def test_checkout_freezes_the_cart_into_a_pending_order_and_sends_the_customer_to_stripe(client, buyer, emulator):
    # given a cart with two courses
    calm = CourseFactory(title="Calm Under Pressure", price_amount=4900)
    focus = CourseFactory(title="Deep Focus", price_amount=2900)
    cart_for(buyer, calm, focus)
    # when
    response = checkout(client)
    # then a 303 to Stripe's page for a session that names the order
    session = stripe.checkout.Session.retrieve(session_id_of(response), expand=["line_items"])
    order = Order.objects.get(user=buyer)
    assert (order.status, order.subtotal_amount, order.total_amount, order.currency) == ("pending", 7800, 7800, "usd")
    assert [(line.title, line.unit_amount) for line in order.lines.all()] == [
        ("Calm Under Pressure", 4900),
        ("Deep Focus", 2900),
    ]
    assert session.client_reference_id == order.number
    assert session.metadata.to_dict() == {"order_number": order.number, "attempt": "1"}
    assert (session.mode, session.amount_total, session.currency) == ("payment", 7800, "usd")
    assert session.success_url == (
        f"http://testserver/orders/{order.number}/success/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert session.cancel_url == f"http://testserver/orders/{order.number}/cancel/"
    lifetime = session.expires_at - session.created
    assert 30 * 60 <= lifetime <= 34 * 60
    # our catalogue Prices, and the customer made for this person
    assert [item.price.id for item in session.line_items.data] == [line.stripe_price_id for line in order.lines.all()]
    assert stripe.Customer.retrieve(session.customer).email == buyer.email
    row = CheckoutSession.objects.get(order=order)
    assert (row.stripe_id, row.status, row.url) == (session.id, "open", response["Location"])
    assert order.events.filter(type="checkout_opened").exists()


def test_the_second_order_of_a_customer_reuses_their_stripe_customer(client, buyer, emulator):
    cart = cart_for(buyer, CourseFactory())
    first = session_id_of(checkout(client))
    cart.items.all().delete()
    cart.items.create(kind="course", ref=str(CourseFactory().pk))

    second = session_id_of(checkout(client))

    assert second != first
    customers = {stripe.checkout.Session.retrieve(sid).customer for sid in (first, second)}
    assert len(customers) == 1
    assert len(stripe.Customer.list(email=buyer.email).data) == 1


def test_an_anonymous_visitor_is_asked_to_log_in_and_keeps_their_cart(client, emulator):
    response = checkout(client)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert CHECKOUT_LOGIN_NEEDED in messages_of(response)
    assert not Order.objects.exists()


def test_an_empty_cart_cannot_be_checked_out(client, buyer, emulator):
    response = checkout(client)

    assert response["Location"] == reverse("commerce:cart")
    assert CHECKOUT_EMPTY in messages_of(response)
    assert not Order.objects.exists()


def test_the_cart_page_has_a_working_checkout_form(client, buyer, emulator):
    cart_for(buyer, CourseFactory(price_amount=4900))

    response = client.get(reverse("commerce:cart"))

    assertContains(response, f'action="{reverse("commerce:checkout")}"')
    assertContains(response, "csrfmiddlewaretoken")
    assertContains(response, "Secure payment with Stripe")


# -- pressing back, paying again ---------------------------------------------------------------


def test_pressing_back_on_stripe_returns_to_the_cart_with_the_order_still_payable(client, buyer, emulator):
    cart_for(buyer, CourseFactory())
    session_id = session_id_of(checkout(client))
    order = Order.objects.get()

    response = client.get(reverse("commerce:order_cancel", kwargs={"number": order.number}))

    assert response["Location"] == reverse("commerce:cart")
    assert PAYMENT_LEFT.format(number=order.number) in messages_of(response)
    order.refresh_from_db()
    assert order.is_payable
    assert stripe.checkout.Session.retrieve(session_id).status == "open"


def test_checking_out_the_same_cart_again_returns_to_the_same_order_and_session(client, buyer, emulator):
    cart_for(buyer, CourseFactory())
    first = session_id_of(checkout(client))

    again = session_id_of(checkout(client))

    assert again == first
    assert Order.objects.count() == 1
    assert len(open_sessions()) == 1


def test_pay_again_reuses_the_open_session(client, buyer, emulator):
    cart_for(buyer, CourseFactory())
    first = session_id_of(checkout(client))
    order = Order.objects.get()

    again = client.post(reverse("commerce:order_pay", kwargs={"number": order.number}))

    assert session_id_of(again) == first
    assert len(stripe.checkout.Session.list().data) == 1


def test_a_session_close_to_expiry_is_closed_before_a_new_one_opens(client, buyer, emulator):
    # given an order whose open session has only 4 minutes left
    cart_for(buyer, CourseFactory())
    first = session_id_of(checkout(client))
    order = Order.objects.get()
    emulator.advance_clock(29 * 60)
    # when the customer pays again, 29 minutes later on both clocks
    with pytest.MonkeyPatch.context() as patch:
        later = timezone.now() + timedelta(minutes=29)
        patch.setattr("django.utils.timezone.now", lambda: later)
        second = session_id_of(client.post(reverse("commerce:order_pay", kwargs={"number": order.number})))
    # then the old session was expired at Stripe and exactly one is open
    assert second != first
    assert stripe.checkout.Session.retrieve(first).status == "expired"
    assert [s.id for s in open_sessions()] == [second]
    assert list(order.checkout_sessions.values_list("stripe_id", "status")) == [(second, "open"), (first, "expired")]
    order.refresh_from_db()
    assert (order.status, order.checkout_attempt) == ("pending", 2)


def test_a_newer_cart_replaces_an_unpaid_order_and_closes_its_payment_page(client, buyer, emulator):
    # given an order for one course on Stripe's page, with a code reserved
    coupon = CouponFactory(code="ONCE", max_uses_per_user=1)
    cart = cart_for(buyer, CourseFactory(), coupon=coupon)
    first = session_id_of(checkout(client))
    old = Order.objects.get()
    # when the customer adds a course and checks out again
    cart.items.create(kind="course", ref=str(CourseFactory().pk))
    second = session_id_of(checkout(client))
    # then the old order is canceled, its page closed and its code use given back to the new order
    old.refresh_from_db()
    assert old.status == "canceled"
    assert stripe.checkout.Session.retrieve(first).status == "expired"
    assert [s.id for s in open_sessions()] == [second]
    new = Order.objects.exclude(pk=old.pk).get()
    assert new.coupon_redemption.status == CouponRedemption.Status.RESERVED
    assert old.coupon_redemption.status == CouponRedemption.Status.RELEASED


def test_an_order_whose_course_was_bought_elsewhere_cannot_be_paid_again(client, buyer, emulator):
    course = CourseFactory(title="Deep Focus")
    cart_for(buyer, course)
    session_id_of(checkout(client))
    order = Order.objects.get()
    CheckoutSession.objects.update(status=CheckoutSession.Status.EXPIRED)
    EnrollmentFactory(user=buyer, course=course)

    response = client.post(reverse("commerce:order_pay", kwargs={"number": order.number}))

    assert response["Location"] == order.get_absolute_url()
    assert ORDER_LINE_UNAVAILABLE.format(title="Deep Focus", reason=COURSE_ALREADY_OWNED) in messages_of(response)


# -- free orders -------------------------------------------------------------------------------


def test_a_free_course_completes_without_stripe(client, buyer, emulator):
    course = CourseFactory(price_amount=0)
    cart_for(buyer, course)

    response = checkout(client)

    order = Order.objects.get()
    assert (response.status_code, response["Location"]) == (303, order.get_absolute_url())
    assert (order.status, order.total_amount, order.amount_paid) == ("paid", 0, 0)
    assert Enrollment.objects.get(user=buyer, course=course).type == Enrollment.Type.FREE
    assert not stripe.checkout.Session.list().data
    assert set(order.effects.values_list("key", flat=True)) >= {"email:confirmation", "cart:clear"}
    assert not buyer.cart.items.exists()


def test_a_hundred_percent_coupon_completes_without_stripe_and_redeems_the_code(
    client, buyer, emulator, django_capture_on_commit_callbacks
):
    coupon = CouponFactory(code="FREEBIE", percent_off=100, max_uses=1)
    course = CourseFactory(price_amount=4900)
    cart_for(buyer, course, coupon=coupon)

    with django_capture_on_commit_callbacks(execute=True):
        response = checkout(client)

    order = Order.objects.get()
    assert response["Location"] == order.get_absolute_url()
    assert (order.status, order.subtotal_amount, order.discount_amount, order.total_amount) == ("paid", 4900, 4900, 0)
    assert Enrollment.objects.get(user=buyer, course=course).type == Enrollment.Type.PAID
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.REDEEMED
    assert not stripe.checkout.Session.list().data
    assert [m.to for m in mail.outbox if "order" in m.subject.lower()] == [[buyer.email]]


# -- the discount Stripe shows is ours ---------------------------------------------------------

DISCOUNT_CASES = {
    # name: (coupon fields, course prices, expected discount, Stripe applies our promotion code)
    "percent, exact": ({"percent_off": 20}, [5000, 2500], 1500, True),
    "percent, rounding": ({"percent_off": Decimal("15")}, [4999, 2999], 1200, False),
    "percent, capped": ({"percent_off": 50, "max_discount_amount": 1000}, [5000, 3000], 1000, False),
    "percent, one category only": ({"percent_off": 20, "applies_to_categories": ["mind"]}, [5000, 3000], 1000, False),
    "fixed": ({"discount_type": Coupon.DiscountType.FIXED, "amount_off": 700, "percent_off": None}, [4900], 700, True),
    "fixed, capped": (
        {
            "discount_type": Coupon.DiscountType.FIXED,
            "amount_off": 2000,
            "percent_off": None,
            "max_discount_amount": 1500,
        },
        [4900],
        1500,
        False,
    ),
    "fixed, on one course only": (
        {"discount_type": Coupon.DiscountType.FIXED, "amount_off": 9000, "percent_off": None, "applies_to_refs": "X"},
        [4900, 2900],
        4900,
        False,
    ),
}


@pytest.mark.parametrize("case", DISCOUNT_CASES.keys())
def test_stripes_discount_equals_the_order_discount(client, buyer, emulator, case):
    # given a cart and a coupon of this shape
    fields, prices, expected, uses_code = DISCOUNT_CASES[case]
    mind = CategoryFactory(slug="mind")
    courses = [
        CourseFactory(price_amount=price, category=mind if i == 0 else CategoryFactory())
        for i, price in enumerate(prices)
    ]
    if fields.get("applies_to_refs") == "X":
        fields = {**fields, "applies_to_refs": [f"course:{courses[0].pk}"]}
    coupon = CouponFactory(code="CASE", **fields)
    cart_for(buyer, *courses, coupon=coupon)
    # when
    session = stripe.checkout.Session.retrieve(session_id_of(checkout(client)))
    # then Stripe takes off exactly what we computed, and the code is named when Stripe computes it alike
    order = Order.objects.get()
    assert order.discount_amount == expected
    assert session.total_details.amount_discount == order.discount_amount
    assert session.amount_total == order.total_amount == sum(prices) - expected
    discount = session.discounts[0]
    if uses_code:
        assert discount.promotion_code == Coupon.objects.get().stripe_promotion_code_id
    else:
        assert discount.coupon == f"order-{order.number}"


# -- abandoned orders --------------------------------------------------------------------------


def test_an_order_that_never_reached_stripe_is_expired_later_and_gives_back_its_code(client, buyer, emulator):
    # given a checkout Stripe failed, and a customer who left
    coupon = CouponFactory(code="HOLD", max_uses=1)
    cart_for(buyer, CourseFactory(), coupon=coupon)
    emulator.fault("/v1/checkout/sessions", "api_error", method="POST")
    assert checkout(client).status_code == 503
    order = Order.objects.get()
    # and another customer's order that is on Stripe's page
    other = UserFactory()
    cart_for(other, CourseFactory())
    other_client = Client()
    other_client.force_login(other)
    session_id_of(checkout(other_client))
    # when the clean-up runs: first too early, then two hours later
    assert orders_expire_abandoned() == 0
    expired = orders_expire_abandoned(now=timezone.now() + timedelta(hours=2))
    # then only the order without a payment page expired, and its code use is free
    assert expired == 1
    order.refresh_from_db()
    assert order.status == "expired"
    assert order.coupon_redemption.status == CouponRedemption.Status.RELEASED
    assert Order.objects.get(user=other).status == "pending"
    assert call_command_output("expire_abandoned_orders") == "0 abandoned order(s) expired.\n"


def call_command_output(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_if_stripe_ever_computes_a_code_differently_the_order_specific_coupon_takes_over(
    client, buyer, emulator, monkeypatch
):
    # given a capped code (Stripe's mirror has no cap) that we wrongly predict Stripe computes alike
    monkeypatch.setattr("commerce.stripe_mirror.stripe_computes_same_discount", lambda **kwargs: True)
    coupon = CouponFactory(code="CAPPED", percent_off=50, max_discount_amount=1000)
    cart_for(buyer, CourseFactory(price_amount=5000), coupon=coupon)
    # when
    session = stripe.checkout.Session.retrieve(session_id_of(checkout(client)))
    # then the page that showed Stripe's own figure was closed, and the one the customer gets charges ours
    order = Order.objects.get()
    assert (session.total_details.amount_discount, session.amount_total) == (1000, 4000)
    assert session.discounts[0].coupon == f"order-{order.number}"
    assert [s.status for s in stripe.checkout.Session.list().data] == ["open", "expired"]
    assert list(order.checkout_sessions.values_list("status", flat=True)) == ["open", "expired"]


@pytest.mark.django_db
def test_an_order_number_already_taken_places_the_order_again_under_another_with_one_coupon_use(monkeypatch):
    # given a cart with a coupon, and an order that already has the number the next placement draws first
    user = UserFactory()
    coupon = CouponFactory(code="TAKEN10")
    cart = cart_for(user, CourseFactory(price_amount=5000), coupon=coupon)
    taken = Order.objects.create(number="ORD-TAKEN-000001", user=UserFactory(), total_amount=100, subtotal_amount=100)
    numbers = iter([taken.number, "ORD-FRESH-000002"])
    monkeypatch.setattr(placing, "new_order_number", lambda: next(numbers))

    # when the cart is placed
    order = placing.order_create_from_cart(cart=cart, user=user)

    # then it got the second number, and the first try left nothing behind: one order, one coupon use, one event
    assert order.number == "ORD-FRESH-000002"
    assert Order.objects.filter(user=user).count() == 1
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1
    assert list(order.events.values_list("type", flat=True)) == ["created"]
    assert order.lines.count() == 1
