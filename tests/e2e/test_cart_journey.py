"""Cart, coupon and wishlist in a real browser (Debian Chromium).

An anonymous visitor adds a paid course → logs in (the cart follows them) → applies a
coupon → saves another course to the wishlist → moves it to the cart. A second test
walks the same pages at phone width. Screenshots land in artifacts/screenshots/.
"""

import re

import pytest

from commerce.models import Cart
from commerce.tests.factories import CouponFactory
from courses.tests.factories import CategoryFactory, CourseFactory, course_with_lessons
from innerwork.accounts.tests.factories import PASSWORD, VerifiedUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _catalogue():
    mindfulness = CategoryFactory(name="Mindfulness", slug="mindfulness")
    leadership = CategoryFactory(name="Leadership", slug="leadership")
    calm = course_with_lessons(
        title="Calm Under Pressure",
        subtitle="Stay steady when the stakes are high.",
        price_amount=4900,
        category=mindfulness,
    )
    lead = course_with_lessons(
        title="Leading With Kindness",
        subtitle="Build a team that trusts you.",
        price_amount=7900,
        category=leadership,
    )
    CouponFactory(code="WELCOME15", percent_off=15, description="Welcome offer for new learners")
    return calm, lead


def _header_count(page) -> str:
    return page.get_attribute("header .header-cart", "data-cart-count")


def test_visitor_fills_cart_logs_in_applies_coupon_and_moves_a_wish_to_the_cart(page, live_server):
    base = live_server.url
    calm, lead = _catalogue()
    customer = VerifiedUserFactory(email="ines.buyer@example.com", full_name="Inès Buyer")

    # An anonymous visitor finds an empty cart, then adds a paid course from its page.
    page.goto(f"{base}/cart/")
    assert page.is_visible("text=Your cart is empty")
    page.shot("cart-empty")
    page.goto(f"{base}{calm.get_absolute_url()}")
    page.shot("course-page-anonymous")
    page.click(".price-box button:has-text('Add to cart')")
    page.wait_for_url(f"{base}/cart/")
    assert page.is_visible(".cart-line__title:has-text('Calm Under Pressure')")
    assert page.inner_text("[data-total]") == "$49.00"
    assert _header_count(page) == "1"
    page.shot("cart-anonymous")

    # They log in; the cart follows them into their account.
    page.click("header a:has-text('Log in')")
    page.fill("#id_login", customer.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/dashboard/$"))
    page.goto(f"{base}/cart/")
    assert page.is_visible(".cart-line__title:has-text('Calm Under Pressure')")
    assert _header_count(page) == "1"
    assert Cart.objects.get(user=customer).items.count() == 1
    assert not Cart.objects.filter(user__isnull=True).exists()

    # A wrong code explains itself; the right one (typed in lower case) takes 15 % off.
    page.fill("#coupon-code", "welcome50")
    page.click(".coupon button:has-text('Apply')")
    assert "find the code “WELCOME50”" in page.inner_text("#coupon-error")
    page.shot("cart-coupon-error")
    page.fill("#coupon-code", "welcome15")
    page.click(".coupon button:has-text('Apply')")
    page.wait_for_selector(".coupon__applied")
    assert page.inner_text("[data-discount]") == "−$7.35"
    assert page.inner_text("[data-total]") == "$41.65"
    page.shot("cart-coupon-applied")

    # They save another course to the wishlist from its page.
    page.goto(f"{base}{lead.get_absolute_url()}")
    page.click(".price-box button:has-text('Save to wishlist')")
    page.wait_for_selector(".price-box a:has-text('Saved to wishlist')")
    page.shot("course-page-saved")
    page.click("header a:has-text('Wishlist')")
    page.wait_for_url(f"{base}/wishlist/")
    assert page.is_visible(".wish-card__title:has-text('Leading With Kindness')")
    assert page.is_visible(".wish-card:has-text('Leading With Kindness') >> text=$79.00")
    page.shot("wishlist")

    # And move it to the cart: both courses are now discounted, split per line.
    page.click(".wish-card:has-text('Leading With Kindness') button:has-text('Move to cart')")
    page.wait_for_selector("text=Moved to your cart.")
    assert _header_count(page) == "2"
    assert page.is_visible("text=Nothing saved yet")
    page.shot("wishlist-empty-after-move")
    page.goto(f"{base}/cart/")
    assert page.locator(".cart-line").count() == 2
    assert page.inner_text("[data-subtotal]") == "$128.00"
    assert page.inner_text("[data-discount]") == "−$19.20"
    assert page.inner_text("[data-total]") == "$108.80"
    assert page.locator("[data-line-discount]").all_inner_texts() == ["−$7.35 WELCOME15", "−$11.85 WELCOME15"]
    assert page.is_enabled(".cart-summary button:has-text('Checkout')")
    assert page.is_visible("text=Secure payment with Stripe")
    page.shot("cart-two-lines-with-coupon")


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"page is {width}px wide in a {viewport}px window"


def test_cart_and_wishlist_fit_a_phone(page, live_server):
    base = live_server.url
    calm, lead = _catalogue()
    CourseFactory(title="A third course with a rather long title to test wrapping", price_amount=12900)
    customer = VerifiedUserFactory()
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{base}/cart/")
    assert page.is_visible("text=Your cart is empty")
    _no_sideways_scroll(page)
    page.shot("phone-cart-empty")

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", customer.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/dashboard/$"))

    page.goto(f"{base}/wishlist/")
    assert page.is_visible("text=Nothing saved yet")
    _no_sideways_scroll(page)
    page.shot("phone-wishlist-empty")

    for course in (calm, lead):
        page.goto(f"{base}{course.get_absolute_url()}")
        page.click(".price-box button:has-text('Add to cart')")
        page.wait_for_url(f"{base}/cart/")
    _no_sideways_scroll(page)
    page.shot("phone-cart-items")

    page.fill("#coupon-code", "nope")
    page.click(".coupon button:has-text('Apply')")
    page.wait_for_selector("#coupon-error")
    _no_sideways_scroll(page)
    page.shot("phone-cart-coupon-error")

    page.fill("#coupon-code", "WELCOME15")
    page.click(".coupon button:has-text('Apply')")
    page.wait_for_selector(".coupon__applied")
    _no_sideways_scroll(page)
    page.shot("phone-cart-coupon-applied")

    page.click(".cart-line:has-text('Leading With Kindness') button:has-text('Save for later')")
    page.wait_for_selector("text=Moved to your wishlist.")
    page.goto(f"{base}/wishlist/")
    assert page.is_visible(".wish-card__title:has-text('Leading With Kindness')")
    _no_sideways_scroll(page)
    page.shot("phone-wishlist")

    page.goto(f"{base}{lead.get_absolute_url()}")
    _no_sideways_scroll(page)
    page.shot("phone-course-page-saved")
