"""The demo's exercises: quizzes on a few courses, one free course that needs a pass mark, seeded once."""

from io import StringIO

import pytest
from django.core.management import call_command

from courses.demo_content.exercises import COURSE_EXERCISES
from courses.models import Course, Exercise, ExerciseOption

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_emulator_django")]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict:
    return {
        model.__name__: {row["id"]: row for row in model.objects.values()}
        for model in (Exercise, ExerciseOption, Course)
    }


def test_the_demo_has_quizzes_and_reflections_and_a_free_course_that_needs_a_pass_mark():
    _seed()

    breathing = Course.objects.get(slug="five-minute-breathing-breaks")
    assert breathing.is_free
    assert (breathing.completion_rule, breathing.pass_mark_percent) == (Course.CompletionRule.LESSONS_AND_PASS_MARK, 75)
    assert Course.objects.get(slug="calm-under-pressure").completion_rule == Course.CompletionRule.LESSONS
    for spec in COURSE_EXERCISES:
        seeded = Exercise.objects.filter(lesson__module__course__slug=spec.slug)
        assert seeded.count() == sum(len(exercises) for exercises in spec.lessons.values())
    # every seeded question is answerable: two options or more, at least one right
    for exercise in Exercise.objects.filter(kind=Exercise.Kind.MULTIPLE_CHOICE):
        assert exercise.options.count() >= 2
        assert exercise.options.filter(is_correct=True).exists()
    assert not ExerciseOption.objects.filter(exercise__kind=Exercise.Kind.REFLECTION).exists()


def test_seeding_again_changes_no_exercise_and_restores_an_edited_one():
    _seed()
    before = _snapshot()
    assert "nothing to change" in _seed()
    assert _snapshot() == before

    ExerciseOption.objects.filter(is_correct=True).update(is_correct=False)
    _seed()

    assert _snapshot()["ExerciseOption"] == before["ExerciseOption"]
