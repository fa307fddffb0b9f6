"""Staff refund one course of a two-course order from the admin, in a real browser (Debian Chromium).

The customer buys through the Stripe emulator's hosted page; a member of Finance signs in through
allauth (password, then their authenticator code), finds the order in the staff console, refunds
one line, and Stripe's webhooks confirm it. The customer then sees the credit note on their order
page, has lost that course and kept the other. Screenshots of every console page land in
artifacts/screenshots/.
"""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group
from django.utils import timezone
from djstripe.models import WebhookEventTrigger

from commerce.models import CreditNote, Order, Refund
from commerce.orders.services import order_flag
from commerce.tests.admin_fixtures import staff_roles_ensure
from commerce.tests.factories import CouponFactory, paid_order
from courses.models import Enrollment
from innerwork.accounts.tests.factories import PASSWORD, VerifiedUserFactory
from tests.e2e.test_checkout_journeys import HOSTED_PAGE, add_to_cart, fill_card, log_in, pay_button

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(shop, settings):
    """The journeys' shop (tests/e2e/conftest.py), with a member of Finance who signs in with an authenticator."""
    settings.STAFF_MFA_REQUIRED = True  # as in production: staff need their authenticator
    staff_roles_ensure()  # a transactional test's flush removes the groups the migration made
    finance = VerifiedUserFactory(email="fin@innerwork.test", full_name="Fin Ance", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    secret = generate_totp_secret()
    TOTP.activate(finance, secret)
    return {**shop, "finance": finance, "secret": secret}


def shooter(page, who: str):
    """page.shot for a second browser: full-page screenshots under artifacts/screenshots/staff_refund_journey/."""
    folder = SCREENSHOTS / "staff_refund_journey"
    counter = {"n": 0}

    def shot(name: str):
        counter["n"] += 1
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{counter['n']:02d}-{who}-{name}.png"), full_page=True)

    return shot


# A code is accepted only within its period (allauth's MFA_TOTP_TOLERANCE is 0): one read in the last
# seconds of a period may be checked in the next one and refused, so wait for a fresh period then.
TOTP_SAFETY_SECONDS = 8


def totp_code(secret: str) -> str:
    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < TOTP_SAFETY_SECONDS:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def paid_lesson_url(course) -> str:
    lesson = course.modules.order_by("position").first().lessons.order_by("position").last()
    return f"/courses/{course.slug}/lessons/{lesson.pk}/"


def staff_log_in(page, base, user, secret):
    """Through the admin's own login link: allauth's password page, then the authenticator code."""
    page.goto(f"{base}/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    page.fill("input[name='login']", user.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("input[name='code']", totp_code(secret))
    page.locator("form:has([name='code']) [type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")


def test_finance_refunds_one_course_and_the_customer_keeps_the_other(page, browser, shop):
    base, emulator, customer = shop["base"], shop["emulator"], shop["customer"]

    # The customer buys both courses.
    log_in(page, base, customer)
    add_to_cart(page, base, shop["calm"])
    add_to_cart(page, base, shop["kind"])
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    order = Order.objects.get(user=customer)
    page.wait_for_url(f"{base}/orders/{order.number}/")
    emulator.wait_for_webhooks()
    assert page.locator(".order-line__access").count() == 2

    # Finance signs in through allauth in their own browser.
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    staff.set_default_timeout(15_000)
    staff.shot = shooter(staff, "staff")
    staff_log_in(staff, base, shop["finance"], shop["secret"])
    assert staff.is_visible("text=Sales: revenue, refunds and net by day")

    # They find the order by the customer's e-mail and open it.
    staff.goto(f"{base}/admin/commerce/order/?q=ines.buyer%40example.com")
    assert staff.locator("#result_list tbody tr").count() == 1
    staff.click(f"#result_list a:has-text('{order.number}')")
    staff.wait_for_selector("[data-panel=timeline]")
    assert "Payment received" in staff.inner_text("[data-panel=timeline]")
    staff.shot("order-page-paid")

    # Refund one line: Calm Under Pressure, in full, with a reason.
    staff.click("[data-action=refund]")
    calm_line = order.lines.get(title="Calm Under Pressure")
    staff.fill(f"input[name='line_{calm_line.pk}']", "49.00")
    staff.fill("textarea[name='reason']", "Bought the wrong course")
    staff.shot("refund-form")
    staff.click("input[type=submit][value='Refund']")
    staff.wait_for_selector("[data-panel=refunds]")
    assert "Refund of $49.00 sent to Stripe" in staff.inner_text(".messagelist")

    # Stripe's webhooks confirm it; the order page shows the refund, the credit note and the webhook log.
    emulator.wait_for_webhooks()
    assert WebhookEventTrigger.objects.filter(event__type="charge.refunded", processed=True).exists()
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.amount, refund.requested_by) == ("succeeded", 4900, shop["finance"])
    credit_note = CreditNote.objects.get(refund=refund)
    staff.reload()
    assert staff.get_attribute("[data-refund]", "data-refund-status") == "succeeded"
    assert staff.is_visible(f"[data-document='{credit_note.number}']")
    assert "Stripe: charge.refunded" in staff.inner_text("[data-panel=timeline]")
    assert staff.locator("[data-panel=timeline] a:has-text('Webhook delivery')").count() >= 1
    timeline = staff.inner_text("[data-panel=timeline]")
    assert "order.refund" in timeline
    assert "commerce/refund_issued" in timeline  # the customer's refund e-mail with the credit note
    assert staff.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    staff.shot("order-page-refunded")
    staff.context.close()

    # The customer sees the credit note and has lost only the refunded course.
    page.goto(f"{base}/orders/{order.number}/")
    assert page.inner_text(".order-status") == "Partially refunded"
    assert page.is_visible(f"[data-document='{credit_note.number}']")
    page.shot("customer-order-with-credit-note")
    statuses = dict(Enrollment.objects.filter(user=customer).values_list("course__title", "status"))
    assert statuses == {"Calm Under Pressure": "refunded", "Leading With Kindness": "active"}
    page.goto(f"{base}{paid_lesson_url(shop['calm'])}")
    assert page.url != f"{base}{paid_lesson_url(shop['calm'])}"
    page.goto(f"{base}{paid_lesson_url(shop['kind'])}")
    assert page.url == f"{base}{paid_lesson_url(shop['kind'])}"
    page.shot("customer-keeps-the-other-course")


def test_every_console_page_reads_well(page, shop):
    """Admin walks the console's pages (orders, a flagged order, coupons, bulk codes, sales): screenshots of each."""
    base = shop["base"]
    admin_user = VerifiedUserFactory(email="admin@innerwork.test", is_staff=True)
    admin_user.groups.add(Group.objects.get(name="Admin"))
    secret = generate_totp_secret()
    TOTP.activate(admin_user, secret)
    now = timezone.now()
    spring = CouponFactory(code="SPRING", percent_off=20, description="Spring campaign", max_uses=100)
    titles = {4900: "Calm Under Pressure", 7900: "Leading With Kindness"}
    refs = {4900: str(shop["calm"].pk), 7900: str(shop["kind"].pk)}
    for days, amounts in ((1, (4900, 7900)), (3, (7900,)), (6, (4900,)), (9, (4900, 7900))):
        paid_order(
            lines=amounts,
            titles=[titles[a] for a in amounts],
            refs=[refs[a] for a in amounts],
            paid_at=now - timedelta(days=days),
        )
    flagged = paid_order(lines=(4900,), titles=[titles[4900]], refs=[refs[4900]], coupon=spring, paid_at=now)
    Order.objects.filter(pk=flagged.pk).update(coupon_code="SPRING")
    order_flag(order=flagged, reason="Stripe charged a different amount than the order total")
    Refund.objects.create(
        order=flagged,
        amount=1500,
        currency="usd",
        source="staff",
        reason="Goodwill",
        idempotency_key="shots-failed",
        status=Refund.Status.FAILED,
        failure_reason="expired_or_canceled_card",
    )
    refunded = paid_order(lines=(7900,), titles=[titles[7900]], refs=[refs[7900]], paid_at=now - timedelta(days=2))
    Refund.objects.create(
        order=refunded,
        amount=7900,
        currency="usd",
        source="staff",
        reason="Wrong course",
        idempotency_key="shots-ok",
        status=Refund.Status.SUCCEEDED,
        succeeded_at=now - timedelta(days=1),
    )

    staff_log_in(page, base, admin_user, secret)
    page.shot("admin-index")
    page.goto(f"{base}/admin/commerce/order/?flag=open")
    assert page.locator("#result_list tbody tr").count() == 1
    page.shot("orders-needing-review")
    page.goto(f"{base}/admin/commerce/order/")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.shot("orders-all")
    page.goto(f"{base}/admin/commerce/order/{flagged.pk}/change/")
    assert "Refund of $15.00 failed at Stripe" in page.inner_text(".messagelist")
    page.shot("order-flagged-with-failed-refund")
    page.fill("[data-action=resolve] input[name=reason]", "Checked in Stripe: the fee was refunded")
    page.click("[data-action=resolve] input[type=submit]")
    assert "Marked resolved" in page.inner_text(".messagelist")
    page.shot("order-flag-resolved")
    page.click("[data-action=refund]")
    page.fill("textarea[name=reason]", "Too much")
    page.fill(f"input[name='line_{flagged.lines.get().pk}']", "60")
    page.click("input[type=submit][value='Refund']")
    assert "At most $49.00 of this line can still be refunded." in page.inner_text("#content-main form")
    page.shot("refund-form-with-an-error")

    page.goto(f"{base}/admin/commerce/coupon/")
    page.shot("coupons")
    page.goto(f"{base}/admin/commerce/coupon/{spring.pk}/change/")
    page.shot("coupon-change")
    page.goto(f"{base}/admin/commerce/coupon/bulk/")
    page.fill("input[name=prefix]", "spring26")
    page.fill("input[name=count]", "50")
    page.select_option("select[name=terms_from]", str(spring.pk))
    page.shot("bulk-codes-form")
    page.click("input[type=submit][value='Make the codes']")
    assert "Made 50 single-use codes" in page.inner_text(".messagelist")
    page.shot("bulk-codes-made")
    with page.expect_download() as download:
        page.click("[data-download-csv]")
    assert download.value.suggested_filename == "coupons-SPRING26.csv"

    page.goto(f"{base}/admin/commerce/order/sales/")
    assert page.inner_text("[data-kpi=revenue]") == "$512.00"
    assert page.inner_text("[data-kpi=refunds]") == "$79.00"
    assert page.locator("svg.iw-chart rect.iw-chart__revenue").count() == 30
    page.shot("sales")
    with page.expect_download() as download:
        page.click("[data-export]")
    assert download.value.suggested_filename.startswith("orders-")
