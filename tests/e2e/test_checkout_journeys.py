"""Buying courses in a real browser (Debian Chromium), and the pages and e-mails a buyer sees after.

The journeys run against the Stripe emulator (a pytest fixture on a free port) with the site's
webhook endpoint registered through the API and pointed at live_server, so Stripe's events
reach dj-stripe and fulfilment exactly as in production, racing the success page.
Screenshots of each distinct page and state (laptop and phone where the layout matters) land in
artifacts/screenshots/ to be looked at; the order history, billing, failed order and the e-mails are
shot once, by the layout tests at the end of this module.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from commerce.models import CouponRedemption, Order, OrderEvent
from commerce.orders.notifications import notify_order_paid, notify_payment_failed
from commerce.tests.factories import CouponFactory, OrderFactory, OrderLineFactory
from courses.models import Enrollment
from courses.tests.factories import CategoryFactory, EnrollmentFactory, course_with_lessons
from innerwork.accounts.tests.factories import PASSWORD, UserFactory, VerifiedUserFactory
from innerwork.core.models import OutboxEmail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
RECEIPT_URL = "http://127.0.0.1:12111/receipts/payment/ch_3PqSample"
HOSTED_PAGE = re.compile(r"/c/pay/cs_")


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='login']", user.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_load_state()


def assert_no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def shoot_both(page, name):
    page.wait_for_load_state()  # a click that navigates returns before the next page has a document
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        assert_no_sideways_scroll(page)
        page.shot(f"{name}-{label}")
    page.set_viewport_size(VIEWPORTS["laptop"])


def show_email(page, html: str) -> None:
    """Render an e-mail's HTML as a mail client would: in a blank page, not written into the site's page
    last opened, whose Content-Security-Policy would refuse the e-mail's inline styles."""
    page.goto("about:blank")
    page.set_content(html)


def shoot_email(page, email: OutboxEmail, name: str):
    """Render an outbox e-mail's HTML as a mail client would and look at it on a laptop and a phone."""
    show_email(page, email.body_html)
    shoot_both(page, f"email-{name}")


# ---- buying: cart → coupon → Stripe's page → card → success → order → dashboard → e-mail ---------------------


def add_to_cart(page, base, course):
    page.goto(f"{base}{course.get_absolute_url()}")
    page.click(".price-box button:has-text('Add to cart')")
    page.wait_for_url(f"{base}/cart/")


def apply_coupon(page, code):
    page.fill("#coupon-code", code)
    page.click(".coupon button:has-text('Apply')")
    page.wait_for_selector(".coupon__applied")


def fill_card(page, number, *, email=True):
    if email and page.get_by_label("Email").is_editable():
        page.get_by_label("Email").fill("ines.buyer@example.com")
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiration").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Cardholder name").fill("Inès Buyer")


def pay_button(page):
    return page.get_by_role("button", name=re.compile(r"^(Pay|Complete order)"))


def the_order(customer) -> Order:
    return Order.objects.get(user=customer)


def wait_for_order_page(page, base, order_number):
    page.wait_for_url(f"{base}/orders/{order_number}/")


