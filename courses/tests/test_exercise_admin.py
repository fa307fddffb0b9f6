"""Staff edit exercises in the admin: lesson → exercises (inline) → options (inline), and a course's rule."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from courses.admin import exercises as exercise_admin
from courses.models import Exercise, ExerciseOption
from courses.tests.exercise_factories import question, reflection
from courses.tests.factories import CourseFactory, LessonFactory
from innerwork.accounts.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def _formset_data(prefix, rows, *, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def test_staff_add_exercises_to_a_lesson_inline_in_order(client, staff):
    lesson = LessonFactory()
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["module"] = lesson.module_id
    data.update(
        _formset_data(
            "exercises",
            [
                {"position": "1", "kind": "reflection", "prompt": "What will you try this week?"},
                {"position": "0", "kind": "multiple_choice", "prompt": "Which habit sticks?"},
            ],
        )
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert list(Exercise.objects.filter(lesson=lesson).values_list("kind", flat=True)) == [
        "multiple_choice",
        "reflection",
    ]
    page = client.get(url)
    assertContains(page, "0 options, 0 correct")
    assertContains(
        page, reverse("admin:courses_exercise_change", args=[Exercise.objects.get(kind="multiple_choice").pk])
    )


def _option_rows(*marks):
    return [
        {"position": str(n), "text": f"Answer {n}", "is_correct": "on" if mark == "+" else "", "feedback": f"Why {n}"}
        for n, mark in enumerate(marks)
    ]


@pytest.mark.parametrize(
    ("kind", "marks", "error"),
    [
        ("multiple_choice", "+-", None),
        ("multiple_choice", "++-", None),
        ("multiple_choice", "--", exercise_admin.NEEDS_A_CORRECT_OPTION),
        ("multiple_choice", "+", exercise_admin.NEEDS_TWO_OPTIONS),
        ("reflection", "", None),
        ("reflection", "+-", exercise_admin.REFLECTION_HAS_NO_OPTIONS),
    ],
)
def test_staff_edit_an_exercises_options_inline_and_only_sound_questions_are_saved(client, staff, kind, marks, error):
    exercise = Exercise.objects.create(lesson=LessonFactory(), kind=kind, prompt="Which?")
    url = reverse("admin:courses_exercise_change", args=[exercise.pk])
    data = {"lesson": exercise.lesson_id, "kind": kind, "position": "0", "prompt": "Which?"}
    data.update(_formset_data("options", _option_rows(*marks)))

    response = client.post(url, data)

    if error is None:
        assert response.status_code == 302
        assert ExerciseOption.objects.filter(exercise=exercise).count() == len(marks)
    else:
        assert response.status_code == 200
        assert error in response.context["inline_admin_formsets"][0].formset.non_form_errors()
        assert not ExerciseOption.objects.filter(exercise=exercise).exists()


def test_staff_set_a_courses_completion_rule_and_pass_mark(client, staff):
    course = CourseFactory()
    url = reverse("admin:courses_course_change", args=[course.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update({"category": course.category_id, "instructor": course.instructor_id})
    data.update({"completion_rule": "lessons_and_pass_mark", "pass_mark_percent": "80"})
    data.update({"modules-TOTAL_FORMS": "0", "modules-INITIAL_FORMS": "0"})

    response = client.post(url, data)

    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.completion_rule, course.pass_mark_percent) == ("lessons_and_pass_mark", 80)


def test_the_lesson_admin_lists_its_exercises_with_their_options(client, staff):
    lesson = LessonFactory()
    question(lesson=lesson, answers="+-+", prompt="Pick two")
    reflection(lesson=lesson)

    page = client.get(reverse("admin:courses_lesson_change", args=[lesson.pk]))

    assertContains(page, "Pick two")
    assertContains(page, "3 options, 2 correct")
    assertContains(page, "Free text")
