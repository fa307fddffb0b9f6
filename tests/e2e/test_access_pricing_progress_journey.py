"""Access periods, the pricing page and progress analytics in a real browser (laptop and phone).

An expired course is on the dashboard as "Expired" with "Buy again"; buying it again with 4242 on the
Stripe emulator's page opens its lessons again, progress kept. The pricing page and the progress page are
looked at on both widths.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.tests.factories import PackageOfferFactory
from courses import services
from courses.models import Enrollment, Lesson, LessonProgress
from mentorship.models import MentorProfile
from mentorship.tests.factories import MentorProfileFactory
from tests.e2e.test_checkout_journeys import HOSTED_PAGE, fill_card, log_in, pay_button, shoot_both

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def lessons(course):
    return list(Lesson.objects.filter(module__course=course))


def expired_enrollment(customer, course, *, days=30, bought_days_ago=40, done=2):
    """The customer bought `course` (a `days`-day access) `bought_days_ago` days ago and did `done` lessons."""
    course.access_days = days
    course.save(update_fields=["access_days"])
    bought = timezone.now() - timedelta(days=bought_days_ago)
    enrollment = services.enrollment_create(user=customer, course=course, type=Enrollment.Type.PAID, access_from=bought)
    for lesson in lessons(course)[:done]:
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=bought + timedelta(days=1))
    return enrollment


def test_an_expired_course_is_bought_again_with_4242_and_opens_again(page, shop):
    base, customer, calm, kind = shop["base"], shop["customer"], shop["calm"], shop["kind"]
    enrollment = expired_enrollment(customer, calm)
    kind.access_days = 365
    kind.save(update_fields=["access_days"])
    services.enrollment_create(user=customer, course=kind, type=Enrollment.Type.PAID)
    log_in(page, base, customer)

    # The dashboard: one course expired with "Buy again", the other open until a date a year from now.
    page.goto(f"{base}/dashboard/")
    calm_row = page.locator(".dash-course", has_text=calm.title)
    expect(calm_row).to_contain_text("Expired")
    expect(calm_row).to_contain_text("Access ended")
    expect(calm_row).to_contain_text("2 of 6 lessons")
    kind_row = page.locator(".dash-course", has_text=kind.title)
    expect(kind_row).to_contain_text(re.compile(r"Access until \d{1,2} \w{3} \d{4}"))
    shoot_both(page, "dashboard-expired")

    # A lesson of the expired course sends the learner to the course page, which offers to buy again.
    page.goto(f"{base}/courses/{calm.slug}/lessons/{lessons(calm)[2].pk}/")
    page.wait_for_url(f"{base}{calm.get_absolute_url()}")
    expect(page.locator(".messages, .message").first).to_contain_text("Your access to this course ended on")
    expect(page.locator(".price-box")).to_contain_text("Expired")
    shoot_both(page, "course-page-expired")

    # Buy again from the dashboard: the cart takes it, Stripe's page takes 4242.
    page.goto(f"{base}/dashboard/")
    page.locator(".dash-course", has_text=calm.title).get_by_role("button", name=f"Buy {calm.title} again").click()
    page.wait_for_url(f"{base}/cart/")
    expect(page.locator("body")).to_contain_text(calm.title)
    expect(page.locator("body")).to_contain_text("$49.00")
    page.shot("cart-buy-again")
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/orders/ORD-"))
    expect(page.locator(".order-status")).to_have_text("Paid")

    # Access is back for 30 days from now, the two lessons done are still done, and lessons open.
    enrollment.refresh_from_db()
    assert enrollment.has_access
    assert enrollment.expires_at > timezone.now() + timedelta(days=29)
    assert enrollment.progress.count() == 2
    page.goto(f"{base}/courses/{calm.slug}/lessons/{lessons(calm)[2].pk}/")
    expect(page).to_have_url(f"{base}/courses/{calm.slug}/lessons/{lessons(calm)[2].pk}/")
    expect(page.locator("main")).to_contain_text(lessons(calm)[2].title)
    page.goto(f"{base}/dashboard/")
    calm_row = page.locator(".dash-course", has_text=calm.title)
    expect(calm_row).to_contain_text("Access until")
    expect(calm_row).not_to_contain_text("Expired")
    shoot_both(page, "dashboard-renewed")
    shop["emulator"].wait_for_webhooks()


def test_the_pricing_page(page, shop):
    base = shop["base"]
    free = shop["focus"]
    free.price_amount = 0
    free.save(update_fields=["price_amount"])
    MentorProfileFactory(status=MentorProfile.Status.APPROVED, hourly_rate_amount=9000, session_lengths=[30, 60])
    MentorProfileFactory(status=MentorProfile.Status.APPROVED, hourly_rate_amount=18000, session_lengths=[60])
    PackageOfferFactory(price_amount=45000)
    PackageOfferFactory(price_amount=96000)

    # A visitor finds it in the header.
    page.goto(f"{base}/")
    page.locator("header .site-nav").get_by_role("link", name="Pricing").click()
    page.wait_for_url(f"{base}/pricing/")

    kinds = page.locator(".pricing-kind")
    expect(kinds).to_have_count(3)
    expect(kinds.nth(0)).to_contain_text("From $49.00")
    expect(kinds.nth(0)).to_contain_text("up to $79.00")
    expect(kinds.nth(0)).to_contain_text("1 free course")
    expect(kinds.nth(1)).to_contain_text("From $45.00")
    expect(kinds.nth(2)).to_contain_text("From $450.00")
    expect(page.locator("body")).to_contain_text("Ask within 14 days of paying")
    expect(page.locator("body")).to_contain_text("Cancel 48 hours or more before the session")
    expect(page.locator("body")).to_contain_text("Visa, Mastercard")
    shoot_both(page, "pricing")

    # The footer links to it too.
    expect(page.locator("footer").get_by_role("link", name="Pricing & refunds")).to_have_attribute("href", "/pricing/")


def test_the_progress_page_and_its_csv(page, shop):
    base, customer, calm, kind, focus = shop["base"], shop["customer"], shop["calm"], shop["kind"], shop["focus"]
    now = timezone.now()
    # Calm: 4 lessons on the last three days (a 3-day streak); Leading: 1 lesson three weeks ago; Focus: none.
    for course, moments in (
        (calm, [now - timedelta(days=2), now - timedelta(days=1), now - timedelta(days=1, hours=1), now]),
        (kind, [now - timedelta(weeks=3)]),
        (focus, []),
    ):
        enrollment = services.enrollment_create(user=customer, course=course, type=Enrollment.Type.PAID)
        for lesson, moment in zip(lessons(course), moments, strict=False):
            LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=moment)
    log_in(page, base, customer)

    page.goto(f"{base}/dashboard/")
    page.get_by_role("link", name="My progress").click()
    page.wait_for_url(f"{base}/dashboard/progress/")

    expect(page.locator(".dash-stats")).to_contain_text("Current streak")
    expect(page.locator(".progress-table").first).to_contain_text("Mindfulness")
    expect(page.locator(".progress-table").nth(1)).to_contain_text("4 of 6 lessons")
    expect(page.locator(".dash-chart")).to_contain_text("Minutes learned per week")
    shoot_both(page, "progress")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "Row,Name,Category,Lessons done,Lessons in total,Percent done,Minutes learned,"
        "Exercises passed,Exercises in total"
    )
    assert "course,Calm Under Pressure,Mindfulness,4,6,66," in text
