"""The public catalogue at `/`: what visitors see, how they narrow it down, and what it costs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Enrollment, Lesson, Module, Review
from courses.search_index import course_refresh_search
from courses.services import course_refresh_stats
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

CATALOGUE = reverse("courses:catalogue")


def _titles(response) -> list[str]:
    return [course.title for course in response.context["page_obj"]]


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def test_visitor_sees_published_courses_as_cards_with_their_facts(client):
    # given a published paid course with 2 × 3 lessons of 10 minutes and a free course
    course = course_with_lessons(
        title="Calm Under Pressure",
        subtitle="Stay steady when everything is urgent.",
        category=CategoryFactory(name="Mindfulness & Wellbeing", slug="mindfulness"),
        instructor=UserFactory(full_name="Amara Okafor"),
        level=Course.Level.BEGINNER,
        price_amount=4900,
    )
    CourseFactory(title="Five-Minute Reset", price_amount=0)

    # when a visitor opens the catalogue
    response = client.get(CATALOGUE)

    # then both cards show what a buyer compares
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{course.get_absolute_url()}">Calm Under Pressure</a>' in html
    assert "Stay steady when everything is urgent." in html
    assert '<p class="course-card__category">Mindfulness &amp; Wellbeing</p>' in html
    # the instructor's name links to their page
    assert '<p class="course-card__instructor"><a href="/instructors/amara-okafor/">Amara Okafor</a></p>' in html
    assert '<span class="course-card__level">Beginner</span>' in html
    assert '<span class="course-card__length">6 lessons · 1 h</span>' in html
    assert '<span class="price">$49.00</span>' in html
    assert '<span class="price price--free">Free</span>' in html
    assert "2 courses" in html


def test_draft_courses_are_not_listed_for_visitors_or_learners(client):
    # given one published course and one draft
    CourseFactory(title="Published Course")
    CourseFactory(title="Secret Draft", is_published=False, published_at=None)

    # when a visitor and then a signed-in learner look
    visitor = client.get(CATALOGUE)
    client.force_login(UserFactory())
    learner = client.get(CATALOGUE)

    # then neither sees the draft
    assert _titles(visitor) == ["Published Course"]
    assert _titles(learner) == ["Published Course"]
    assert "Secret Draft" not in learner.content.decode()


def test_staff_see_drafts_in_the_catalogue_marked_as_draft(client):
    # given a draft
    CourseFactory(title="Secret Draft", is_published=False, published_at=None)

    # when staff look
    client.force_login(StaffFactory())
    response = client.get(CATALOGUE)

    # then the draft is listed with a Draft badge
    assert _titles(response) == ["Secret Draft"]
    assert "Draft</span>" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stoic", ["Stoic Habits"]),  # title
        ("deadlines", ["Deep Work Weeks"]),  # subtitle
        ("feedback", ["Hard Conversations"]),  # description
        ("okafor", ["Stoic Habits"]),  # instructor's name
        ("HARD conversations", ["Hard Conversations"]),  # case-insensitive, every word must match
        ("hard deadlines", []),  # words match different courses, so no single course has both
    ],
)
def test_search_looks_in_title_subtitle_description_and_instructor(client, query, expected):
    # given three courses that differ in one field each (instructor names fixed: a random
    # "Richard" would match "hard")
    CourseFactory(title="Stoic Habits", instructor=UserFactory(full_name="Amara Okafor"))
    CourseFactory(
        title="Deep Work Weeks",
        subtitle="Ship before deadlines without burning out.",
        instructor=UserFactory(full_name="Ben Ito"),
    )
    CourseFactory(
        title="Hard Conversations",
        description="Give **feedback** people can hear.",
        instructor=UserFactory(full_name="Lena Vogt"),
    )

    # when searching
    response = client.get(CATALOGUE, {"q": query})

    # then exactly the matching courses come back
    assert sorted(_titles(response)) == sorted(expected)


def test_search_with_no_match_shows_a_helpful_empty_state(client):
    # given a catalogue
    CourseFactory(title="Stoic Habits")

    # when nothing matches
    response = client.get(CATALOGUE, {"q": "underwater basket weaving"})

    # then the page says so and offers a way back
    html = response.content.decode()
    assert response.status_code == 200
    assert "0 courses" in html
    assert "No courses match “underwater basket weaving”" in html
    assert "Show all courses" in html


def test_empty_catalogue_says_courses_are_coming_rather_than_no_match(client):
    # given only a draft
    CourseFactory(is_published=False, published_at=None)

    # when a visitor opens the catalogue
    html = client.get(CATALOGUE).content.decode()

    # then
    assert "0 courses" in html
    assert "The first courses are on their way" in html
    assert "No courses match" not in html


def test_category_level_and_price_filters_combine(client):
    # given courses across two categories, two levels and both price kinds
    leadership = CategoryFactory(name="Leadership", slug="leadership")
    career = CategoryFactory(name="Career", slug="career")
    CourseFactory(title="Lead Free Beginner", category=leadership, level="beginner", price_amount=0)
    CourseFactory(title="Lead Paid Beginner", category=leadership, level="beginner", price_amount=2900)
    CourseFactory(title="Lead Free Advanced", category=leadership, level="advanced", price_amount=0)
    CourseFactory(title="Career Free Beginner", category=career, level="beginner", price_amount=0)

    # when filtering by each and by all three
    by_category = client.get(CATALOGUE, {"category": "career"})
    by_level = client.get(CATALOGUE, {"level": "advanced"})
    paid = client.get(CATALOGUE, {"price": "paid"})
    combined = client.get(CATALOGUE, {"category": "leadership", "level": "beginner", "price": "free"})

    # then each narrows the list, and together they intersect
    assert _titles(by_category) == ["Career Free Beginner"]
    assert _titles(by_level) == ["Lead Free Advanced"]
    assert _titles(paid) == ["Lead Paid Beginner"]
    assert _titles(combined) == ["Lead Free Beginner"]


def test_active_filters_are_shown_as_chips_that_remove_one_filter_each(client):
    # given a category
    CourseFactory(category=CategoryFactory(name="Leadership", slug="leadership"), price_amount=0)

    # when the visitor searched and filtered by category and price
    response = client.get(CATALOGUE, {"q": "course", "category": "leadership", "price": "free"})

    # then each chip links to the same view without that one filter
    html = response.content.decode()
    assert 'href="?q=course&amp;price=free" aria-label="Remove filter Leadership"' in html
    assert 'href="?q=course&amp;category=leadership" aria-label="Remove filter Free"' in html
    assert 'href="?category=leadership&amp;price=free" aria-label="Clear the search"' in html


def test_filter_links_keep_the_other_filters_and_mark_the_active_one(client):
    # given two categories
    CourseFactory(category=CategoryFactory(name="Leadership", slug="leadership"))
    CourseFactory(category=CategoryFactory(name="Career", slug="career"))

    # when a visitor has searched and filtered by level
    response = client.get(CATALOGUE, {"q": "course", "level": "all_levels", "sort": "price_asc"})

    # then the category links carry the search, level and sort along
    html = response.content.decode()
    assert 'href="?q=course&amp;category=career&amp;level=all_levels&amp;sort=price_asc"' in html
    assert 'href="?q=course&amp;category=leadership&amp;level=all_levels&amp;sort=price_asc"' in html
    assert 'class="chip chip--active" href="?q=course&amp;sort=price_asc" aria-current="true"' not in html
    assert 'class="chip chip--active" href="?q=course&amp;level=all_levels&amp;sort=price_asc"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"category": "no-such-category"},
        {"level": "wizard"},
        {"price": "cheap"},
        {"sort": "random"},
        {"category": "", "level": "", "price": "", "sort": ""},
        {"q": "   "},
    ],
)
def test_unknown_filter_values_are_ignored(client, params):
    # given two courses
    CourseFactory(title="One")
    CourseFactory(title="Two")

    # when a stale or hand-made link carries values we do not know
    response = client.get(CATALOGUE, params)

    # then the whole catalogue is shown
    assert response.status_code == 200
    assert sorted(_titles(response)) == ["One", "Two"]


def test_sort_orders_newest_price_and_popularity(client):
    # given three courses published on different days, at different prices and popularity
    old_cheap = CourseFactory(title="Old cheap", price_amount=900, published_at=_days_ago(30))
    new_dear = CourseFactory(title="New dear", price_amount=9900, published_at=_days_ago(1))
    mid_free = CourseFactory(title="Mid free", price_amount=0, published_at=_days_ago(10))
    EnrollmentFactory.create_batch(3, course=old_cheap, status=Enrollment.Status.ACTIVE)
    EnrollmentFactory(course=mid_free, status=Enrollment.Status.COMPLETED)
    # refunded and revoked learners do not make a course popular
    EnrollmentFactory.create_batch(5, course=new_dear, status=Enrollment.Status.REFUNDED)
    EnrollmentFactory(course=new_dear, status=Enrollment.Status.REVOKED)

    # when sorting each way
    newest = client.get(CATALOGUE)
    cheapest = client.get(CATALOGUE, {"sort": "price_asc"})
    dearest = client.get(CATALOGUE, {"sort": "price_desc"})
    popular = client.get(CATALOGUE, {"sort": "popular"})

    # then
    assert _titles(newest) == ["New dear", "Mid free", "Old cheap"]
    assert _titles(cheapest) == ["Mid free", "Old cheap", "New dear"]
    assert _titles(dearest) == ["New dear", "Old cheap", "Mid free"]
    assert _titles(popular) == ["Old cheap", "Mid free", "New dear"]


def test_catalogue_is_paginated_and_pages_keep_the_filters(client, settings):
    # given 5 free courses and a page size of 2
    settings.COURSES_PAGE_SIZE = 2
    for day in range(5):
        CourseFactory(title=f"Course day {day}", price_amount=0, published_at=_days_ago(day))

    # when reading page 2 of the free courses
    response = client.get(CATALOGUE, {"price": "free", "page": "2"})

    # then it holds the 3rd and 4th newest and links on with the filter kept
    html = response.content.decode()
    assert _titles(response) == ["Course day 2", "Course day 3"]
    assert "5 courses" in html
    assert "Page 2 of 3" in html
    assert 'href="?price=free&amp;page=3"' in html
    assert 'href="?price=free&amp;page=1"' in html


@pytest.mark.parametrize(
    ("page", "expected_page"),
    [("abc", 1), ("0", 1), ("-1", 1), ("999", 3), ("2.5", 1), ("", 1)],
)
def test_bad_page_numbers_fall_back_to_a_real_page(client, settings, page, expected_page):
    # given 5 courses on 3 pages
    settings.COURSES_PAGE_SIZE = 2
    CourseFactory.create_batch(5)

    # when the page number is nonsense (page 1) or past the end (the last page; see core test_pagination for the note)
    response = client.get(CATALOGUE, {"page": page})

    # then a real page is shown, never an error
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected_page


def test_signed_in_learner_sees_enrolled_badge_only_where_they_can_learn(client):
    # given a learner with an active, a completed and a refunded enrollment
    learner = UserFactory()
    active = CourseFactory(title="Active one")
    completed = CourseFactory(title="Completed one")
    refunded = CourseFactory(title="Refunded one")
    CourseFactory(title="Not enrolled")
    EnrollmentFactory(user=learner, course=active)
    EnrollmentFactory(user=learner, course=completed, status=Enrollment.Status.COMPLETED)
    EnrollmentFactory(user=learner, course=refunded, status=Enrollment.Status.REFUNDED)

    # when the learner opens the catalogue
    client.force_login(learner)
    response = client.get(CATALOGUE)

    # then exactly the two courses they can learn carry the badge
    badged = {course.title for course in response.context["page_obj"] if course.is_enrolled}
    assert badged == {"Active one", "Completed one"}
    assert response.content.decode().count(">Enrolled</span>") == 2


def test_visitor_sees_no_enrolled_badges(client):
    # given somebody else's enrollment
    EnrollmentFactory()

    # when a visitor looks
    response = client.get(CATALOGUE)

    # then no card claims "Enrolled"
    assert ">Enrolled</span>" not in response.content.decode()


def _add_courses(count: int, *, learner) -> None:
    """Many published courses with lessons, enrollments and reviews, inserted in bulk."""
    category = CategoryFactory()
    instructor = UserFactory()
    now = timezone.now()
    courses = Course.objects.bulk_create(
        Course(
            title=f"Bulk {n}",
            slug=f"bulk-{n}-{category.pk}",
            subtitle="Bulk",
            description="Bulk",
            category=category,
            instructor=instructor,
            price_amount=n * 100,
            is_published=True,
            published_at=now - timedelta(minutes=n),
        )
        for n in range(count)
    )
    modules = Module.objects.bulk_create(Module(course=course, title="M", position=0) for course in courses)
    Lesson.objects.bulk_create(
        Lesson(module=module, title=f"L{n}", body="b", duration_minutes=7, position=n)
        for module in modules
        for n in range(2)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(user=learner, course=course, type=Enrollment.Type.FREE) for course in courses[::2]
    )
    # Half the courses are reviewed, so their cards show a rating (stored figures, recounted here).
    Review.objects.bulk_create(
        Review(course_id=enrollment.course_id, author=learner, enrollment=enrollment, rating=1 + n % 5, text="Good")
        for n, enrollment in enumerate(enrollments)
    )
    course_refresh_stats(course_ids=[course.pk for course in courses])
    # Bulk inserts send no signals: index them for search as seed_demo does.
    course_refresh_search(course_ids=[course.pk for course in courses])


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "bulk", "sort": "popular"},
        {"q": "bulk"},  # best match first
        {"q": "nothing like it"},  # no result: suggestions
        {"category": "x", "page": "2"},
    ],
)
def test_catalogue_runs_the_same_number_of_queries_for_3_or_300_courses(client, signed_in, params):
    # given a learner (signed in or not) and 3 courses
    learner = UserFactory()
    if signed_in:
        client.force_login(learner)
    _add_courses(3, learner=learner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CATALOGUE, params)
        assert response.status_code == 200
        return len(captured)

    small = queries()

    # when the catalogue grows to 300 courses
    _add_courses(297, learner=learner)
    large = queries()

    # then the page costs exactly as many queries, rated cards included
    assert large == small
    if not params:
        assert "rating__average" in client.get(CATALOGUE).content.decode()


def test_card_figures_count_lessons_and_minutes_without_enrollments_inflating_them(client):
    # given a course with 3 lessons (5 + 10 + 20 min) and 4 learners
    course = CourseFactory(title="Counted")
    module = ModuleFactory(course=course)
    for minutes in (5, 10, 20):
        LessonFactory(module=module, duration_minutes=minutes)
    EnrollmentFactory.create_batch(4, course=course)

    # when listed
    response = client.get(CATALOGUE)

    # then the figures are per course, not per course × learner
    listed = response.context["page_obj"][0]
    assert (listed.lessons_count, listed.total_minutes, listed.learners_count) == (3, 35, 4)
    assert "3 lessons · 35 min" in response.content.decode()


@pytest.mark.parametrize(
    ("as_staff", "params", "expected"),
    [
        (False, {}, 3),  # told by the category counts, no COUNT query
        (False, {"category": "calm"}, 2),
        (False, {"category": "calm", "page": "2"}, 2),
        (False, {"level": "advanced"}, 1),  # counted
        (True, {}, 4),  # staff also see the draft: counted
        (True, {"category": "calm"}, 3),
    ],
)
def test_result_count_and_pages_match_the_courses_listed(client, settings, as_staff, params, expected):
    # given two published courses and a draft in one category, one published course in another
    settings.COURSES_PAGE_SIZE = 1
    calm = CategoryFactory(slug="calm", name="Calm")
    CourseFactory.create_batch(2, category=calm, level=Course.Level.BEGINNER)
    CourseFactory(category=calm, is_published=False, published_at=None)
    CourseFactory(category=CategoryFactory(slug="work"), level=Course.Level.ADVANCED)
    if as_staff:
        client.force_login(StaffFactory())

    # when
    response = client.get(CATALOGUE, params)

    # then the heading's count, the number of pages and what is listed agree
    page_obj = response.context["page_obj"]
    assert page_obj.paginator.count == expected
    assert page_obj.paginator.num_pages == expected
    assert f"{expected} course{'s' if expected != 1 else ''}" in response.content.decode()
    pages = [client.get(CATALOGUE, {**params, "page": n}).context["page_obj"] for n in range(1, expected + 1)]
    assert sum(len(page) for page in pages) == expected


def test_a_card_shows_changes_made_since_it_was_last_shown(client):
    # given a card a visitor has already seen (cards are memoised by what they show)
    course = CourseFactory(title="Before", price_amount=4900)
    LessonFactory(module=ModuleFactory(course=course), duration_minutes=10)
    assert "1 lesson · 10 min" in client.get(CATALOGUE).content.decode()

    # when staff retitle and reprice it and add a lesson, and the instructor renames themself
    Course.objects.filter(pk=course.pk).update(title="After", price_amount=2500)
    LessonFactory(module=course.modules.get(), duration_minutes=5)
    course.instructor.full_name = "Renamed Teacher"
    course.instructor.save()

    # then the next visitor sees the new card
    html = client.get(CATALOGUE).content.decode()
    assert "After" in html
    assert "Before" not in html
    assert "2 lessons · 15 min" in html
    assert "$25.00" in html
    assert "Renamed Teacher" in html
