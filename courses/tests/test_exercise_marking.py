"""Marking a multiple-choice answer on the server: the rule, every attempt kept, the best one counting."""

import pytest
from django.core.exceptions import ValidationError

from courses import services
from courses.exercises import services as exercise_services
from courses.exercises.marking import mark_selection, pass_mark_reached
from courses.exercises.selectors import exercise_progress_for
from courses.models import Enrollment, ExerciseAttempt, Lesson, Reflection
from courses.tests.exercise_factories import options, question, reflection
from courses.tests.factories import course_with_lessons
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("answers", "chosen", "score"),
    [
        ("+--", "A", 100),  # one right answer, chosen
        ("+--", "B", 0),  # one right answer, a wrong one chosen
        ("+--", "AB", 0),  # the right one plus a wrong one
        ("+--", "ABC", 0),  # everything ticked
        ("+-+", "AC", 100),  # several right answers, all chosen
        ("+-+", "A", 0),  # several right answers, only part of them: wrong
        ("+-+", "C", 0),
        ("+-+", "ABC", 0),  # all right ones plus a wrong one
        ("+++", "ABC", 100),  # every option right
        ("+++", "AB", 0),
    ],
)
def test_marking_gives_full_marks_only_for_exactly_the_right_options(answers, chosen, score):
    correct = [index for index, mark in enumerate(answers) if mark == "+"]
    picked = ["ABC".index(letter) for letter in chosen]

    assert mark_selection(correct_ids=correct, chosen_ids=picked) == score


def test_marking_an_empty_selection_against_no_right_option_is_not_a_pass():
    assert mark_selection(correct_ids=[], chosen_ids=[]) == 0


@pytest.mark.parametrize(
    ("best_scores", "total", "mark", "reached"),
    [
        ([100, 100, 100, 0], 4, 75, True),  # exactly at the mark
        ([100, 100, 100, 0], 4, 76, False),  # one below it
        ([100, 100, 100], 4, 75, True),  # unattempted counts 0: same as above
        ([100, 100], 3, 67, False),  # 66.67 % is below 67: no rounding up
        ([100, 100], 3, 66, True),
        ([], 4, 1, False),  # nothing attempted
        ([], 0, 100, True),  # no exercises: nothing to pass
    ],
)
def test_pass_mark_compares_the_average_of_best_scores_without_rounding(best_scores, total, mark, reached):
    assert pass_mark_reached(best_scores=best_scores, exercises_total=total, pass_mark_percent=mark) is reached


@pytest.fixture
def course():
    return course_with_lessons(modules=1, lessons_per_module=2, price_amount=0)


@pytest.fixture
def lesson(course):
    return Lesson.objects.filter(module__course=course).first()


@pytest.fixture
def enrollment(course):
    return services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.FREE)


@pytest.mark.parametrize(
    ("answers", "chosen", "score"),
    [("+--", "A", 100), ("+--", "C", 0), ("+-+", "AC", 100), ("+-+", "A", 0), ("+-+", "ABC", 0)],
)
def test_an_attempt_is_marked_on_the_server_and_kept_with_its_choice(enrollment, lesson, answers, chosen, score):
    exercise = question(lesson=lesson, answers=answers)

    attempt = exercise_services.exercise_attempt_submit(
        enrollment=enrollment, exercise=exercise, option_ids=options(exercise, chosen)
    )

    attempt.refresh_from_db()
    assert attempt.score_percent == score
    assert attempt.selected_option_ids == sorted(options(exercise, chosen))


def test_every_attempt_is_kept_and_the_best_one_counts(enrollment, lesson):
    # given a question answered wrongly, then rightly, then wrongly again
    exercise = question(lesson=lesson, answers="+--")
    for letters in ("B", "A", "C"):
        exercise_services.exercise_attempt_submit(
            enrollment=enrollment, exercise=exercise, option_ids=options(exercise, letters)
        )

    # then three attempts are stored and the exercise counts as passed
    assert list(ExerciseAttempt.objects.filter(enrollment=enrollment).values_list("score_percent", flat=True)) == [
        0,
        100,
        0,
    ]
    progress = exercise_progress_for(enrollment=enrollment)
    assert (progress.total, progress.passed, progress.score_percent) == (1, 1, 100)


