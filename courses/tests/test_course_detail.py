"""A course's page: what it promises, what it contains, and the one next step for this visitor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrollment
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    course_with_lessons,
)
from innerwork.accounts.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(client, course):
    return client.get(reverse("courses:detail", kwargs={"slug": course.slug}))


def _lesson_url(course, lesson):
    return reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": lesson.pk})


def test_course_page_shows_summary_facts_and_rendered_description(client):
    # given a course with outcomes and a Markdown description
    course = CourseFactory(
        title="Calm Under Pressure",
        subtitle="Stay steady when everything is urgent.",
        category=CategoryFactory(name="Mindfulness & Wellbeing", slug="mindfulness"),
        instructor=UserFactory(full_name="Amara Okafor"),
        level="intermediate",
        description="You will **practise** daily.\n\n- breathe\n- notice",
        what_you_learn="Name your stress signals\n\n  Reset in ninety seconds  \n",
    )
    module = ModuleFactory(course=course)
    LessonFactory(module=module, duration_minutes=45)
    LessonFactory(module=module, duration_minutes=40)

    # when a visitor opens it
    response = _page(client, course)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="course-hero__title">Calm Under Pressure</h1>' in html
    assert "Stay steady when everything is urgent." in html
    assert 'Taught by <strong><a href="/instructors/amara-okafor/">Amara Okafor</a></strong>' in html
    assert "Mindfulness &amp; Wellbeing</a>" in html
    assert "Intermediate" in html
    assert "</span> 2</li>" in html  # lessons
    assert "1 h 25 min" in html
    assert "You will <strong>practise</strong> daily." in html
    assert "<li>breathe</li>" in html
    assert "<li>Name your stress signals</li>" in html
    assert "<li>Reset in ninety seconds</li>" in html


def test_description_is_sanitised_so_no_script_runs(client):
    # given a description with script, an event handler and a javascript: link
    course = CourseFactory(
        description=(
            "Hello <script>alert('x')</script>\n\n"
            '<img src="x.png" onerror="alert(1)">\n\n'
            "[click](javascript:alert(1))"
        )
    )

    # when shown
    html = _page(client, course).content.decode()

    # then none of it survives
    assert "alert(" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_syllabus_lists_modules_and_lessons_in_order_with_durations_and_preview_links(client):
    # given modules and lessons created out of order; one preview lesson
    course = CourseFactory()
    second = ModuleFactory(course=course, title="Second module", position=2)
    first = ModuleFactory(course=course, title="First module", position=1)
    LessonFactory(module=second, title="Lesson B2", position=2, duration_minutes=12)
    LessonFactory(module=second, title="Lesson B1", position=1, duration_minutes=8)
    preview = LessonFactory(module=first, title="Lesson A1", position=1, duration_minutes=75, is_preview=True)
    locked = LessonFactory(module=first, title="Lesson A2", position=2)

    # when a visitor reads the page
    html = _page(client, course).content.decode()

    # then modules and lessons follow their positions
    order = [html.index(text) for text in ("First module", "Lesson A1", "Lesson A2", "Second module", "Lesson B1")]
    assert order == sorted(order)
    assert html.index("Lesson B1") < html.index("Lesson B2")
    # and the preview is linked and marked, the others are not linked
    assert f'href="{_lesson_url(course, preview)}">Lesson A1</a>' in html
    assert '<span class="badge">Preview</span>' in html
    assert html.count('<span class="badge">Preview</span>') == 1
    assert _lesson_url(course, locked) not in html
    assert "1 h 15 min" in html
    assert "8 min" in html


def test_enrolled_learner_can_open_every_lesson_from_the_syllabus(client):
    # given an enrolled learner
    course = course_with_lessons(modules=1, lessons_per_module=3)
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)

    # when reading the course page
    html = _page(client, course).content.decode()

    # then every lesson is a link
    for module in course.modules.all():
        for lesson in module.lessons.all():
            assert _lesson_url(course, lesson) in html


def test_visitor_is_invited_to_sign_up_to_enroll_in_a_free_course(client):
    # given a free course
    course = CourseFactory(price_amount=0)

    # when a visitor reads it
    html = _page(client, course).content.decode()

    # then "Enroll for free" leads to sign-up and comes back here
    next_param = f"?next={course.get_absolute_url()}"
    assert f'href="{reverse("account_signup")}{next_param}">Enroll for free</a>' in html
    assert f'href="{reverse("account_login")}{next_param}">Log in</a>' in html


def test_signed_in_learner_enrolls_in_a_free_course_with_a_post_form(client):
    # given a signed-in learner and a free course
    course = CourseFactory(price_amount=0)
    client.force_login(UserFactory())

    # when reading it
    html = _page(client, course).content.decode()

    # then the button posts to the enroll route with a CSRF token
    assert f'<form method="post" action="{reverse("courses:enroll", kwargs={"slug": course.slug})}">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert ">Enroll for free</button>" in html
    assert "Continue learning" not in html


@pytest.mark.parametrize(
    ("status", "badge"), [(Enrollment.Status.ACTIVE, "Enrolled"), (Enrollment.Status.COMPLETED, "Completed")]
)
def test_enrolled_learner_is_offered_to_continue_instead_of_enrolling(client, status, badge):
    # given a learner enrolled in a free course
    course = CourseFactory(price_amount=0)
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course, status=status)
    client.force_login(learner)

    # when reading the course page
    html = _page(client, course).content.decode()

    # then the box links to where they left off
    assert f'href="{reverse("courses:resume", kwargs={"slug": course.slug})}">Continue learning</a>' in html
    assert f'<span class="badge badge--success">{badge}</span>' in html
    assert "Enroll for free" not in html


def test_learner_whose_enrollment_was_revoked_is_offered_to_enroll_again(client):
    # given a revoked enrollment in a free course
    course = CourseFactory(price_amount=0)
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course, status=Enrollment.Status.REVOKED)
    client.force_login(learner)

    # when reading the page
    html = _page(client, course).content.decode()

    # then they are not told to continue
    assert "Continue learning" not in html
    assert ">Enroll for free</button>" in html


def test_paid_course_shows_price_add_to_cart_and_save_to_wishlist(client):
    # given a paid course
    course = CourseFactory(price_amount=4900, currency="usd")
    client.force_login(UserFactory())

    # when reading it
    html = _page(client, course).content.decode()

    # then the price is shown with the commerce buy box (Add to cart, Save to wishlist)
    assert '<p class="price-box__price price">$49.00</p>' in html
    assert f'action="{reverse("commerce:cart_add")}"' in html
    assert f'<input type="hidden" name="ref" value="{course.pk}">' in html
    assert ">Add to cart</button>" in html
    assert "Save to wishlist</button>" in html
    assert reverse("courses:enroll", kwargs={"slug": course.slug}) not in html


def test_unknown_slug_gives_the_styled_404(client):
    # when a course does not exist
    response = client.get(reverse("courses:detail", kwargs={"slug": "no-such-course"}))

    # then the site's own 404 page is shown
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "errors/404.html" in [template.name for template in response.templates]


@pytest.mark.parametrize("who", ["visitor", "learner", "enrolled learner"])
def test_draft_course_is_a_404_for_everyone_but_staff(client, who):
    # given a draft course, perhaps with an enrollment from before it was unpublished
    course = CourseFactory(is_published=False, published_at=None)
    if who != "visitor":
        learner = UserFactory()
        client.force_login(learner)
        if who == "enrolled learner":
            EnrollmentFactory(user=learner, course=course)

    # when they open it
    response = _page(client, course)

    # then it does not exist for them
    assert response.status_code == 404
    assert course.title not in response.content.decode()


def test_staff_preview_a_draft_with_a_draft_banner(client):
    # given a draft course
    course = CourseFactory(title="Work in progress", is_published=False, published_at=None)
    client.force_login(StaffFactory())

    # when staff open it
    response = _page(client, course)

    # then they see it, clearly labelled
    html = response.content.decode()
    assert response.status_code == 200
    assert "Work in progress" in html
    assert '<p class="draft-banner" role="status"><strong>Draft</strong>' in html


def test_published_course_has_no_draft_banner(client):
    course = CourseFactory()
    client.force_login(StaffFactory())

    assert "draft-banner" not in _page(client, course).content.decode()


def test_course_page_answers_get_and_head_only(client):
    course = CourseFactory()
    url = reverse("courses:detail", kwargs={"slug": course.slug})

    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def _queries_for_page(client, course) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = _page(client, course)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True])
def test_course_page_query_count_does_not_grow_with_syllabus_or_catalogue_size(client, signed_in):
    # given a small course in a catalogue of 3, and a large course in a catalogue of 300
    learner = UserFactory()
    if signed_in:
        client.force_login(learner)
    small = course_with_lessons(modules=1, lessons_per_module=2)
    CourseFactory.create_batch(2)
    large = course_with_lessons(modules=8, lessons_per_module=6)
    CourseFactory.create_batch(297)
    for course in (small, large):
        EnrollmentFactory(user=learner, course=course)
        EnrollmentFactory.create_batch(3, course=course)

    # when each page is rendered
    small_queries = _queries_for_page(client, small)
    large_queries = _queries_for_page(client, large)

    # then both cost the same number of queries
    assert small_queries == large_queries
