"""Back after paying shows the cart as it is now, not the full cart the browser saw before (issue #14).

The cart, the checkout return pages and the order pages are sent with `Cache-Control: no-store`
(innerwork.core.no_store), so the browser fetches them again for Back instead of showing a copy.
"""

import re

import pytest
from playwright.sync_api import expect

from commerce.models import Order
from conftest import CHROMIUM, CHROMIUM_ARGS
from innerwork.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOSTED_PAGE = re.compile(r"/c/pay/cs_")


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='login']", user.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_load_state()


@pytest.fixture
def page_with_back_forward_cache(browser):
    """A page in a Chromium that keeps pages for Back and Forward as people's browsers do (Playwright turns
    that cache off by default, which would hide the very thing this module tests)."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
    chromium.close()


def test_back_twice_after_paying_shows_the_empty_cart(page_with_back_forward_cache, shop):
    page, base, customer = page_with_back_forward_cache, shop["base"], shop["customer"]
    log_in(page, base, customer)

    # given a course in the cart, paid on Stripe's page with the card that always succeeds
    page.goto(f"{base}{shop['calm'].get_absolute_url()}")
    page.click(".price-box button:has-text('Add to cart')")
    page.wait_for_url(f"{base}/cart/")
    assert "Calm Under Pressure" in page.inner_text("main")
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    if page.get_by_label("Email").is_editable():
        page.get_by_label("Email").fill(customer.email)
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiration").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Cardholder name").fill("Inès Buyer")
    page.get_by_role("button", name=re.compile(r"^(Pay|Complete order)")).click()
    order = Order.objects.get(user=customer)
    page.wait_for_url(f"{base}/orders/{order.number}/")

    # when the customer presses Back twice: Stripe's page, then the cart
    # (expect polls the address: a page restored from the back/forward cache fires no load event)
    page.go_back(wait_until="commit")
    expect(page).to_have_url(HOSTED_PAGE)
    page.go_back(wait_until="commit")
    expect(page).to_have_url(f"{base}/cart/")
    page.wait_for_selector("main")

    # then the cart is shown as it is now: empty, the course is bought
    assert page.url == f"{base}/cart/"
    assert "Your cart is empty" in page.inner_text("main")
    assert "Calm Under Pressure" not in page.inner_text("main")
