"""With the page cache on, the dashboard's exercise figures change on the next request: after the learner's
attempt, and after staff add a question to the course (courses/page_cache.py)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from courses import services
from courses.models import Enrollment, Lesson
from courses.tests.exercise_factories import ExerciseFactory, options, question
from courses.tests.factories import course_with_lessons
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("courses:dashboard")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True
    cache.clear()


def _exercises_passed(client) -> str:
    page = client.get(DASHBOARD).content.decode()
    return re.search(r"(\d+ of \d+) exercises? passed", page)[1]


def test_an_attempt_and_a_new_question_show_on_the_cached_dashboard_at_once(client):
    learner = UserFactory()
    client.force_login(learner)
    course = course_with_lessons(modules=1, lessons_per_module=2, price_amount=0)
    lesson = Lesson.objects.filter(module__course=course).first()
    exercise = question(lesson=lesson)
    services.enrollment_create(user=learner, course=course, type=Enrollment.Type.FREE)
    assert _exercises_passed(client) == "0 of 1"

    # the learner answers rightly
    client.post(
        reverse(
            "courses:exercise_answer",
            kwargs={"slug": course.slug, "lesson_id": lesson.pk, "exercise_id": exercise.pk},
        ),
        {"option": options(exercise, "A")},
    )
    assert _exercises_passed(client) == "1 of 1"

    # staff add a question to the course (its options come later)
    ExerciseFactory(lesson=lesson, position=5)
    assert _exercises_passed(client) == "1 of 2"
