"""`/dashboard/progress/` and its CSV: per course and per category, minutes learned, streaks of days in the
learner's zone, minutes per week, and a query count that does not grow with the courses."""

import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from courses import services
from courses.exercises.services import exercise_attempt_submit
from courses.models import Enrollment, Lesson, LessonProgress
from courses.selectors.progress import minutes_per_week, progress_by_course, streaks
from courses.tests.exercise_factories import options, question, reflection
from courses.tests.factories import CategoryFactory, course_with_lessons
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
PAGE = "/dashboard/progress/"
CSV = "/dashboard/progress.csv"
D = datetime.date


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enroll(user, course, *, done=0, at=None):
    enrollment = services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID)
    for lesson in list(Lesson.objects.filter(module__course=course))[:done]:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    if at is not None:
        LessonProgress.objects.filter(enrollment=enrollment).update(completed_at=at)
    return enrollment


def completed_at(user, *moments):
    """One lesson completed at each moment (UTC), in a course of as many 10-minute lessons."""
    course = course_with_lessons(modules=1, lessons_per_module=len(moments))
    enrollment = services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID)
    for lesson, moment in zip(Lesson.objects.filter(module__course=course), moments, strict=True):
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=moment)
    return enrollment


@pytest.mark.parametrize(
    ("days", "today", "current", "longest"),
    [
        ([], D(2026, 11, 10), 0, 0),
        ([D(2026, 11, 10)], D(2026, 11, 10), 1, 1),
        ([D(2026, 11, 9)], D(2026, 11, 10), 1, 1),  # yesterday: today is not over yet
        ([D(2026, 11, 8)], D(2026, 11, 10), 0, 1),  # a day missed
        ([D(2026, 11, 8), D(2026, 11, 9), D(2026, 11, 10)], D(2026, 11, 10), 3, 3),
        ([D(2026, 11, 1), D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 9), D(2026, 11, 10)], D(2026, 11, 10), 2, 3),
        ([D(2026, 2, 28), D(2026, 3, 1)], D(2026, 3, 1), 2, 2),  # across a month end
        ([D(2026, 12, 31), D(2027, 1, 1)], D(2027, 1, 2), 2, 2),  # across a year end, alive yesterday
    ],
)
def test_streaks(days, today, current, longest):
    result = streaks(days, today=today)

    assert (result.current, result.longest, result.active_days) == (current, longest, len(days))


@pytest.mark.parametrize(
    ("zone", "current", "active_days"),
    [
        # 22:30 and 23:30 UTC on 10 Nov: 23:30 on the 10th and 00:30 on the 11th in Berlin, two days in a row
        ("Europe/Berlin", 2, 2),
        # the same evening in UTC: one day
        ("UTC", 1, 1),
        # 17:30 and 18:30 on the 10th in New York: one day
        ("America/New_York", 1, 1),
    ],
)
def test_a_streak_counts_days_in_the_learners_zone_across_midnight(zone, current, active_days):
    user = UserFactory(time_zone=zone)
    completed_at(
        user,
        datetime.datetime(2026, 11, 10, 22, 30, tzinfo=UTC),
        datetime.datetime(2026, 11, 10, 23, 30, tzinfo=UTC),
    )

    with time_machine.travel(datetime.datetime(2026, 11, 11, 12, tzinfo=UTC)):
        response = signed_in(user).get(PAGE)

    assert response.context["progress"].streaks.current == current
    assert response.context["progress"].streaks.active_days == active_days


def test_an_empty_learner_sees_an_invitation_and_an_empty_export():
    user = UserFactory()

    page = signed_in(user).get(PAGE)
    export = signed_in(user).get(CSV)

    assertContains(page, "No progress to show yet.")
    assertNotContains(page, "Download CSV")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows == [
        [
            "Row",
            "Name",
            "Category",
            "Lessons done",
            "Lessons in total",
            "Percent done",
            "Minutes learned",
            "Exercises passed",
            "Exercises in total",
        ]
    ]


def test_progress_per_course_and_per_category_with_minutes():
    # given two courses in Mindfulness (2 of 4 and 3 of 3 lessons done) and one in Career (0 of 2)
    user = UserFactory()
    mind = CategoryFactory(name="Mindfulness", slug="mindfulness", position=1)
    career = CategoryFactory(name="Career", slug="career", position=2)
    enroll(user, course_with_lessons(modules=2, lessons_per_module=2, category=mind, title="Calm"), done=2)
    enroll(user, course_with_lessons(modules=1, lessons_per_module=3, category=mind, title="Focus"), done=3)
    enroll(user, course_with_lessons(modules=1, lessons_per_module=2, category=career, title="Lead"))

    report = signed_in(user).get(PAGE).context["progress"]

    assert {
        row.enrollment.course.title: (row.lessons_done, row.lessons_total, row.minutes_learned, row.percent)
        for row in report.courses
    } == {
        "Calm": (2, 4, 20, 50),
        "Focus": (3, 3, 30, 100),
        "Lead": (0, 2, 0, 0),
    }
    assert [
        (c.name, c.courses, c.lessons_done, c.lessons_total, c.minutes_learned, c.percent) for c in report.categories
    ] == [
        ("Mindfulness", 2, 5, 7, 50, 71),
        ("Career", 1, 0, 2, 0, 0),
    ]
    assert (report.lessons_done, report.minutes_learned) == (5, 50)


