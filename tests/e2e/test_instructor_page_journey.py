"""An instructor edits their own page in a real browser, at laptop and phone widths, and learners see it.

Screenshots land in /tmp/shots-reviews15/ (instructor-laptop, instructor-phone) to be looked at.
"""

import tempfile
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from courses.models import InstructorProfile
from innerwork.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "shots-reviews15"
WIDTHS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", list(WIDTHS))
def test_instructor_edits_their_page_and_a_visitor_sees_it_from_the_course_card(browser, shop, width):
    base, calm = shop["base"], shop["calm"]
    # the course's instructor, with a verified address so they can log in
    instructor = calm.instructor
    EmailAddress.objects.create(user=instructor, email=instructor.email, verified=True, primary=True)
    context = browser.new_context(viewport=WIDTHS[width], locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    folder = SHOTS / f"instructor-{width}"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(name: str):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    # the instructor signs in and opens their edit page
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='login']", instructor.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(f"{base}/instructors/me/edit/")
    shot("01-edit-empty")

    # a LinkedIn field pointing elsewhere is refused with the reason
    page.get_by_label("Headline").fill("Mindfulness teacher and former nurse")
    page.get_by_label("Bio").fill("I teach **calm** for busy people.\n\n<script>alert('x')</script>")
    page.get_by_label("LinkedIn").fill("https://evil.example/in/maya")
    page.get_by_role("button", name="Save page").click()
    expect(page.locator(".field__error")).to_contain_text("Enter a LinkedIn address")
    shot("02-edit-refused")

    # corrected, the page is saved and shown
    page.get_by_label("LinkedIn").fill("https://www.linkedin.com/in/maya-okafor")
    page.get_by_label("Website").fill("maya.example")
    page.get_by_role("button", name="Save page").click()
    profile = InstructorProfile.objects.get(user=instructor)
    page.wait_for_url(f"**{profile.get_absolute_url()}")
    expect(page.locator(".instructor-profile__headline")).to_have_text("Mindfulness teacher and former nurse")
    expect(page.locator(".instructor-links a", has_text="LinkedIn")).to_have_attribute(
        "href", "https://www.linkedin.com/in/maya-okafor"
    )
    expect(page.locator(".instructor-links a", has_text="Website")).to_have_attribute("href", "https://maya.example")
    shot("03-own-page")

    # a visitor reaches the page from the course card's instructor link
    context.clear_cookies()
    page.goto(f"{base}/")
    page.locator(".course-card", has_text="Calm Under Pressure").get_by_role("link", name="Maya Okafor").click()
    page.wait_for_url(f"**{profile.get_absolute_url()}")
    expect(page.locator(".instructor-profile__bio strong")).to_have_text("calm")
    expect(page.get_by_role("link", name="Edit your page")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot("04-visitor-view")
    context.close()