def test_cart_coupon_card_4242_success_order_dashboard_and_email(page, shop):
    base, customer, emulator = shop["base"], shop["customer"], shop["emulator"]
    CouponFactory(code="WELCOME15", percent_off=15, description="Welcome offer")
    log_in(page, base, customer)

    # Two courses in the cart, 15 % off with a code.
    add_to_cart(page, base, shop["calm"])
    add_to_cart(page, base, shop["kind"])
    apply_coupon(page, "welcome15")
    assert page.inner_text("[data-total]") == "$108.80"
    page.shot("cart-with-coupon")

    # Checkout opens Stripe's page with the same lines, discount and total.
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    order = the_order(customer)
    assert order.status == Order.Status.PENDING
    assert page.get_by_test_id("amount-due").inner_text() == "$108.80"
    page.shot("stripe-checkout")

    # The customer pays with the test card that always succeeds.
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()

    # Back on the site: the order is paid at once, whatever the webhook is doing.
    wait_for_order_page(page, base, order.number)
    assert page.inner_text(".order-status") == "Paid"
    assert page.inner_text("[data-total]") == "$108.80"
    assert page.inner_text("[data-discount]") == "−$19.20"
    assert "Visa •••• 4242" in page.inner_text("[data-card]")
    assert page.get_attribute(".order-receipt", "href").startswith(emulator.url + "/receipts/payment/ch_")
    assert page.locator(".order-line__access").count() == 2
    shoot_both(page, "order-paid")

    # Stripe's own receipt opens from the order page.
    with page.context.expect_page() as receipt_page:
        page.click(".order-receipt")
    receipt = receipt_page.value
    receipt.wait_for_load_state()
    assert "$108.80" in receipt.inner_text("body")
    receipt.close()

    # The dashboard shows both courses.
    page.click("header .site-nav a:has-text('My learning')")
    page.wait_for_url(f"{base}/dashboard/")
    assert page.is_visible("text=Calm Under Pressure")
    assert page.is_visible("text=Leading With Kindness")
    page.shot("dashboard")

    # Once Stripe's webhooks are in, there is still one payment, one of each e-mail.
    emulator.wait_for_webhooks()
    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.is_flagged) == (Order.Status.PAID, 10880, False)
    assert Enrollment.objects.filter(user=customer, status=Enrollment.Status.ACTIVE).count() == 2
    assert CouponRedemption.objects.get(order=order).status == CouponRedemption.Status.REDEEMED
    confirmation = OutboxEmail.objects.get(kind="commerce/order_confirmation")
    assert confirmation.to == ["ines.buyer@example.com"]
    assert order.number in confirmation.subject
    assert "Visa ending in 4242" in confirmation.body_text
    assert order.receipt_url in confirmation.body_text
    assert OutboxEmail.objects.filter(kind="courses/enrollment_welcome").count() == 2

    # The order history lists it, paid.
    page.goto(f"{base}/orders/")
    assert page.inner_text(".order-row >> nth=0 >> .order-status") == "Paid"
    page.goto(f"{base}/billing/")
    assert page.locator(".payment").count() == 1


def test_a_declined_card_says_why_and_the_order_can_be_paid_again(page, shop):
    base, customer, emulator = shop["base"], shop["customer"], shop["emulator"]
    log_in(page, base, customer)
    add_to_cart(page, base, shop["calm"])
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    order = the_order(customer)

    # The bank declines the card: Stripe's page says so and stays open.
    fill_card(page, "4000 0000 0000 0002")
    pay_button(page).click()
    assert page.get_by_test_id("payment-error").inner_text() == "Your card was declined."
    page.shot("stripe-declined")
    emulator.wait_for_webhooks()  # a person takes a few seconds to type another card: Stripe reports the decline

    # The customer retries with a card that works.
    fill_card(page, "4242 4242 4242 4242", email=False)
    pay_button(page).click()
    wait_for_order_page(page, base, order.number)
    assert page.inner_text(".order-status") == "Paid"
    emulator.wait_for_webhooks()
    page.reload()
    timeline = page.inner_text(".timeline")
    assert "Your card was declined." in timeline
    page.shot("order-paid-after-a-decline")
    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.failure_message) == (Order.Status.PAID, 4900, "")
    assert OutboxEmail.objects.filter(kind="commerce/order_confirmation").count() == 1


def declined_for_lack_of_funds(page, shop, course) -> Order:
    """The customer checks out `course` and Stripe's page refuses their card for lack of funds (reported by
    webhook before this returns); they are still on Stripe's page. Returns their order."""
    base, customer = shop["base"], shop["customer"]
    log_in(page, base, customer)
    add_to_cart(page, base, course)
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    order = the_order(customer)
    fill_card(page, "4000 0000 0000 9995")
    pay_button(page).click()
    assert "insufficient funds" in page.get_by_test_id("payment-error").inner_text()
    shop["emulator"].wait_for_webhooks()
    return order


