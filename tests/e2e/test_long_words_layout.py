"""Whatever a person types, a page never grows wider than the screen (issue #14).

A long unbroken word (a search of 300 × "a", a course title without spaces, a long coupon code)
must wrap inside its box on a laptop (1280 px) and a phone (390 px). Screenshots of each page
land in artifacts/screenshots/ to be looked at.
"""

import pytest

from commerce.tests.factories import CartFactory, CartItemFactory
from courses.tests.factories import CategoryFactory, course_with_lessons
from innerwork.accounts.tests.factories import PASSWORD, VerifiedUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LONG_WORD = "a" * 300


def assert_no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    # On failure, name the elements that stick out, so the CSS to fix is found at once.
    wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 5).map((el) => el.tagName + "." + el.className)"""
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px: {wide}"


def shoot_both(page, name):
    page.wait_for_load_state()
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        assert_no_sideways_scroll(page)
        page.shot(f"{name}-{label}")
    page.set_viewport_size(VIEWPORTS["laptop"])


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='login']", user.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_load_state()


def test_long_unbroken_words_never_widen_a_page(page, live_server):
    # given a course whose title and description hold long unbroken words, in a customer's cart
    course = course_with_lessons(
        title="Breathe" + "e" * 120,
        subtitle="Stay" + "y" * 150,
        description="Read " + "r" * 400 + " then rest.",
        category=CategoryFactory(name="Mindfulness" + "s" * 60, slug="mindfulness"),
    )
    customer = VerifiedUserFactory(email="long.words@example.com", full_name="Lena " + "L" * 90)
    CartItemFactory(cart=CartFactory(user=customer), ref=str(course.pk))
    base = live_server.url

    # when a visitor searches for 300 × "a", then the course has no results and the page stays in the screen
    page.goto(f"{base}/?q={LONG_WORD}")
    assert page.locator("#results-heading").inner_text().startswith("0 courses")
    shoot_both(page, "catalogue-long-search")

    # and the catalogue and the course page show the long title inside the screen
    page.goto(f"{base}/")
    shoot_both(page, "catalogue-long-title")
    page.goto(f"{base}/courses/{course.slug}/")
    shoot_both(page, "course-long-words")

    # and the cart, with a long coupon code typed and then refused, stays inside the screen
    log_in(page, base, customer)
    page.goto(f"{base}/cart/")
    page.fill("#coupon-code", "W" * 40)
    shoot_both(page, "cart-long-coupon-typed")
    page.locator(".coupon__form [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#coupon-error").is_visible()
    shoot_both(page, "cart-long-coupon-refused")