def test_progress_averages_best_scores_over_all_multiple_choice_exercises(enrollment, lesson):
    first, second, third = (question(lesson=lesson, position=n) for n in range(3))
    reflection(lesson=lesson)
    exercise_services.exercise_attempt_submit(enrollment=enrollment, exercise=first, option_ids=options(first, "A"))
    exercise_services.exercise_attempt_submit(enrollment=enrollment, exercise=second, option_ids=options(second, "B"))

    progress = exercise_progress_for(enrollment=enrollment)

    # the third was never tried: it counts as 0; the reflection is not marked
    assert (progress.total, progress.passed, progress.score_percent) == (3, 1, 33)
    assert (progress.reflections_total, progress.reflections_written) == (1, 0)
    assert progress.pass_mark_reached is True  # the course completes on lessons alone
    assert third.attempts.count() == 0


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ([], exercise_services.CHOOSE_AN_ANSWER),
        ([-1], exercise_services.UNKNOWN_OPTION),
    ],
)
def test_an_attempt_without_a_valid_choice_is_refused_and_not_stored(enrollment, lesson, chosen, message):
    exercise = question(lesson=lesson)

    with pytest.raises(ValidationError) as error:
        exercise_services.exercise_attempt_submit(enrollment=enrollment, exercise=exercise, option_ids=chosen)

    assert error.value.messages == [message]
    assert not ExerciseAttempt.objects.exists()


def test_an_option_of_another_question_is_refused(enrollment, lesson):
    exercise, other = question(lesson=lesson, position=0), question(lesson=lesson, position=1)

    with pytest.raises(ValidationError) as error:
        exercise_services.exercise_attempt_submit(
            enrollment=enrollment, exercise=exercise, option_ids=options(other, "A")
        )

    assert error.value.messages == [exercise_services.UNKNOWN_OPTION]


def test_an_exercise_of_another_course_is_refused(enrollment):
    other_course = course_with_lessons(modules=1, lessons_per_module=1)
    exercise = question(lesson=Lesson.objects.get(module__course=other_course))

    with pytest.raises(ValidationError) as error:
        exercise_services.exercise_attempt_submit(
            enrollment=enrollment, exercise=exercise, option_ids=options(exercise, "A")
        )

    assert error.value.messages == [exercise_services.EXERCISE_NOT_IN_COURSE]


@pytest.mark.parametrize("status", [Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED])
def test_a_learner_without_access_cannot_answer(enrollment, lesson, status):
    exercise = question(lesson=lesson)
    services.enrollment_set_status(enrollment=enrollment, status=status, reason="test")

    with pytest.raises(ValidationError) as error:
        exercise_services.exercise_attempt_submit(
            enrollment=enrollment, exercise=exercise, option_ids=options(exercise, "A")
        )

    assert error.value.messages == [services.ENROLLMENT_HAS_NO_ACCESS]
    assert not ExerciseAttempt.objects.exists()


def test_a_reflection_is_kept_and_saving_again_edits_it(enrollment, lesson):
    exercise = reflection(lesson=lesson)

    exercise_services.reflection_save(enrollment=enrollment, exercise=exercise, text="  First thoughts.  ")
    exercise_services.reflection_save(enrollment=enrollment, exercise=exercise, text="Second thoughts.")

    assert list(Reflection.objects.values_list("text", flat=True)) == ["Second thoughts."]
    assert exercise_progress_for(enrollment=enrollment).reflections_written == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", exercise_services.REFLECTION_EMPTY),
        ("x" * 4001, exercise_services.REFLECTION_TOO_LONG),
    ],
)
def test_an_empty_or_too_long_reflection_is_refused(enrollment, lesson, text, message):
    exercise = reflection(lesson=lesson)

    with pytest.raises(ValidationError) as error:
        exercise_services.reflection_save(enrollment=enrollment, exercise=exercise, text=text)

    assert error.value.messages == [message]


def test_kinds_are_answered_their_own_way(enrollment, lesson):
    choice, free_text = question(lesson=lesson), reflection(lesson=lesson)

    with pytest.raises(ValidationError) as chose_on_reflection:
        exercise_services.exercise_attempt_submit(enrollment=enrollment, exercise=free_text, option_ids=[1])
    with pytest.raises(ValidationError) as wrote_on_choice:
        exercise_services.reflection_save(enrollment=enrollment, exercise=choice, text="Words")

    assert chose_on_reflection.value.messages == [exercise_services.EXERCISE_NOT_MULTIPLE_CHOICE]
    assert wrote_on_choice.value.messages == [exercise_services.EXERCISE_NOT_REFLECTION]
