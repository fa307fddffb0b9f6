"""Partner API: GET /api/v1/courses/ and /api/v1/courses/{slug}/."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.api import COURSE_NOT_FOUND, UNKNOWN_CATEGORY
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
from innerwork.api.tests.factories import with_key

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:course-list")


@pytest.fixture
def client(client):
    """Django's test client with a partner key holding catalogue:read: the catalogue API needs one."""
    return with_key(client, scopes=["catalogue:read"])


def _detail_url(slug: str) -> str:
    return reverse("api:course-detail", kwargs={"slug": slug})


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["data"]]


def test_list_returns_published_courses_as_paginated_cards(client):
    # given a published course with 2 × 3 lessons of 10 minutes, 2 learners (one refunded), and a draft
    course = course_with_lessons(
        slug="calm-under-pressure",
        title="Calm Under Pressure",
        subtitle="Stay steady.",
        category=CategoryFactory(name="Mindfulness", slug="mindfulness"),
        instructor=UserFactory(full_name="Amara Okafor"),
        level="beginner",
        price_amount=4900,
    )
    EnrollmentFactory(course=course)
    EnrollmentFactory(course=course, status=Enrollment.Status.REFUNDED)
    CourseFactory(slug="draft", is_published=False, published_at=None)

    # when a partner lists courses
    response = client.get(LIST_URL)

    # then only the published course comes back, with its card fields
    assert response.status_code == 200
    body = response.json()
    assert (body["object"], body["has_more"]) == ("list", False)
    [item] = body["data"]
    assert item == {
        "slug": "calm-under-pressure",
        "title": "Calm Under Pressure",
        "subtitle": "Stay steady.",
        "url": "http://testserver/courses/calm-under-pressure/",
        "category": {"slug": "mindfulness", "name": "Mindfulness"},
        "level": "beginner",
        "instructor_name": "Amara Okafor",
        "price": {"amount": 4900, "currency": "usd", "display": "$49.00"},
        "is_free": False,
        "lessons_count": 6,
        "total_minutes": 60,
        "learners_count": 1,
        "published_at": item["published_at"],
    }
    assert item["published_at"].startswith(str(course.published_at.year))


def test_free_course_price_displays_free(client):
    CourseFactory(price_amount=0)

    item = client.get(LIST_URL).json()["data"][0]

    assert item["price"] == {"amount": 0, "currency": "usd", "display": "Free"}
    assert item["is_free"] is True


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"search": "stoic"}, ["stoic"]),
        ({"search": "okafor"}, ["stoic"]),
        ({"search": "feedback people"}, ["talk"]),
        ({"category": "career"}, ["talk"]),
        ({"level": "advanced"}, ["deep"]),
        ({"price": "free"}, ["stoic"]),
        ({"price": "paid"}, ["deep", "talk"]),
        ({"ordering": "newest"}, ["deep", "talk", "stoic"]),
        ({"ordering": "price_asc"}, ["stoic", "talk", "deep"]),
        ({"ordering": "price_desc"}, ["deep", "talk", "stoic"]),
        ({"ordering": "popular"}, ["talk", "stoic", "deep"]),
        ({"price": "paid", "ordering": "price_asc"}, ["talk", "deep"]),
    ],
)
def test_list_filters_and_orders_like_the_catalogue(client, params, expected):
    # given three distinct courses
    now = timezone.now()
    career = CategoryFactory(slug="career")
    stoic = CourseFactory(
        slug="stoic",
        title="Stoic Habits",
        instructor=UserFactory(full_name="Amara Okafor"),
        price_amount=0,
        published_at=now - timedelta(days=9),
    )
    CourseFactory(
        slug="deep",
        title="Deep Work",
        instructor=UserFactory(full_name="Ben Ito"),
        level="advanced",
        price_amount=9900,
        published_at=now - timedelta(days=1),
    )
    talk = CourseFactory(
        slug="talk",
        title="Hard Talks",
        description="Give feedback people can hear.",
        instructor=UserFactory(full_name="Lena Vogt"),
        category=career,
        price_amount=2900,
        published_at=now - timedelta(days=5),
    )
    EnrollmentFactory.create_batch(2, course=talk)
    EnrollmentFactory(course=stoic, status=Enrollment.Status.COMPLETED)

    # when filtering
    response = client.get(LIST_URL, params)

    # then
    assert _slugs(response) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "wizard"}, "level"),
        ({"price": "cheap"}, "price"),
        ({"ordering": "random"}, "ordering"),
        ({"category": "not a slug!"}, "category"),
        ({"search": "x" * 101}, "search"),
    ],
)
def test_invalid_filter_values_are_a_400_naming_the_parameter(client, params, field):
    CourseFactory()

    response = client.get(LIST_URL, params)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == field


def test_unknown_category_is_a_400_with_a_clear_message(client):
    CourseFactory()

    response = client.get(LIST_URL, {"category": "retired"})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "type": "invalid_request_error",
        "code": "parameter_invalid",
        "message": UNKNOWN_CATEGORY,
        "param": "category",
    }


