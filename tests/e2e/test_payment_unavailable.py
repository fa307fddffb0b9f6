"""When Stripe fails at checkout, the buyer sees a clear "try again" page, and trying again reaches Stripe once."""

import re

import pytest
import stripe

from commerce.models import Order
from commerce.tests.factories import CartFactory, CartItemFactory
from tests.e2e.test_checkout_journeys import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_stripe_failing_at_checkout_shows_try_again_and_the_retry_opens_one_payment_page(page, shop, settings):
    # given a signed-in buyer with a course in the cart, and Stripe failing the next two session requests
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    base, buyer = shop["base"], shop["customer"]
    CartItemFactory(cart=CartFactory(user=buyer), kind="course", ref=str(shop["calm"].pk))
    shop["emulator"].fault("/v1/checkout/sessions", "api_error", method="POST", count=2)
    log_in(page, base, buyer)
    # when they check out
    page.goto(f"{base}/cart/")
    page.click(".cart-summary__checkout button")
    # then a calm page asks them to try again, naming their saved order
    page.wait_for_selector("h1:has-text('Please try again')")
    order = Order.objects.get()
    assert page.is_visible(f"text=Your order {order.number}")
    page.shot("stripe-unavailable-laptop")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.shot("stripe-unavailable-phone")
    # when Stripe fails once more, and then answers
    page.click("button:has-text('Try again')")
    page.wait_for_selector("h1:has-text('Please try again')")
    page.click("button:has-text('Try again')")
    # then Stripe's payment page opens, for the one session of the one order
    page.wait_for_url(re.compile(r".*/c/pay/cs_test_"))
    page.shot("stripe-payment-page-after-retry-phone")
    assert [s.id for s in stripe.checkout.Session.list().data] == [page.url.rsplit("/", 1)[1]]
    assert Order.objects.count() == 1
