import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from courses import services
from courses.models import Enrollment, Lesson, LessonProgress
from courses.selectors.learning import (
    WeekCount,
    dashboard_enrollments,
    learning_totals,
    lessons_completed_per_week,
    progress_percent,
)
from courses.tests.factories import CategoryFactory, CourseFactory, LessonFactory, ModuleFactory, course_with_lessons
from courses.views.dashboard import weekly_chart
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"


def lessons(course):
    return list(Lesson.objects.filter(module__course=course))


@pytest.fixture
def learner(client):
    user = UserFactory(full_name="Ada Lovelace")
    client.force_login(user)
    return user


def enroll(user, course, *, done=0):
    enrollment = services.enrollment_create(user=user, course=course, type=Enrollment.Type.FREE)
    for lesson in lessons(course)[:done]:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    return enrollment


def test_dashboard_needs_login(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_lists_my_courses_with_progress_and_a_continue_button(client, learner):
    # given: 1 of 4 lessons done in one course, all 2 done in another
    started = enroll(learner, course_with_lessons(modules=2, lessons_per_module=2, title="Deep Focus"), done=1)
    finished = enroll(learner, course_with_lessons(modules=1, lessons_per_module=2, title="Sleep Better"), done=2)

    # when
    response = client.get(DASHBOARD)

    # then
    assert response.status_code == 200
    assertContains(response, "Deep Focus")
    assertContains(response, "Sleep Better")
    assertContains(response, 'value="25"')
    assertContains(response, "1 of 4 lessons")
    assertContains(response, 'value="100"')
    assertContains(response, reverse("courses:resume", kwargs={"slug": started.course.slug}))
    assertContains(response, ">Continue<")
    assertContains(response, reverse("courses:certificate_download", kwargs={"slug": finished.course.slug}))


def test_dashboard_shows_only_my_own_courses(client, learner):
    enroll(UserFactory(), course_with_lessons(modules=1, lessons_per_module=1, title="Someone Elses Course"))

    response = client.get(DASHBOARD)

    assertNotContains(response, "Someone Elses Course")
    assertContains(response, "Your learning starts here")


def test_refunded_courses_leave_the_dashboard(client, learner):
    enrollment = enroll(learner, course_with_lessons(modules=1, lessons_per_module=1, title="Refunded Course"))
    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REFUNDED)

    response = client.get(DASHBOARD)

    assertNotContains(response, "Refunded Course")


def test_totals_count_courses_lessons_and_minutes(client, learner):
    course = course_with_lessons(modules=1, lessons_per_module=3)
    Lesson.objects.filter(module__course=course).update(duration_minutes=25)
    enroll(learner, course, done=3)
    enroll(learner, course_with_lessons(modules=1, lessons_per_module=2))

    totals = learning_totals(user=learner)
    response = client.get(DASHBOARD)

    assert (totals.courses, totals.completed_courses, totals.lessons_done, totals.minutes_learned) == (2, 1, 3, 75)
    assertContains(response, "1 h 15 min")


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("status=in-progress", "Deep Focus", "Sleep Better"),
        ("status=completed", "Sleep Better", "Deep Focus"),
        ("category=mindset", "Sleep Better", "Deep Focus"),
        ("category=focus&status=in-progress", "Deep Focus", "Sleep Better"),
    ],
)
def test_filters_by_status_and_category(client, learner, query, shown, hidden):
    focus, mindset = CategoryFactory(slug="focus", name="Focus"), CategoryFactory(slug="mindset", name="Mindset")
    deep_focus = course_with_lessons(modules=1, lessons_per_module=2, title="Deep Focus", category=focus)
    sleep_better = course_with_lessons(modules=1, lessons_per_module=1, title="Sleep Better", category=mindset)
    enroll(learner, deep_focus, done=1)
    enroll(learner, sleep_better, done=1)

    response = client.get(f"{DASHBOARD}?{query}")

    assertContains(response, shown)
    assertNotContains(response, f">{hidden}<")


