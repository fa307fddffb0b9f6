"""The learning pages on a phone (390 px) and a laptop (1280 px): no sideways scrolling, key content visible.

Screenshots of every page and state land in artifacts/screenshots/ to be looked at.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses import services
from courses.models import Enrollment, Lesson, LessonProgress
from courses.tests.factories import CategoryFactory, course_with_lessons
from innerwork.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory, VerifiedUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

LESSON_BODY = """Stress is not the enemy; **unrecovered** stress is. This lesson gives you a three-step reset.

## The three-step reset

1. Notice the signal: jaw, shoulders, breath.
2. Name it in one word.
3. Breathe out longer than you breathe in.

> "Between stimulus and response there is a space." — a line worth keeping on a sticky note.

| Step | Time | Where |
|---|---|---|
| Notice | 10 s | anywhere |
| Breathe | 60 s | at your desk |

Try it `three times` today and write down what changed.
"""


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
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        assert_no_sideways_scroll(page)
        page.shot(f"{name}-{label}")
    page.set_viewport_size(VIEWPORTS["laptop"])


@pytest.fixture
def learner_with_history():
    """A learner with three courses at different progress and lessons spread over recent weeks."""
    user = VerifiedUserFactory(full_name="Sam Rivera")
    wellbeing = CategoryFactory(name="Wellbeing", slug="wellbeing")
    career = CategoryFactory(name="Career", slug="career")
    specs = [
        ("Calm Under Pressure: Practical Stress Skills", wellbeing, 3, 4, 5),
        ("Deep Work for Busy People", career, 2, 3, 2),
        ("Sleep Better in 30 Days", wellbeing, 1, 4, 4),
    ]
    now = timezone.now()
    courses = []
    for title, category, modules, per_module, done in specs:
        course = course_with_lessons(
            modules=modules,
            lessons_per_module=per_module,
            price_amount=0,
            title=title,
            category=category,
            instructor=UserFactory(full_name="Maya Chen"),
        )
        Lesson.objects.filter(module__course=course).update(body=LESSON_BODY, duration_minutes=14)
        for index, module in enumerate(course.modules.all()):
            module.title = ["Foundations", "Everyday practice", "Making it stick"][index]
            module.save()
        enrollment = services.enrollment_create(user=user, course=course, type=Enrollment.Type.FREE)
        for offset, lesson in enumerate(Lesson.objects.filter(module__course=course)[:done]):
            services.lesson_complete(enrollment=enrollment, lesson=lesson)
            LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).update(
                completed_at=now - datetime.timedelta(days=4 * offset + 3 * len(courses))
            )
        courses.append(course)
    return user, courses


def test_lesson_dashboard_and_certificate_pages_fit_phone_and_laptop(live_server, page, learner_with_history):
    user, (calm, _deep, sleep) = learner_with_history
    base = live_server.url

    # an anonymous visitor reading a free preview
    preview = Lesson.objects.filter(module__course=calm, is_preview=True).first()
    page.goto(f"{base}/courses/{calm.slug}/lessons/{preview.pk}/")
    expect(page.get_by_text("You're reading a free preview.")).to_be_visible()
    shoot_both(page, "preview-anonymous")

    log_in(page, base, user)

    # a lesson in the middle of a course
    page.goto(f"{base}/courses/{calm.slug}/learn/")
    expect(page.get_by_role("button", name="Mark complete")).to_be_visible()
    expect(page.locator("main").get_by_role("progressbar").first).to_be_visible()
    shoot_both(page, "lesson-in-progress")

    # the dashboard with several courses and weeks of activity
    page.goto(f"{base}/dashboard/")
    expect(page.get_by_role("img", name="Lessons completed per week, last 12 weeks")).to_be_visible()
    shoot_both(page, "dashboard")
    page.goto(f"{base}/dashboard/?status=in-progress&category=wellbeing")
    expect(page.get_by_text("Calm Under Pressure: Practical Stress Skills")).to_be_visible()
    shoot_both(page, "dashboard-filtered")

    # the finished course and its certificate
    page.goto(f"{base}/courses/{sleep.slug}/learn/")
    expect(page.get_by_role("link", name="Download certificate (PDF)")).to_be_visible()
    shoot_both(page, "lesson-course-complete")
    enrollment = Enrollment.objects.get(user=user, course=sleep)
    page.goto(f"{base}{enrollment.certificate.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Verified certificate")).to_be_visible()
    shoot_both(page, "verify-valid")

    # a withdrawn certificate and an unknown code
    services.enrollment_revoke(enrollment=enrollment, actor=StaffFactory(), reason="Test of the withdrawn state")
    page.goto(f"{base}{enrollment.certificate.get_absolute_url()}")
    expect(page.get_by_role("heading", name="This certificate is no longer valid")).to_be_visible()
    shoot_both(page, "verify-withdrawn")
    response = page.goto(f"{base}/certificates/NOTAREALCODE/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="We couldn't find this certificate")).to_be_visible()
    shoot_both(page, "verify-unknown")


def test_new_learner_sees_a_welcoming_empty_dashboard(live_server, page):
    user = VerifiedUserFactory(full_name="Noor Haddad")

    log_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/dashboard/")

    expect(page.get_by_text("Your learning starts here.")).to_be_visible()
    expect(page.get_by_role("link", name="Find a course")).to_be_visible()
    shoot_both(page, "dashboard-empty")
