"""Staff console: managing the catalogue and granting or revoking enrollments."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from courses.admin import PRICE_TOO_PRECISE, PUBLISH_NEEDS_LESSONS
from courses.models import Course, Enrollment, EnrollmentEvent
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    LessonProgressFactory,
    ModuleFactory,
    course_with_lessons,
)
from innerwork.accounts.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

COURSES = reverse("admin:courses_course_changelist")
ENROLLMENTS = reverse("admin:courses_enrollment_changelist")
GRANT = reverse("admin:courses_enrollment_grant")


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def _listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Catalogue -----------------------------------------------------------------------------------------


def test_staff_create_a_course_typing_the_price_in_dollars(client, staff):
    # given a category and an instructor
    category = CategoryFactory()
    instructor = UserFactory()

    # when staff fill in the add form with "49.00"
    response = client.post(
        reverse("admin:courses_course_add"),
        {
            "title": "Stoic Habits",
            "slug": "stoic-habits",
            "subtitle": "Ancient tools for modern weeks.",
            "category": category.pk,
            "level": "beginner",
            "instructor": instructor.pk,
            "description": "Learn **well**.",
            "what_you_learn": "One\nTwo",
            "price": "49.00",
            "currency": "usd",
            "completion_rule": "lessons",
            "pass_mark_percent": "70",
            "modules-TOTAL_FORMS": "1",
            "modules-INITIAL_FORMS": "0",
            "modules-0-position": "0",
            "modules-0-title": "Getting started",
        },
    )

    # then the course is a draft priced in cents, with its module
    assert response.status_code == 302, response.context["adminform"].form.errors
    course = Course.objects.get(slug="stoic-habits")
    assert course.price_amount == 4900
    assert course.is_published is False
    assert list(course.modules.values_list("title", flat=True)) == ["Getting started"]


@pytest.mark.parametrize(
    ("currency", "price", "message"),
    [
        ("usd", "49.005", "Ensure that there are no more than 2 decimal places."),
        ("jpy", "4900.50", PRICE_TOO_PRECISE),  # yen have no minor unit
    ],
)
def test_a_price_finer_than_the_currency_allows_is_refused(client, staff, currency, price, message):
    # given a course
    course = CourseFactory(price_amount=4900, currency=currency)
    url = reverse("admin:courses_course_change", args=[course.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update(
        {
            "category": course.category_id,
            "instructor": course.instructor_id,
            "price": price,
            "modules-TOTAL_FORMS": "0",
            "modules-INITIAL_FORMS": "0",
        }
    )

    # when staff save a price with too many decimals
    response = client.post(url, data)

    # then the form says so and the price is unchanged
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["price"]
    course.refresh_from_db()
    assert course.price_amount == 4900


def test_staff_change_the_price_of_a_course(client, staff):
    course = CourseFactory(price_amount=4900)
    url = reverse("admin:courses_course_change", args=[course.pk])
    form = client.get(url).context["adminform"].form
    assert form.initial["price"] == Decimal("49.00")
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update({"category": course.category_id, "instructor": course.instructor_id, "price": "59.50"})
    data.update({"modules-TOTAL_FORMS": "0", "modules-INITIAL_FORMS": "0"})

    response = client.post(url, data)

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.price_amount == 5950


def test_course_change_page_shows_modules_in_position_order_with_lesson_links(client, staff):
    course = CourseFactory()
    later = ModuleFactory(course=course, title="Later", position=2)
    first = ModuleFactory(course=course, title="First", position=1)
    LessonFactory(module=first, duration_minutes=7)

    response = client.get(reverse("admin:courses_course_change", args=[course.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('value="First"') < html.index('value="Later"')
    assert "1 lessons · 7 min" in html
    assert reverse("admin:courses_module_change", args=[first.pk]) in html
    assert reverse("admin:courses_module_change", args=[later.pk]) in html


def test_module_page_edits_its_lessons_inline_in_position_order(client, staff):
    module = ModuleFactory()
    LessonFactory(module=module, title="Second", position=2)
    LessonFactory(module=module, title="First", position=1)

    response = client.get(reverse("admin:courses_module_change", args=[module.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('value="First"') < html.index('value="Second"')


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "stoic"}, {"Stoic Habits"}),
        ({"q": "okafor"}, {"Stoic Habits"}),
        ({"published": "no"}, {"Draft Course"}),
        ({"published": "yes"}, {"Stoic Habits", "Free Course"}),
        ({"price": "free"}, {"Free Course"}),
        ({"price": "paid"}, {"Stoic Habits", "Draft Course"}),
        ({"level__exact": "advanced"}, {"Draft Course"}),
    ],
)
def test_course_list_searches_and_filters(client, staff, params, expected):
    CourseFactory(title="Stoic Habits", instructor=UserFactory(full_name="Amara Okafor"), level="beginner")
    CourseFactory(title="Free Course", price_amount=0, level="beginner", instructor=UserFactory(full_name="Ben Ito"))
    CourseFactory(
        title="Draft Course",
        is_published=False,
        published_at=None,
        level="advanced",
        instructor=UserFactory(full_name="Lena Vogt"),
    )

    listed = _listed(client.get(COURSES, params))

    assert {course.title for course in listed} == expected


def test_course_list_filters_by_category(client, staff):
    leadership = CategoryFactory(name="Leadership", slug="leadership")
    CourseFactory(title="Lead", category=leadership)
    CourseFactory(title="Other")

    listed = _listed(client.get(COURSES, {"category__id__exact": leadership.pk}))

    assert [course.title for course in listed] == ["Lead"]


def test_publish_action_publishes_drafts_with_lessons_and_keeps_empty_ones_as_drafts(client, staff):
    # given a draft with lessons and an empty draft
    ready = course_with_lessons(title="Ready", is_published=False, published_at=None)
    empty = CourseFactory(title="Empty", is_published=False, published_at=None)

    # when staff publish both
    response = client.post(COURSES, {"action": "publish", ACTION_CHECKBOX_NAME: [ready.pk, empty.pk]}, follow=True)

    # then only the one with lessons goes live, and staff are told why the other did not
    ready.refresh_from_db()
    empty.refresh_from_db()
    assert ready.is_published
    assert ready.published_at is not None
    assert not empty.is_published
    assert PUBLISH_NEEDS_LESSONS.format(course="Empty") in _messages(response)
    assert "Published 1 course." in _messages(response)


def test_unpublish_action_hides_the_course_from_the_catalogue(client, staff):
    course = course_with_lessons(title="Going away")

    client.post(COURSES, {"action": "unpublish", ACTION_CHECKBOX_NAME: [course.pk]})

    course.refresh_from_db()
    assert not course.is_published
    assert course.published_at is None
    client.logout()
    assert client.get(course.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "url_name",
    ["admin:courses_category_changelist", "admin:courses_lesson_changelist", "admin:courses_course_add"],
)
def test_other_catalogue_pages_open(client, staff, url_name):
    lesson = LessonFactory()
    CategoryFactory()

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    if url_name == "admin:courses_lesson_changelist":
        assert lesson.title in response.content.decode()


# Enrollments ------------------------------------------------------------------------------------------


def test_enrollment_list_shows_progress_and_can_be_searched_and_filtered(client, staff):
    # given two learners, one 1/3 through a course
    course = course_with_lessons(title="Calm", modules=1, lessons_per_module=3)
    ada = EnrollmentFactory(user=UserFactory(email="ada@example.com"), course=course)
    LessonProgressFactory(enrollment=ada, lesson=course.modules.get().lessons.first())
    EnrollmentFactory(user=UserFactory(email="bo@example.com"), status=Enrollment.Status.REVOKED)

    # when staff look, search and filter
    everything = client.get(ENROLLMENTS)
    searched = _listed(client.get(ENROLLMENTS, {"q": "ada@"}))
    revoked = _listed(client.get(ENROLLMENTS, {"status__exact": "revoked"}))

    # then
    assert "33 % (1/3)" in everything.content.decode()
    assert [e.user.email for e in searched] == ["ada@example.com"]
    assert [e.user.email for e in revoked] == ["bo@example.com"]
    assert f'href="{GRANT}"' in everything.content.decode()


def test_staff_grant_a_gifted_enrollment_by_choosing_learner_and_course(client, staff):
    # given a learner and a paid course
    learner = UserFactory()
    course = CourseFactory(price_amount=9900)

    # when staff open the grant form and submit it
    assert client.get(GRANT).status_code == 200
    response = client.post(GRANT, {"user": learner.pk, "course": course.pk, "reason": "Support ticket 4211"})

    # then the learner has a gifted enrollment recorded with who and why
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert response.status_code == 302
    assert response.url == reverse("admin:courses_enrollment_change", args=[enrollment.pk])
    assert enrollment.type == Enrollment.Type.GIFTED
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.granted_by == staff
    event = enrollment.events.get()
    assert (event.actor, event.reason) == (staff, "Support ticket 4211")


def test_grant_form_requires_a_learner_and_a_course(client, staff):
    response = client.post(GRANT, {"reason": "no one"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"user", "course"}
    assert not Enrollment.objects.exists()


def test_grant_action_reopens_revoked_enrollments_after_asking_for_a_reason(client, staff):
    # given a revoked enrollment
    enrollment = EnrollmentFactory(status=Enrollment.Status.REVOKED)
    selection = {"action": "grant_selected", ACTION_CHECKBOX_NAME: [enrollment.pk]}

    # when staff choose the action, they first see a confirmation page
    confirm = client.post(ENROLLMENTS, selection)
    assert confirm.status_code == 200
    assert "Grant these enrollments as gifts" in confirm.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REVOKED

    # and applying it re-opens the enrollment as a gift
    client.post(ENROLLMENTS, {**selection, "apply": "1", "reason": "Goodwill"})
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.type == Enrollment.Type.GIFTED
    assert enrollment.events.last().reason == "Goodwill"


def test_revoke_action_needs_a_reason_and_records_it(client, staff):
    # given an active enrollment
    enrollment = EnrollmentFactory()
    selection = {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [enrollment.pk], "apply": "1"}

    # when staff apply without a reason
    refused = client.post(ENROLLMENTS, {**selection, "reason": ""})

    # then nothing happens and the form says so
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"]
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE

    # when they give one
    client.post(ENROLLMENTS, {**selection, "reason": "Chargeback"})

    # then the enrollment is revoked with the reason on record
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REVOKED
    event = EnrollmentEvent.objects.filter(enrollment=enrollment).last()
    assert (event.from_status, event.to_status, event.reason, event.actor) == ("active", "revoked", "Chargeback", staff)


def test_revoking_an_enrollment_that_cannot_be_revoked_is_reported_not_a_500(client, staff):
    # given a refunded enrollment (refunded → revoked is not an allowed transition)
    refunded = EnrollmentFactory(status=Enrollment.Status.REFUNDED)

    # when staff try to revoke it
    response = client.post(
        ENROLLMENTS,
        {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [refunded.pk], "apply": "1", "reason": "Oops"},
        follow=True,
    )

    # then they are told, and it stays refunded
    assert response.status_code == 200
    assert any("cannot go from refunded to revoked" in message for message in _messages(response))
    assert "Revoked 0 enrollments." in _messages(response)
    refunded.refresh_from_db()
    assert refunded.status == Enrollment.Status.REFUNDED


def test_enrollment_change_page_is_read_only(client, staff):
    enrollment = EnrollmentFactory()
    url = reverse("admin:courses_enrollment_change", args=[enrollment.pk])

    client.post(url, {"status": "revoked", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert client.get(reverse("admin:courses_enrollment_add")).status_code == 403
    assert client.get(reverse("admin:courses_enrollment_delete", args=[enrollment.pk])).status_code == 403
    assert 'name="_save"' not in client.get(url).content.decode()


def test_learners_cannot_reach_the_grant_page(client):
    client.force_login(UserFactory())

    response = client.get(GRANT)

    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_staff_with_view_only_permission_cannot_grant(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_enrollment"))
    client.force_login(viewer)
    learner, course = UserFactory(), CourseFactory()

    assert client.get(ENROLLMENTS).status_code == 200
    assert client.post(GRANT, {"user": learner.pk, "course": course.pk}).status_code == 403
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("30", 30), ("", None)], ids=["30-days", "lifetime"])
def test_staff_set_a_courses_access_period(client, staff, typed, stored):
    course = CourseFactory(price_amount=4900, access_days=365)
    url = reverse("admin:courses_course_change", args=[course.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update({"category": course.category_id, "instructor": course.instructor_id, "access_days": typed})
    data.update({"modules-TOTAL_FORMS": "0", "modules-INITIAL_FORMS": "0"})

    response = client.post(url, data)

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.access_days == stored