def test_back_from_stripe_after_a_declined_card_the_cart_says_why_and_that_nothing_was_charged(page, shop):
    base = shop["base"]
    # The bank refuses the card for lack of funds, Stripe reports it, and the customer goes back to InnerWork.
    order = declined_for_lack_of_funds(page, shop, shop["calm"])
    page.get_by_role("link", name="Back to InnerWork").click()

    # The cart says the card was declined, Stripe's reason, and that nothing was charged.
    page.wait_for_url(f"{base}/cart/")
    notice = page.inner_text(".messages")
    assert "Your card was declined, so nothing was charged." in notice
    assert "Stripe said: “Your card has insufficient funds.”" in notice
    assert order.number in notice
    assert "You left the payment page" not in notice
    shoot_both(page, "cart-after-a-declined-card")


def test_a_declined_payment_left_on_stripe_is_paid_later_from_the_order_page(page, shop):
    base, emulator = shop["base"], shop["emulator"]
    order = declined_for_lack_of_funds(page, shop, shop["kind"])

    # The order page explains what happened and offers to pay again.
    page.goto(f"{base}/orders/{order.number}/")
    assert "Your card has insufficient funds." in page.inner_text("[data-failure-reason]")
    assert page.inner_text(".order-status") == "Payment failed"
    page.click(".order-notice .order-pay button")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4242 4242 4242 4242", email=False)
    pay_button(page).click()
    wait_for_order_page(page, base, order.number)
    assert page.inner_text(".order-status") == "Paid"
    assert not page.locator(".order-pay").count()
    page.shot("order-paid-on-the-second-try")
    emulator.wait_for_webhooks()
    assert OutboxEmail.objects.filter(kind="commerce/payment_failed").count() == 1
    assert OutboxEmail.objects.filter(kind="commerce/order_confirmation").count() == 1


def test_a_card_that_asks_for_3d_secure_pays_once_authenticated(page, shop):
    base, customer, emulator = shop["base"], shop["customer"], shop["emulator"]
    log_in(page, base, customer)
    add_to_cart(page, base, shop["calm"])
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    order = the_order(customer)

    fill_card(page, "4000 0025 0000 3155")
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/c/3ds/pi_"))
    page.shot("3d-secure")
    page.get_by_role("button", name="Complete authentication").click()

    wait_for_order_page(page, base, order.number)
    assert page.inner_text(".order-status") == "Paid"
    assert "•••• 3155" in page.inner_text("[data-card]")
    page.shot("order-paid-with-3d-secure")
    emulator.wait_for_webhooks()
    assert Enrollment.objects.get(user=customer).course == shop["calm"]
    assert OutboxEmail.objects.filter(kind="commerce/order_confirmation").count() == 1


def test_a_full_discount_completes_the_order_without_stripe(page, shop):
    base, customer, emulator = shop["base"], shop["customer"], shop["emulator"]
    CouponFactory(code="GIFT100", percent_off=100)
    log_in(page, base, customer)
    add_to_cart(page, base, shop["calm"])
    apply_coupon(page, "GIFT100")
    assert page.inner_text("[data-total]") == "$0.00"
    page.shot("cart-fully-discounted")

    page.click(".cart-summary__checkout button:has-text('Complete order')")
    order = the_order(customer)
    wait_for_order_page(page, base, order.number)
    assert emulator.url not in page.url
    assert page.inner_text(".order-status") == "Paid"
    assert page.inner_text("[data-total]") == "$0.00"
    assert not page.locator(".order-receipt").count()
    shoot_both(page, "order-free")
    page.goto(f"{base}/dashboard/")
    assert page.is_visible("text=Calm Under Pressure")

    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.discount_amount) == (Order.Status.PAID, 0, 4900)
    assert not order.checkout_sessions.exists()
    email = OutboxEmail.objects.get(kind="commerce/order_confirmation")
    assert "Coupon GIFT100 — no charge" in email.body_text
    shoot_email(page, email, "order-confirmation-free")


# ---- the pages after a purchase, with orders in every state ------------------------------------------------


