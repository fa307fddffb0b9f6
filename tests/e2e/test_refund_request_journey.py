"""A customer asks for their money back in a real browser (Debian Chromium): order page → choose the course →
see the quote → confirm → the refund is on its way; once Stripe's webhook confirms it, the order page shows
the refund and the course is closed to them.

Payments and refunds go through the Stripe emulator, with its webhooks delivered to live_server.
Screenshots of every step land in artifacts/screenshots/ to be looked at.
"""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from commerce.models import Order, Refund, RefundRequest
from courses.models import Enrollment, Lesson, LessonProgress
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail
from tests.e2e.test_checkout_journeys import (
    HOSTED_PAGE,
    add_to_cart,
    fill_card,
    log_in,
    pay_button,
    shoot_both,
    shoot_email,
    wait_for_order_page,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_customer_asks_for_a_refund_within_the_policy_and_loses_the_course(page, shop):
    base, customer, emulator, calm = shop["base"], shop["customer"], shop["emulator"], shop["calm"]
    log_in(page, base, customer)

    # Bought two courses a moment ago, paid with the card that always works.
    add_to_cart(page, base, calm)
    add_to_cart(page, base, shop["focus"])
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    order = Order.objects.get(user=customer)
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    wait_for_order_page(page, base, order.number)
    emulator.wait_for_webhooks()
    page.reload()
    assert page.is_visible("[data-request-refund]")
    shoot_both(page, "order-with-refund-button")

    # The order page leads to the refund page, where the customer keeps only Calm Under Pressure.
    page.click("[data-request-refund]")
    page.wait_for_url(f"{base}/orders/{order.number}/refund/")
    assert page.locator("input[name=lines]:checked").count() == 2
    page.get_by_label(re.compile("Deep Focus")).uncheck()
    shoot_both(page, "refund-choose")
    page.click("button:has-text('See my refund')")

    # The quote: what comes back, line by line, and in all, before anything happens.
    page.wait_for_selector("[data-quote]")
    assert page.inner_text("[data-quote-line] .order-line__title") == "Calm Under Pressure"
    assert page.inner_text("[data-verdict]") == "✓ Within our refund policy"
    assert page.inner_text("[data-quote-total]") == "$49.00"
    assert "Visa •••• 4242" in page.inner_text("[data-outcome]")
    assert not RefundRequest.objects.exists()
    page.fill("#refund-reason", "The pace doesn't suit me.")
    shoot_both(page, "refund-quote")

    # Confirming starts the refund at once, and Stripe's answer confirms it: the page says refunded.
    page.click("[data-confirm]")
    page.wait_for_selector("[data-requested='refunded']")
    assert page.inner_text("h1") == "Your refund is complete"
    assert "We refunded $49.00 on" in page.inner_text("[data-requested]")
    shoot_both(page, "refund-complete")
    request = RefundRequest.objects.get()
    assert (request.status, request.amount, request.refund.amount) == (RefundRequest.Status.AUTOMATIC, 4900, 4900)

    # Stripe's webhooks change nothing more: the order page shows the refund, and the course is closed.
    emulator.wait_for_webhooks()
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED
    page.goto(f"{base}/orders/{order.number}/")
    assert page.inner_text(".order-status") == "Partially refunded"
    assert page.inner_text("[data-refund='succeeded'] .refund-list__amount") == "$49.00"
    assert page.inner_text("[data-refund='succeeded'] .badge") == "Refunded"
    assert page.is_visible("[data-request-refund]")  # Deep Focus can still be refunded
    shoot_both(page, "order-after-refund")
    assert Enrollment.objects.get(user=customer, course=calm).status == Enrollment.Status.REFUNDED
    assert Enrollment.objects.get(user=customer, course=shop["focus"]).status == Enrollment.Status.ACTIVE
    page.goto(f"{base}/courses/{calm.slug}/learn/")
    page.wait_for_url(f"{base}/courses/{calm.slug}/")
    page.shot("course-closed")


def staff_session(page, base, user):
    """Sign a member of staff in by session cookie (the console's own login is tested by its journey)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])


def bought_three_weeks_ago(page, base, customer, emulator, course) -> Order:
    """The customer buys `course` with 4242 through Stripe's page; the payment is then dated 21 days back,
    outside the automatic refund window."""
    log_in(page, base, customer)
    add_to_cart(page, base, course)
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    order = Order.objects.get(user=customer)
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    wait_for_order_page(page, base, order.number)
    emulator.wait_for_webhooks()
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=21))
    return order


def test_outside_the_policy_the_request_goes_to_staff_who_deny_it_with_a_reason(page, shop, settings):
    settings.STAFF_ALERT_EMAILS = ["refunds@innerwork.test"]
    base, customer, emulator, calm = shop["base"], shop["customer"], shop["emulator"], shop["calm"]
    order = bought_three_weeks_ago(page, base, customer, emulator, calm)
    # Three weeks on, halfway through the course.
    enrollment = Enrollment.objects.get(user=customer, course=calm)
    for lesson in Lesson.objects.filter(module__course=calm)[:3]:
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=timezone.now())

    # The quote says why it is not automatic, and that our team will decide.
    page.goto(f"{base}/orders/{order.number}/refund/")
    page.click("button:has-text('See my refund')")
    page.wait_for_selector("[data-quote]")
    reasons = page.inner_text("[data-quote-line]")
    assert "You bought this course 21 days ago; refunds are automatic within 14 days." in reasons
    assert "You have completed 50% of this course; refunds are automatic below 30%." in reasons
    assert page.inner_text("[data-verdict]") == "Our team will review this one"
    assert "a person from our team will look at your request" in page.inner_text("[data-outcome]")
    page.fill("#refund-reason", "I had to stop for health reasons.")
    shoot_both(page, "quote-outside-policy")
    page.click("[data-confirm]")
    page.wait_for_selector("[data-requested='with-team']")
    assert page.inner_text("h1") == "Your request was sent to our team"
    shoot_both(page, "request-sent-to-team")
    page.goto(f"{base}/orders/{order.number}/")
    assert "You asked for a refund of $49.00" in page.inner_text("[data-refund-request='pending']")
    assert not page.is_visible("[data-request-refund]")
    shoot_both(page, "order-with-pending-request")

    # Staff open the request in admin and deny it with a reason.
    finance = UserFactory(email="fin@innerwork.test", is_staff=True)
    finance.user_permissions.add(
        Permission.objects.get(codename="refund_order", content_type__app_label="commerce"),
        Permission.objects.get(codename="view_refundrequest"),
    )
    page.context.clear_cookies()
    staff_session(page, base, finance)
    request = RefundRequest.objects.get()
    page.goto(f"{base}/admin/commerce/refundrequest/?status__exact=pending")
    assert order.number in page.inner_text("#result_list")
    page.shot("admin-pending-requests")
    page.goto(f"{base}/admin/commerce/refundrequest/{request.pk}/change/")
    assert "I had to stop for health reasons." in page.inner_text("#content-main")
    page.fill("#id_reason", "You have done half the course; we can offer a transfer to another course instead.")
    page.shot("admin-request-decision")
    page.click("button[value=deny]")
    page.wait_for_selector(".messagelist .success")
    page.shot("admin-request-denied")
    page.context.clear_cookies()
    log_in(page, base, customer)

    request.refresh_from_db()
    assert request.status == RefundRequest.Status.DENIED
    assert not Refund.objects.exists()
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.ACTIVE
    page.goto(f"{base}/orders/{order.number}/")
    assert "we can offer a transfer" in page.inner_text("[data-refund-request='denied']")
    shoot_both(page, "order-with-denied-request")

    # The e-mails: staff were told of the request, the customer of the decision and why.
    shoot_email(page, OutboxEmail.objects.get(kind="commerce/refund_request_staff"), "staff-alert")
    denied = OutboxEmail.objects.get(kind="commerce/refund_request_denied")
    assert denied.to == [customer.email]
    assert "we can offer a transfer" in denied.body_text
    shoot_email(page, denied, "request-denied")


def test_an_approved_request_page_moves_on_to_refunded_when_stripes_webhook_confirms_it(page, shop, settings):
    settings.STAFF_ALERT_EMAILS = ["refunds@innerwork.test"]
    base, customer, emulator, calm = shop["base"], shop["customer"], shop["emulator"], shop["calm"]
    order = bought_three_weeks_ago(page, base, customer, emulator, calm)

    # Requested, outside the policy: the page says our team has it, step by step.
    page.goto(f"{base}/orders/{order.number}/refund/")
    page.click("button:has-text('See my refund')")
    page.click("[data-confirm]")
    page.wait_for_selector("[data-requested='with-team']")
    request_url = page.url
    shoot_both(page, "request-with-team")

    # Staff approve it; Stripe makes the refund but its answer comes after our timeout.
    finance = UserFactory(email="fin@innerwork.test", is_staff=True)
    finance.user_permissions.add(
        Permission.objects.get(codename="refund_order", content_type__app_label="commerce"),
        Permission.objects.get(codename="view_refundrequest"),
    )
    settings.STRIPE_TIMEOUT_SECONDS, settings.STRIPE_MAX_NETWORK_RETRIES = 1, 0
    emulator.pause_webhooks()
    emulator.fault("/v1/refunds", "timeout", method="POST", seconds=2)
    staff_page = page.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff_session(staff_page, base, finance)
    staff_page.goto(f"{base}/admin/commerce/refundrequest/{RefundRequest.objects.get().pk}/change/")
    staff_page.fill("#id_reason", "Health reasons: we understand.")
    staff_page.click("button[value=approve]")
    staff_page.wait_for_selector(".messagelist li")
    staff_page.context.close()
    assert Refund.objects.get().status == Refund.Status.PENDING

    # The customer's page, read again: approved, being processed.
    page.goto(request_url)
    assert page.get_attribute("[data-requested]", "data-requested") == "processing"
    assert "Our team approved your request" in page.inner_text("[data-requested]")
    assert page.inner_text("[aria-current=step] .refund-steps__label") == "Stripe confirms the refund"
    shoot_both(page, "request-approved-processing")

    # Stripe's webhooks arrive: the same page now says refunded, with the date and the amount.
    emulator.resume_webhooks()
    deadline = time.monotonic() + 20
    while Refund.objects.get().status != Refund.Status.SUCCEEDED:
        assert time.monotonic() < deadline, "Stripe's webhook never confirmed the refund"
        time.sleep(0.2)
    page.goto(request_url)
    assert page.inner_text("h1") == "Your refund is complete"
    assert "We refunded $49.00 on" in page.inner_text("[data-requested='refunded']")
    assert "Refunded: $49.00" in page.inner_text("[data-refund-steps]")
    shoot_both(page, "request-refunded")
