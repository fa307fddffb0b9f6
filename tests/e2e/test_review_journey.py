"""A learner leaves a review in a real browser, at laptop and phone widths: the course page shows it
and the new average, and the instructor's page (reached from the course page) shows the average too.

The rating is recounted after the review commits (courses.figures.course_reviews_changed): here the
live server really commits, so this journey proves the stored figures follow. Screenshots land in
/tmp/shots-reviews15/ to be looked at.
"""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.models import Course, InstructorProfile
from courses.services import course_refresh_stats
from courses.tests.factories import EnrollmentFactory, ReviewFactory
from innerwork.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "shots-reviews15"
WIDTHS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
REVIEW_TEXT = "Calm, practical lessons. <b>Not bold</b> — the breathing drill works in meetings."


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='login']", user.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_learner_reviews_a_course_and_sees_it_on_the_course_and_instructor_pages(browser, shop, width):
    base, calm, learner = shop["base"], shop["calm"], shop["customer"]
    # given the learner is enrolled in "Calm Under Pressure", which two others rated 5 and 3
    EnrollmentFactory(user=learner, course=calm)
    ReviewFactory(course=calm, author=UserFactory(full_name="Tom Becker"), rating=5, text="Loved the pace.")
    ReviewFactory(course=calm, author=UserFactory(full_name="Aisha Rahman"), rating=3, text="Good, a bit short.")
    # (made directly, so counted here; a page review is counted by the recount after it commits)
    course_refresh_stats(course_ids=[calm.pk])
    profile = InstructorProfile.objects.get(user=calm.instructor)
    profile.headline = "Mindfulness teacher"
    profile.bio = "I teach **calm** for busy people."
    profile.save()

    context = browser.new_context(viewport=WIDTHS[width], locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    folder = SHOTS / width
    folder.mkdir(parents=True, exist_ok=True)

    def shot(name: str):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    log_in(page, base, learner)

    # the course page shows the average of the two reviews and invites the learner to rate
    page.goto(f"{base}{calm.get_absolute_url()}")
    reviews = page.locator("#reviews")
    expect(reviews.locator(".rating__average")).to_have_text("4.0")
    expect(reviews).to_contain_text("(2 ratings)")
    shot("01-course-page-before")
    reviews.get_by_role("link", name="Rate this course").click()

    # the learner rates it 5 and writes a review, with markup that must show as text
    page.wait_for_url(f"**{calm.get_absolute_url()}review/")
    shot("02-review-form")
    page.get_by_label("5 – Excellent").check()
    page.get_by_label("Your review").fill(REVIEW_TEXT)
    page.get_by_role("button", name="Publish review").click()

    # back on the course page: their review first, the average now (5 + 5 + 3) / 3 = 4.3
    page.wait_for_url(f"**{calm.get_absolute_url()}#reviews")
    expect(page.locator(".messages, [role=status]").first).to_contain_text("your review is saved")
    expect(reviews.locator(".review").first).to_contain_text(REVIEW_TEXT)
    expect(reviews.locator(".review").first).to_contain_text("Inès Buyer")
    expect(reviews.locator(".review b")).to_have_count(0)
    expect(reviews.locator(".rating__average")).to_have_text("4.3")
    expect(reviews).to_contain_text("(3 ratings)")
    expect(reviews.get_by_role("link", name="Edit your review")).to_be_visible()
    shot("03-course-page-after")
    assert Course.objects.get(pk=calm.pk).rating_count == 3

    # the instructor's name on the course page leads to their page, which shows the same average
    page.locator(".course-hero__instructor").get_by_role("link", name="Maya Okafor").click()
    page.wait_for_url(f"**{profile.get_absolute_url()}")
    figures = page.locator(".instructor-figures")
    expect(figures).to_contain_text("4.3 ★")
    expect(figures).to_contain_text("average from 3 ratings")
    expect(figures).to_contain_text("3 learners taught")  # the three reviewers
    expect(page.locator(".instructor-profile__bio strong")).to_have_text("calm")
    expect(page.locator(".course-card__rating .rating__average").first).to_have_text("4.3")
    shot("04-instructor-page")

    # and the catalogue card shows the average and count
    page.goto(f"{base}/")
    card = page.locator(".course-card", has_text="Calm Under Pressure")
    expect(card.locator(".rating__average")).to_have_text("4.3")
    expect(card.locator(".rating__count")).to_have_text("(3 ratings)")
    shot("05-catalogue")

    # no layout overflows sideways on either width
    for url in (calm.get_absolute_url(), profile.get_absolute_url(), f"{calm.get_absolute_url()}review/"):
        page.goto(f"{base}{url}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
