"""A new learner, end to end in a real browser: sign up, confirm, log in, learn a free course, get the certificate.

Selectors are form field names, URLs and button texts, so the journey survives restyling.
"""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from courses.models import Certificate, Enrollment, Lesson
from courses.tests.factories import CategoryFactory, course_with_lessons
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.tests.outbox import outbox_link

EMAIL = "grace.learner@example.com"
PASSWORD = "a-long-and-unusual-passphrase-42"
NAME = "Grace Hopper"

SCRIPT_LESSON = (
    "## Breathing under load\n\n"
    "Inhale for four counts, hold for four, exhale for six.\n\n"
    "<script>window.__pwned = 'script'; alert('script ran');</script>\n\n"
    '<img src="/missing.png" alt="" onerror="window.__pwned = \'onerror\'">\n\n'
    "[Harmless link](javascript:window.__pwned='link')"
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def free_course():
    course = course_with_lessons(
        modules=2,
        lessons_per_module=2,
        price_amount=0,
        title="Calm Under Pressure",
        slug="calm-under-pressure",
        subtitle="Practical stress skills for busy people.",
        category=CategoryFactory(name="Wellbeing", slug="wellbeing"),
        instructor=UserFactory(full_name="Maya Chen"),
    )
    titles = ["Why stress sticks", "Breathing under load", "Reframing the moment", "Your calm plan"]
    for lesson, title in zip(Lesson.objects.filter(module__course=course), titles, strict=True):
        lesson.title = title
        lesson.body = SCRIPT_LESSON if title == "Breathing under load" else f"## {title}\n\nPractise this *daily*."
        lesson.duration_minutes = 12
        lesson.save()
    return course


def submit(page, field_name: str):
    """Submit the form that contains the named field (whatever its button says)."""
    page.locator(f"form:has([name='{field_name}']) [type=submit]").first.click()


@pytest.mark.documents
def test_new_learner_completes_a_free_course_and_downloads_a_verified_certificate(live_server, page, free_course):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = live_server.url

    # Sign up with e-mail and password
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name='email']", EMAIL)
    page.fill("input[name='password1']", PASSWORD)
    if page.locator("input[name='password2']").count():
        page.fill("input[name='password2']", PASSWORD)
    page.shot("signup")
    submit(page, "password1")
    page.wait_for_load_state()
    page.shot("verification-sent")

    # Confirm the address from the e-mail in the outbox
    page.goto(outbox_link(to=EMAIL, kind="email_confirmation_signup", containing="/accounts/confirm-email/"))
    page.shot("confirm-email")
    page.locator("form[action*='/accounts/confirm-email/'] [type=submit]").click()
    page.wait_for_load_state()

    # Log in from a fresh session
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='login']", EMAIL)
    page.fill("input[name='password']", PASSWORD)
    page.shot("login")
    submit(page, "password")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    page.shot("dashboard-empty")

    # The name printed on the certificate
    page.goto(f"{base}/accounts/profile/")
    page.fill("input[name='full_name']", NAME)
    submit(page, "full_name")
    page.wait_for_load_state()

    # Open the free course and enroll
    page.goto(f"{base}{free_course.get_absolute_url()}")
    page.shot("course-page")
    page.locator(f"form[action='/courses/{free_course.slug}/enroll/'] [type=submit]").click()
    expect(page.locator("h1")).to_have_text("Why stress sticks")
    page.shot("lesson-1")

    # Complete every lesson through the page
    titles = ["Why stress sticks", "Breathing under load", "Reframing the moment", "Your calm plan"]
    lesson_ids = list(Lesson.objects.filter(module__course=free_course).values_list("pk", flat=True))
    for number, title in enumerate(titles, start=1):
        expect(page.locator("h1")).to_have_text(title)
        if title == "Breathing under load":
            expect(page.get_by_role("heading", name="Breathing under load", level=2)).to_be_visible()
            harmless = page.locator("a", has_text="Harmless link")
            assert harmless.get_attribute("href") is None
            harmless.click()
            page.wait_for_timeout(300)
            assert page.evaluate("window.__pwned") is None
            assert dialogs == []
            page.shot("lesson-with-script-sanitised")
        page.evaluate("window.__same_document = true")
        page.get_by_role("button", name="Mark complete").click()
        if number < len(titles):
            expect(page.locator("h1")).to_have_text(titles[number])
            expect(page).to_have_url(f"{base}/courses/{free_course.slug}/lessons/{lesson_ids[number]}/")
            # htmx moved to the next lesson without reloading the page
            assert page.evaluate("window.__same_document") is True
            page.shot(f"lesson-{number + 1}")

    # Last lesson: the completion state with the certificate
    expect(page.get_by_text("You completed Calm Under Pressure")).to_be_visible()
    page.shot("course-complete")
    page.set_viewport_size({"width": 390, "height": 844})
    page.shot("course-complete-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    enrollment = Enrollment.objects.get(user__email=EMAIL, course=free_course)
    assert enrollment.status == Enrollment.Status.COMPLETED

    # The dashboard shows 100 %
    page.goto(f"{base}/dashboard/")
    course_row = page.locator("li", has_text="Calm Under Pressure")
    expect(course_row).to_contain_text("100%")
    expect(course_row).to_contain_text("4 of 4 lessons")
    expect(course_row.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(page.get_by_role("img", name=re.compile("Lessons completed per week"))).to_be_visible()
    page.shot("dashboard-complete")
    page.set_viewport_size({"width": 390, "height": 844})
    page.shot("dashboard-complete-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Download the certificate from the last lesson
    page.goto(f"{base}/courses/{free_course.slug}/learn/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download certificate")).click()
    download = download_info.value
    content = open(download.path(), "rb").read()  # noqa: SIM115 - Playwright owns the file
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert NAME in text
    assert "Calm Under Pressure" in text
    assert certificate.code in text

    # Open its public verification page
    page.get_by_role("link", name="View verification page").click()
    expect(page.get_by_role("heading", name="Verified certificate")).to_be_visible()
    expect(page.get_by_text(NAME)).to_be_visible()
    expect(page.get_by_text("Maya Chen")).to_be_visible()
    expect(page.get_by_text(certificate.code).first).to_be_visible()
    page.shot("verify")
    page.set_viewport_size({"width": 390, "height": 844})
    page.shot("verify-phone")