def _order(*, user, lines, status, days_ago, coupon=None, **fields):
    subtotal = sum(course.price_amount for course, _ in lines)
    discount = sum(share for _, share in lines)
    order = OrderFactory(
        user=user,
        status=status,
        subtotal_amount=subtotal,
        discount_amount=discount,
        coupon=coupon,
        **fields,
    )
    for course, share in lines:
        OrderLineFactory(
            order=order,
            ref=str(course.pk),
            title=course.title,
            category=course.category.slug,
            unit_amount=course.price_amount,
            discount_amount=share,
        )
    placed = timezone.now() - timedelta(days=days_ago)
    Order.objects.filter(pk=order.pk).update(created_at=placed)
    order.refresh_from_db()
    return order, placed


def _event(order, at, type, message):
    OrderEvent.objects.create(order=order, type=type, message=message, created_at=at)


def _paid_fields(placed, total, **extra):
    return {
        "amount_paid": total,
        "paid_at": placed + timedelta(minutes=2),
        "card_brand": "visa",
        "card_last4": "4242",
        "receipt_url": RECEIPT_URL,
        "billing_name": "Inès Buyer",
        **extra,
    }


@pytest.fixture
def buyer_with_orders():
    buyer = VerifiedUserFactory(email="ines.buyer@example.com", full_name="Inès Buyer", time_zone="Europe/Paris")
    mindfulness = CategoryFactory(name="Mindfulness", slug="mindfulness")
    leadership = CategoryFactory(name="Leadership", slug="leadership")
    calm = course_with_lessons(
        title="Calm Under Pressure",
        subtitle="Stay steady when the stakes are high.",
        price_amount=4900,
        category=mindfulness,
        instructor=UserFactory(full_name="Maya Okafor"),
        what_you_learn="Calm your body in 60 seconds before a hard conversation\n"
        "Spot the thoughts that turn pressure into panic\nBuild a five-minute daily reset you will keep",
    )
    kind = course_with_lessons(title="Leading With Kindness", price_amount=7900, category=leadership)
    sleep = course_with_lessons(title="Sleep Better in Two Weeks", price_amount=2500, category=mindfulness)
    focus = course_with_lessons(title="Deep Focus for Busy People", price_amount=9900, category=leadership)
    coupon = CouponFactory(code="WELCOME15", percent_off=15)

    paid, placed = _order(
        user=buyer,
        lines=[(calm, 735), (kind, 1185)],
        status=Order.Status.PAID,
        days_ago=1,
        coupon=coupon,
    )
    Order.objects.filter(pk=paid.pk).update(**_paid_fields(placed, 10880))
    paid.refresh_from_db()
    for course in (calm, kind):
        EnrollmentFactory(user=buyer, course=course)
    _event(paid, placed, "created", "Order placed with code WELCOME15")
    _event(paid, placed + timedelta(seconds=20), "checkout_opened", "Checkout opened")
    _event(paid, placed + timedelta(minutes=1), "payment_failed", "Payment declined: Your card was declined.")
    _event(paid, placed + timedelta(minutes=2), "paid", "Paid $108.80 with Visa •••• 4242")
    _event(paid, placed + timedelta(minutes=2, seconds=1), "fulfilled", "2 courses added to My learning")

    failed, placed = _order(user=buyer, lines=[(focus, 0)], status=Order.Status.FAILED, days_ago=0)
    Order.objects.filter(pk=failed.pk).update(failure_message="Your card has insufficient funds.")
    failed.refresh_from_db()
    _event(failed, placed, "created", "Order placed")
    _event(
        failed, placed + timedelta(minutes=1), "payment_failed", "Payment declined: Your card has insufficient funds."
    )

    flagged, placed = _order(user=buyer, lines=[(sleep, 0)], status=Order.Status.PAID, days_ago=12)
    Order.objects.filter(pk=flagged.pk).update(
        **_paid_fields(placed, 1000, card_brand="mastercard", card_last4="4444"),
        is_flagged=True,
        flag_reason="Paid 1000 usd, expected 2500 usd",
    )
    _event(flagged, placed, "created", "Order placed")
    _event(flagged, placed + timedelta(minutes=2), "flagged", "Payment under review")

    refunded, placed = _order(user=buyer, lines=[(sleep, 0)], status=Order.Status.PARTIALLY_REFUNDED, days_ago=30)
    Order.objects.filter(pk=refunded.pk).update(**_paid_fields(placed, 2500, amount_refunded=1250))
    expired, _ = _order(user=buyer, lines=[(focus, 0)], status=Order.Status.EXPIRED, days_ago=35)
    return buyer, {"paid": paid, "failed": failed, "flagged": flagged, "refunded": refunded, "expired": expired}