@pytest.mark.parametrize(
    "query", ["status=bogus", "category=no-such-category", "page=abc", "page=999", "status=%27&category=%27"]
)
def test_bad_filter_values_are_ignored(client, learner, query):
    enroll(learner, course_with_lessons(modules=1, lessons_per_module=1, title="Deep Focus"))

    response = client.get(f"{DASHBOARD}?{query}")

    assert response.status_code == 200
    assertContains(response, "Deep Focus")


def test_a_filter_with_no_match_offers_to_clear_it(client, learner):
    enroll(learner, course_with_lessons(modules=1, lessons_per_module=2, title="Deep Focus"))

    response = client.get(f"{DASHBOARD}?status=completed")

    assertContains(response, "No courses match these filters")


def test_chart_is_inline_svg_with_accessible_labels(client, learner):
    enroll(learner, course_with_lessons(modules=1, lessons_per_module=3), done=3)

    response = client.get(DASHBOARD)

    content = response.content.decode()
    wide = content.split('<svg class="chart chart--wide"')[1].split("</svg>")[0]
    narrow = content.split('<svg class="chart chart--narrow"')[1].split("</svg>")[0]
    for drawing, variant in ((wide, "wide"), (narrow, "narrow")):
        assert 'role="img"' in drawing
        assert f'aria-labelledby="chart-{variant}-title chart-{variant}-desc"' in drawing
        assert "Lessons completed per week, last 12 weeks" in drawing
        assert "3 lessons" in drawing
        assert drawing.count('class="chart__bar"') == 12
        assert "<script" not in drawing
    assert wide.count('class="chart__label') == 12
    assert narrow.count('class="chart__label') == 3


def test_dashboard_query_count_is_the_same_for_3_and_300_enrollments(
    client, learner, django_assert_num_queries, django_assert_max_num_queries
):
    def add_enrollments(count):
        category = CategoryFactory()
        for _ in range(count):
            course = CourseFactory(category=category)
            lesson = LessonFactory(module=ModuleFactory(course=course))
            enrollment = Enrollment.objects.create(user=learner, course=course, type=Enrollment.Type.PAID)
            LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=timezone.now())

    add_enrollments(3)
    # ours: categories, count, page of enrollments, two totals, weekly chart; plus session, user, site-wide context
    with django_assert_max_num_queries(11) as few:
        client.get(DASHBOARD)
    add_enrollments(297)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(DASHBOARD)

    assert response.context["page_obj"].paginator.count == 300


# Selectors


def test_progress_is_computed_from_completed_lessons_over_the_current_lesson_count():
    # given: 1 of 2 lessons done, then the instructor adds two lessons
    user = UserFactory()
    course = course_with_lessons(modules=1, lessons_per_module=2)
    enroll(user, course, done=1)
    module = course.modules.get()
    LessonFactory.create_batch(2, module=module)

    row = dashboard_enrollments(user=user).get()

    assert (row.lessons_done, row.lessons_total, row.percent) == (1, 4, 25)


def test_percent_rounds_down_so_100_means_everything_is_done():
    assert progress_percent(done=2, total=3) == 66
    assert progress_percent(done=199, total=200) == 99
    assert progress_percent(done=3, total=3) == 100
    assert progress_percent(done=0, total=0) == 0


def test_sql_and_python_percent_agree():
    user = UserFactory()
    course = course_with_lessons(modules=1, lessons_per_module=3)
    enroll(user, course, done=2)

    row = dashboard_enrollments(user=user).get()

    assert row.percent == progress_percent(done=2, total=3) == 66


