"""The site under its Content-Security-Policy, in a real browser (Debian Chromium), against the Stripe emulator.

A customer walks the key pages — catalogue, a course, the cart, Stripe's page and back, the order, the
dashboard, a lesson (htmx), a mentor and a booking paid at Stripe, the coaching pages and a contract paid
at Stripe — then staff walk the console (admin) and the partner API's docs. Any `securitypolicyviolation`
event, or a console message from Chromium about the policy, fails the journey: a page that needs an inline
style or script, or a form whose redirect the policy refuses (Stripe's page after a form POST), shows up
here. Each page is shot at laptop and phone widths into $CSP_SHOTS_DIR (default
artifacts/screenshots/content-security-policy/) to be compared with the same pages before the policy.
"""

import os
import re
from datetime import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coaching.tests.factories_pay import coach_make, contract_make
from commerce.models import Order
from commerce.tests.factories import CouponFactory
from innerwork.accounts.tests.factories import VerifiedUserFactory
from innerwork.scheduling.services import calendar_for
from mentorship.models import Booking, MentorProfile
from mentorship.tests.factories import ExpertiseFactory, LanguageFactory, MentorProfileFactory
from tests.e2e.test_checkout_journeys import HOSTED_PAGE, add_to_cart, fill_card, log_in, pay_button

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(
    os.environ.get("CSP_SHOTS_DIR", "")
    or Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "content-security-policy"
)
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# Runs in every page before its own scripts: each violation the policy reports is written to the console,
# where the journey collects it with Chromium's own "Refused to …" messages.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber} on ${document.location.href}`);
});
"""
POLICY_MESSAGE = re.compile(r"CSP violation|Content Security Policy", re.IGNORECASE)
# ReDoc always asks Redocly's CDN for a logo and hides it when it fails: the policy refuses it, as it should
# (the docs are served offline, and the page has no business calling a CDN).
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def violations(page) -> list[str]:
    """What the policy refused in this browser context, from any page the journey opens."""
    found: list[str] = []
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: POLICY_MESSAGE.search(message.text) and found.append(message.text))
    return found


def shoot(page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.wait_for_timeout(100)  # let the layout settle at the new width before the shot
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=full_page)
    page.set_viewport_size(VIEWPORTS["laptop"])


@pytest.fixture
def mentor():
    """Ana María López, approved, open 06:00-22:00 UTC every day, 30/60 minute sessions at $120 an hour."""
    profile = MentorProfileFactory(
        user__full_name="Ana María López",
        slug="ana-lopez",
        status=MentorProfile.Status.APPROVED,
        hourly_rate_amount=12000,
        session_lengths=[30, 60],
        meeting_url="https://meet.example/ana-lopez",
        headline="Helps new managers lead their first team with confidence and calm",
        bio="Twelve years of leading product teams on three continents.",
    )
    profile.expertise.add(ExpertiseFactory(slug="leadership", name="Leadership"))
    profile.languages.add(LanguageFactory(code="en"))
    calendar = calendar_for(profile.user)
    calendar.min_notice_minutes = 0
    calendar.save()
    for weekday in range(7):
        calendar.weekly_rules.create(weekday=weekday, start_time=time(6), end_time=time(22))
    return profile


def test_customer_pages_payments_console_and_api_docs_run_under_the_policy(page, shop, mentor, violations):
    base, customer = shop["base"], shop["customer"]
    coach = coach_make(user=VerifiedUserFactory(full_name="Kwame Mensah", email="kwame@example.com"))
    contract = contract_make(coach=coach, student=customer)
    CouponFactory(code="WELCOME15", percent_off=15, description="Welcome offer")

    # A visitor: the catalogue, a course, the 404 page.
    page.goto(f"{base}/")
    assert page.locator(".course-card").count() == 3
    shoot(page, "01-catalogue")
    page.goto(f"{base}{shop['calm'].get_absolute_url()}")
    shoot(page, "02-course")
    assert page.goto(f"{base}/no-such-page/").status == 404
    shoot(page, "03-not-found")

    # The customer buys a course: the cart, Stripe's page (a redirect after the form's POST), the paid order.
    log_in(page, base, customer)
    add_to_cart(page, base, shop["calm"])
    page.fill("#coupon-code", "welcome15")
    page.click(".coupon button:has-text('Apply')")
    page.wait_for_selector(".coupon__applied")
    shoot(page, "04-cart")
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    order = Order.objects.get(user=customer)
    page.wait_for_url(f"{base}/orders/{order.number}/")
    shoot(page, "05-order-paid")
    page.goto(f"{base}/orders/")
    shoot(page, "06-orders")

    # Learning: the dashboard, a lesson, the next lesson through htmx.
    page.goto(f"{base}/dashboard/")
    assert "Calm Under Pressure" in page.inner_text("main")
    shoot(page, "07-dashboard")
    page.click("a:has-text('Continue'), a:has-text('Start')")  # whichever the dashboard offers first
    page.wait_for_url(re.compile(r"/lessons/\d+/$"))
    shoot(page, "08-lesson")
    page.click("button:has-text('Mark complete')")
    expect(page.locator(".learn-lesson__eyebrow")).to_contain_text("Lesson 2 of 6")
    shoot(page, "09-lesson-after-htmx")

    # A mentor, a booking paid at Stripe (another form POST redirected there), the confirmed session.
    page.goto(f"{base}/mentors/")
    shoot(page, "10-mentors")
    page.goto(f"{base}/mentors/ana-lopez/")
    shoot(page, "11-mentor-page")
    day = page.locator(".slot-day").nth(2)
    day.locator("a.slot").first.click()
    page.wait_for_url(re.compile(r"/mentors/ana-lopez/book/"))
    page.fill("input[name='topic']", "Leading my first team")
    shoot(page, "12-booking-form")
    page.click("button:has-text('Continue to payment')")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4242 4242 4242 4242", email=False)
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/sessions/BKG-[0-9A-Z-]+/$"))
    assert Booking.objects.get(customer=customer).status == Booking.Status.CONFIRMED
    shoot(page, "13-session-confirmed")

    # Coaching: the coaches, a coach, the contract paid at Stripe, the success page.
    page.goto(f"{base}/coaches/")
    shoot(page, "14-coaches")
    page.goto(f"{base}/coaches/{coach.slug}/")
    shoot(page, "15-coach-page")
    page.goto(f"{base}/coaching/")
    shoot(page, "16-my-coaching")
    page.goto(f"{base}/coaching/contracts/{contract.number}/")
    shoot(page, "17-contract")
    page.click("form[action$='/pay/'] button")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4242 4242 4242 4242", email=False)
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/paid/\?session_id=cs_"))
    shoot(page, "18-contract-paid")
    page.goto(f"{base}/accounts/profile/")
    shoot(page, "19-profile")

    # Staff: the console's own pages and Django's widgets (date pickers, filters, the sales chart).
    page.context.clear_cookies()
    log_in(page, base, VerifiedUserFactory(email="boss@innerwork.test", is_staff=True, is_superuser=True))
    for number, (name, path) in enumerate(
        [
            ("console", "/admin/"),
            ("orders", "/admin/commerce/order/"),
            ("order", f"/admin/commerce/order/{order.pk}/change/"),
            ("sales", "/admin/commerce/order/sales/"),
            ("coupon-add", "/admin/commerce/coupon/add/"),
            ("coupon-bulk", "/admin/commerce/coupon/bulk/"),
            ("enrollments", "/admin/courses/enrollment/"),
            ("contract", f"/admin/coaching/contract/{contract.pk}/change/"),
            ("user", f"/admin/accounts/user/{customer.pk}/change/"),
        ],
        start=20,
    ):
        assert page.goto(f"{base}{path}").status == 200, path
        shoot(page, f"{number}-staff-{name}")
    page.goto(f"{base}/admin/commerce/coupon/add/")
    page.click(".datetimeshortcuts a:has-text('Today')")
    page.click(".datetimeshortcuts a[id^='calendarlink']")
    assert page.locator(".calendarbox").first.is_visible()
    shoot(page, "29-staff-date-picker")

    # The partner API's docs, offline: Swagger UI renders the operations, ReDoc its pages.
    page.goto(f"{base}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    shoot(page, "30-api-docs", full_page=False)  # the operations run for pages; the top shows the styling
    page.goto(f"{base}/api/v1/redoc/")
    page.wait_for_selector(".api-content h1", timeout=20_000)
    shoot(page, "31-api-redoc", full_page=False)

    assert [message for message in violations if REDOC_LOGO not in message] == []