@pytest.mark.parametrize("ordering", ["newest", "price_asc", "price_desc", "popular"])
def test_pages_of_2_walk_every_course_once_in_each_order(client, ordering):
    # given 7 courses with ties in price, publication time and learners, so only the id breaks them
    published = timezone.now() - timedelta(days=3)
    for n, price in enumerate([4900, 4900, 0, 9900, 4900, 0, 9900]):
        course = CourseFactory(price_amount=price, published_at=published - timedelta(days=n % 2))
        EnrollmentFactory.create_batch(n % 3, course=course)
    everything = _slugs(client.get(LIST_URL, {"ordering": ordering, "limit": 100}))

    # when a partner walks the list 2 at a time with starting_after
    walked, after, pages = [], None, 0
    while True:
        body = client.get(LIST_URL, {"ordering": ordering, "limit": 2, **({"starting_after": after} if after else {})})
        page = body.json()
        walked += [item["slug"] for item in page["data"]]
        pages += 1
        if not page["has_more"]:
            break
        after = walked[-1]

    # then every course comes once, in the list's own order
    assert len(everything) == 7
    assert walked == everything
    assert pages == 4


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"starting_after": "no-such-course"}, "starting_after"),
        ({"starting_after": "a%00b"}, "starting_after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "abc"}, "limit"),
    ],
)
def test_bad_cursors_and_limits_are_a_400_naming_the_parameter(client, params, param):
    CourseFactory()

    response = client.get(LIST_URL, params)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_detail_returns_the_syllabus_in_order_without_lesson_bodies(client):
    # given a course whose modules and lessons were created out of order
    course = CourseFactory(
        slug="syllabus",
        description="Learn **well**. <script>alert(1)</script>",
        what_you_learn="One thing\nAnother thing",
    )
    second = ModuleFactory(course=course, title="Second", position=2)
    first = ModuleFactory(course=course, title="First", position=1)
    LessonFactory(module=second, title="B", position=1, duration_minutes=8, body="secret body")
    LessonFactory(module=first, title="A2", position=2, duration_minutes=4, body="secret body")
    preview = LessonFactory(module=first, title="A1", position=1, duration_minutes=6, is_preview=True)

    # when a partner fetches it
    response = client.get(_detail_url("syllabus"))

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["outcomes"] == ["One thing", "Another thing"]
    assert body["description_html"] == "<p>Learn <strong>well</strong>. </p>"
    assert (body["lessons_count"], body["total_minutes"]) == (3, 18)
    assert [module["title"] for module in body["modules"]] == ["First", "Second"]
    assert body["modules"][0]["lessons"] == [
        {"id": preview.pk, "title": "A1", "duration_minutes": 6, "is_preview": True},
        {"id": body["modules"][0]["lessons"][1]["id"], "title": "A2", "duration_minutes": 4, "is_preview": False},
    ]
    assert "secret body" not in response.content.decode()


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_draft_course_is_a_404_for_non_staff(client, who):
    # given a draft
    CourseFactory(slug="draft", is_published=False, published_at=None)
    if who == "learner":
        client.force_login(UserFactory())

    # when fetched directly or listed
    detail = client.get(_detail_url("draft"))
    listed = client.get(LIST_URL)

    # then it does not exist
    assert detail.status_code == 404
    assert detail.json()["error"]["message"] == COURSE_NOT_FOUND
    assert _slugs(listed) == []


def test_a_staff_session_is_not_a_way_in_and_a_key_never_sees_drafts(client):
    # given a draft and a staff member signed in on the site
    CourseFactory(slug="draft", is_published=False, published_at=None)
    staff = Client()
    staff.force_login(StaffFactory())
    client.force_login(StaffFactory())

    # then the session alone is refused, and with a key the draft does not exist
    assert staff.get(LIST_URL).status_code == 401
    assert client.get(_detail_url("draft")).status_code == 404
    assert _slugs(client.get(LIST_URL)) == []


def test_unknown_slug_is_a_404(client):
    response = client.get(_detail_url("nope"))

    assert response.status_code == 404
    assert response.json()["error"]["message"] == COURSE_NOT_FOUND


def test_list_query_count_is_the_same_for_3_or_300_courses(client):
    # given 3 courses with lessons and learners
    def add(count: int) -> None:
        category = CategoryFactory()
        instructor = UserFactory()
        for _ in range(count):
            course = CourseFactory(category=category, instructor=instructor)
            LessonFactory(module=ModuleFactory(course=course))
            EnrollmentFactory(course=course, user=instructor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST_URL, {"limit": 100, "ordering": "popular"})
        assert response.status_code == 200
        return len(captured)

    add(3)
    small = queries()

    # when there are 300
    add(297)
    large = queries()

    # then
    assert large == small


def test_detail_query_count_does_not_grow_with_the_syllabus(client):
    small = course_with_lessons(modules=1, lessons_per_module=1)
    large = course_with_lessons(modules=6, lessons_per_module=8)

    def queries(course) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_detail_url(course.slug))
        assert response.status_code == 200
        return len(captured)

    assert queries(small) == queries(large)


def test_schema_documents_both_operations(client):
    response = client.get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    operations = {
        schema["paths"]["/api/v1/courses/"]["get"]["operationId"],
        schema["paths"]["/api/v1/courses/{slug}/"]["get"]["operationId"],
    }
    assert operations == {"courses_list", "courses_retrieve"}
    parameters = {param["name"] for param in schema["paths"]["/api/v1/courses/"]["get"]["parameters"]}
    assert {"search", "category", "level", "price", "ordering", "limit", "starting_after"} <= parameters
    assert "SyllabusLesson" in schema["components"]["schemas"]