def test_lessons_per_week_counts_the_last_12_iso_weeks_with_zeros():
    # given: lessons completed this week, 3 weeks ago and 20 weeks ago
    user = UserFactory()
    course = course_with_lessons(modules=1, lessons_per_module=4)
    enrollment = enroll(user, course)
    today = datetime.date(2026, 11, 19)  # a Thursday
    monday = datetime.date(2026, 11, 16)
    at = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))  # noqa: E731
    for lesson, when in zip(
        lessons(course),
        [at(today), at(monday), at(monday - datetime.timedelta(weeks=3)), at(monday - datetime.timedelta(weeks=20))],
        strict=True,
    ):
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=when)

    # when
    weeks = lessons_completed_per_week(user=user, today=today)

    # then
    assert len(weeks) == 12
    assert weeks[-1].week_start == monday
    assert weeks[0].week_start == monday - datetime.timedelta(weeks=11)
    assert [week.lessons for week in weeks] == [0] * 8 + [1, 0, 0, 2]
    assert weeks[-1].iso_week == 47


def test_weeks_follow_the_viewers_time_zone():
    # given: completed at Monday 00:30 in Tokyo, which is Sunday 15:30 UTC: a different ISO week in each zone
    user = UserFactory()
    course = course_with_lessons(modules=1, lessons_per_module=1)
    enrollment = enroll(user, course)
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    completed = datetime.datetime(2026, 11, 16, 0, 30, tzinfo=tokyo)
    LessonProgress.objects.create(enrollment=enrollment, lesson=lessons(course)[0], completed_at=completed)

    with timezone.override("Asia/Tokyo"):
        tokyo_weeks = lessons_completed_per_week(user=user, today=datetime.date(2026, 11, 18))
    with timezone.override("UTC"):
        utc_weeks = lessons_completed_per_week(user=user, today=datetime.date(2026, 11, 18))

    assert tokyo_weeks[-1].lessons == 1
    assert utc_weeks[-1].lessons == 0
    assert utc_weeks[-2].lessons == 1


def test_chart_bars_scale_to_the_busiest_week():
    empty = lessons_completed_per_week(user=UserFactory(), today=datetime.date(2026, 11, 19))
    counts = [0] * 10 + [4, 2]
    weeks = [WeekCount(week_start=week.week_start, lessons=n) for week, n in zip(empty, counts, strict=True)]

    chart = weekly_chart(weeks)

    tallest, half = chart.bars[-2], chart.bars[-1]
    assert tallest.height == pytest.approx(2 * half.height)
    assert chart.bars[0].height == 0
    assert tallest.y + tallest.height == pytest.approx(chart.baseline)
    assert chart.total == 6
    assert chart.busiest.lessons == 4


@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, 3), ({"status": "in-progress"}, 2), ({"status": "completed"}, 1), ({"category": "calm"}, 2)],
)
def test_list_count_and_pages_match_the_courses_listed_under_each_filter(client, learner, params, expected):
    # given two courses in progress and one completed (two of them in "calm"), and one refunded
    calm = CategoryFactory(slug="calm")
    enroll(learner, course_with_lessons(modules=1, lessons_per_module=2, category=calm), done=1)
    enroll(learner, course_with_lessons(modules=1, lessons_per_module=2), done=0)
    enroll(learner, course_with_lessons(modules=1, lessons_per_module=1, category=calm), done=1)
    refunded = enroll(learner, course_with_lessons(modules=1, lessons_per_module=1))
    services.enrollment_set_status(enrollment=refunded, status=Enrollment.Status.REFUNDED)

    # when
    response = client.get(DASHBOARD, params)

    # then the paginator's total is what the list holds
    page_obj = response.context["page_obj"]
    assert page_obj.paginator.count == expected
    assert len(page_obj.object_list) == expected


def test_chart_shows_a_lesson_completed_since_the_last_visit(client, learner):
    # given a learner who saw the dashboard with one lesson done this week
    course = course_with_lessons(modules=1, lessons_per_module=3)
    enrollment = enroll(learner, course, done=1)
    assertContains(client.get(DASHBOARD), "Last 12 weeks · 1 lesson")

    # when they complete another lesson (the chart's markup is memoised by its figures)
    services.lesson_complete(enrollment=enrollment, lesson=lessons(course)[1])

    # then the next visit draws the new figure
    assertContains(client.get(DASHBOARD), "Last 12 weeks · 2 lessons")