def test_order_history_order_pages_and_billing_fit_a_laptop_and_a_phone(page, live_server, buyer_with_orders):
    base = live_server.url
    buyer, orders = buyer_with_orders
    log_in(page, base, buyer)

    # Orders sit in the header, next to My learning.
    page.click("header .site-nav a:has-text('Orders')")
    page.wait_for_url(f"{base}/orders/")
    assert page.locator(".order-row").count() == 5
    assert page.inner_text(".order-row >> nth=0 >> .order-status") == "Payment failed"
    shoot_both(page, "order-history")

    # The paid order: lines with their discount share, the coupon, the card, the receipt, the timeline.
    page.click(f".order-row a:has-text('{orders['paid'].number}')")
    page.wait_for_url(f"{base}/orders/{orders['paid'].number}/")
    assert page.inner_text("[data-total]") == "$108.80"
    assert page.inner_text("[data-discount]") == "−$19.20"
    assert "Visa •••• 4242" in page.inner_text("[data-card]")
    assert page.get_attribute(".order-receipt", "href") == RECEIPT_URL
    assert page.locator(".order-line__access").count() == 2
    assert "CET" in page.inner_text(".timeline__time >> nth=0") or "CEST" in page.inner_text(".timeline__time >> nth=0")
    shoot_both(page, "order-paid")

    # The order whose card was declined says why.
    page.goto(f"{base}{orders['failed'].get_absolute_url()}")
    assert "Your card has insufficient funds." in page.inner_text("[data-failure-reason]")
    shoot_both(page, "order-failed")

    # The flagged order reassures the customer.
    page.goto(f"{base}{orders['flagged'].get_absolute_url()}")
    assert page.is_visible("text=We're checking your payment")
    shoot_both(page, "order-flagged")

    page.goto(f"{base}{orders['refunded'].get_absolute_url()}")
    shoot_both(page, "order-partially-refunded")

    # Billing lists the three payments.
    page.click("a:has-text('All orders')")
    page.click(".orders-tabs a:has-text('Billing')")
    page.wait_for_url(f"{base}/billing/")
    assert page.locator(".payment").count() == 3
    shoot_both(page, "billing")

    # Someone else's order does not exist for this customer.
    stranger_order = OrderFactory(user=UserFactory())
    response = page.goto(f"{base}{stranger_order.get_absolute_url()}")
    assert response.status == 404


def test_order_emails_read_well_on_a_laptop_and_a_phone(page, buyer_with_orders, django_capture_on_commit_callbacks):
    buyer, orders = buyer_with_orders
    with django_capture_on_commit_callbacks(execute=True):
        notify_order_paid(order=orders["paid"])
        notify_payment_failed(order=orders["failed"], reason=orders["failed"].failure_message, attempt_key="ch_1")
    shoot_email(page, OutboxEmail.objects.get(kind="commerce/order_confirmation"), "order-confirmation")
    shoot_email(page, OutboxEmail.objects.get(kind="commerce/payment_failed"), "payment-failed")

    # The welcome e-mail comes from fulfilling a course line.
    from commerce.registry import get_kind

    line = orders["paid"].lines.first()
    Enrollment.objects.filter(user=buyer).delete()
    with django_capture_on_commit_callbacks(execute=True):
        get_kind("course").fulfil(line=line)
    shoot_email(page, OutboxEmail.objects.get(kind="courses/enrollment_welcome"), "enrollment-welcome")