def test_exercises_passed_are_counted_per_course_and_category_apart_from_lessons():
    # given Calm with three questions (one passed, one answered wrongly, one never tried) and a reflection,
    # and Focus in the same category with no questions
    user = UserFactory()
    mind = CategoryFactory(name="Mindfulness", slug="mindfulness")
    calm = course_with_lessons(modules=1, lessons_per_module=2, category=mind, title="Calm")
    first, second = Lesson.objects.filter(module__course=calm)
    passed, missed = question(lesson=first, answers="+-", position=0), question(lesson=first, answers="-+", position=1)
    question(lesson=second, answers="+-")
    reflection(lesson=second)
    calm_enrollment = enroll(user, calm, done=1)
    exercise_attempt_submit(enrollment=calm_enrollment, exercise=passed, option_ids=options(passed, "A"))
    exercise_attempt_submit(enrollment=calm_enrollment, exercise=missed, option_ids=options(missed, "A"))
    enroll(user, course_with_lessons(modules=1, lessons_per_module=1, category=mind, title="Focus"))

    response = signed_in(user).get(PAGE)
    export = list(csv.reader(io.StringIO(signed_in(user).get(CSV).content.decode())))

    report = response.context["progress"]
    assert {row.enrollment.course.title: (row.exercises_passed, row.exercises_total) for row in report.courses} == {
        "Calm": (1, 3),
        "Focus": (0, 0),
    }
    assert [(c.name, c.exercises_passed, c.exercises_total) for c in report.categories] == [("Mindfulness", 1, 3)]
    assertContains(response, "1 of 3 passed", count=2)  # Calm's row and the category's
    assertContains(response, "1 exercise passed")
    assert [row[-2:] for row in export[1:]] == [["1", "3"], ["0", "0"], ["1", "3"]]


def test_an_expired_course_keeps_its_progress_on_the_page():
    user = UserFactory()
    course = course_with_lessons(modules=1, lessons_per_module=2, access_days=7, title="Short Access")
    enroll(user, course, done=1)

    with time_machine.travel(datetime.datetime(2099, 1, 1, tzinfo=UTC)):
        response = signed_in(user).get(PAGE)

    assertContains(response, "Short Access")
    assertContains(response, "Expired")
    assert response.context["progress"].lessons_done == 1


def test_minutes_per_week_are_counted_in_the_learners_weeks():
    # Sunday 8 Nov 23:30 UTC is already Monday 9 Nov in Berlin: the next week there
    user = UserFactory()
    completed_at(
        user, datetime.datetime(2026, 11, 8, 23, 30, tzinfo=UTC), datetime.datetime(2026, 11, 4, 9, tzinfo=UTC)
    )
    berlin, utc = zoneinfo.ZoneInfo("Europe/Berlin"), zoneinfo.ZoneInfo("UTC")
    today = D(2026, 11, 11)

    in_berlin = minutes_per_week(user=user, zone=berlin, today=today, weeks=2)
    in_utc = minutes_per_week(user=user, zone=utc, today=today, weeks=2)

    assert [(w.week_start, w.minutes) for w in in_berlin] == [(D(2026, 11, 2), 10), (D(2026, 11, 9), 10)]
    assert [(w.week_start, w.minutes) for w in in_utc] == [(D(2026, 11, 2), 20), (D(2026, 11, 9), 0)]


def test_the_page_draws_minutes_per_week_on_the_server():
    user = UserFactory()
    enroll(user, course_with_lessons(modules=1, lessons_per_module=3), done=3)

    response = signed_in(user).get(PAGE)

    assertContains(response, "Minutes learned per week")
    assertContains(response, "This week")
    assertContains(response, ": 30 minutes</title>", count=2)  # the wide and the narrow drawing


def test_the_csv_has_one_row_per_course_and_category_and_defuses_formulas():
    user = UserFactory()
    category = CategoryFactory(name="=cmd|' /C calc'!A0", slug="sneaky")
    enroll(user, course_with_lessons(modules=1, lessons_per_module=2, category=category, title="+Plus"), done=1)

    response = signed_in(user).get(CSV)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="innerwork-progress-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [
        ["course", "'+Plus", "'=cmd|' /C calc'!A0", "1", "2", "50", "10", "0", "0"],
        ["category", "'=cmd|' /C calc'!A0", "", "1", "2", "50", "10", "0", "0"],
    ]


def test_only_the_learners_own_progress_and_login_is_required(client):
    other = UserFactory()
    enroll(other, course_with_lessons(title="Not Mine"), done=1)

    assert client.get(PAGE).status_code == 302
    assert client.get(CSV).status_code == 302
    assertNotContains(signed_in(UserFactory()).get(PAGE), "Not Mine")


def test_the_query_count_does_not_grow_with_courses():
    user = UserFactory()
    enroll(user, course_with_lessons(modules=1, lessons_per_module=2), done=1)
    client = signed_in(user)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries(PAGE), queries(CSV)
    for _ in range(6):
        enroll(user, course_with_lessons(modules=2, lessons_per_module=3, category=CategoryFactory()), done=4)
    many = queries(PAGE), queries(CSV)

    assert many == few
    assert len(progress_by_course(user=user)) == 7
