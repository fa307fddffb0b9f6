"""The course's completion rule: when the enrollment completes and the certificate is issued."""

import threading

import pytest
from django.db import connection

from courses import services
from courses.exercises import services as exercise_services
from courses.models import Certificate, Course, Enrollment, Lesson
from courses.tests.exercise_factories import options, question, reflection
from courses.tests.factories import course_with_lessons
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASS_MARK = Course.CompletionRule.LESSONS_AND_PASS_MARK


def make_course(*, rule=PASS_MARK, pass_mark=75, questions=4):
    """Two lessons; `questions` single-answer questions (option A right) on the first lesson."""
    course = course_with_lessons(
        modules=1, lessons_per_module=2, price_amount=0, completion_rule=rule, pass_mark_percent=pass_mark
    )
    first = Lesson.objects.filter(module__course=course).first()
    exercises = [question(lesson=first, position=n) for n in range(questions)]
    return course, exercises


def enroll(course):
    return services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.FREE)


def complete_lessons(enrollment):
    for lesson in Lesson.objects.filter(module__course_id=enrollment.course_id):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)


def answer(enrollment, exercise, letters):
    return exercise_services.exercise_attempt_submit(
        enrollment=enrollment, exercise=exercise, option_ids=options(exercise, letters)
    )


def completed_with_certificate(enrollment) -> bool:
    enrollment.refresh_from_db()
    completed = enrollment.status == Enrollment.Status.COMPLETED
    return completed and Certificate.objects.filter(enrollment=enrollment, is_valid=True).exists()


@pytest.mark.parametrize(
    ("pass_mark", "right_answers", "completes"),
    [
        (75, 3, True),  # 3 of 4 right: 75 %, exactly at the mark
        (76, 3, False),  # one below the mark
        (75, 2, False),  # 50 %
        (100, 4, True),
        (100, 3, False),
        (1, 1, True),  # 25 % clears a 1 % mark
        (1, 0, False),
    ],
)
def test_with_a_pass_mark_the_course_completes_only_when_the_average_best_score_reaches_it(
    pass_mark, right_answers, completes
):
    # given a course with four questions and a pass mark, every lesson complete
    course, exercises = make_course(pass_mark=pass_mark)
    enrollment = enroll(course)
    # when the learner answers `right_answers` of them rightly and the rest wrongly
    for number, exercise in enumerate(exercises):
        answer(enrollment, exercise, "A" if number < right_answers else "B")
    complete_lessons(enrollment)

    # then the enrollment completes, with its certificate, exactly when the mark is reached
    assert completed_with_certificate(enrollment) is completes
    assert Certificate.objects.filter(enrollment=enrollment).exists() is completes


def test_the_last_requirement_met_by_an_exercise_attempt_completes_the_course_and_issues_the_certificate():
    # given every lesson complete and two of four questions right (50 % < 75 %)
    course, exercises = make_course(pass_mark=75)
    enrollment = enroll(course)
    for exercise in exercises[:2]:
        answer(enrollment, exercise, "A")
    complete_lessons(enrollment)
    assert not completed_with_certificate(enrollment)

    # when a retry of a missed question raises the best score to the mark
    answer(enrollment, exercises[2], "B")
    assert not completed_with_certificate(enrollment)
    answer(enrollment, exercises[2], "A")

    # then the attempt completes the course and issues the certificate, once
    assert completed_with_certificate(enrollment)
    assert enrollment.events.filter(to_status=Enrollment.Status.COMPLETED).count() == 1


def test_a_wrong_retry_after_passing_keeps_the_best_score_and_the_completion():
    course, exercises = make_course(pass_mark=100, questions=1)
    enrollment = enroll(course)
    answer(enrollment, exercises[0], "A")
    complete_lessons(enrollment)
    assert completed_with_certificate(enrollment)

    answer(enrollment, exercises[0], "C")

    assert completed_with_certificate(enrollment)


def test_a_course_without_exercises_under_the_pass_mark_rule_completes_on_its_lessons():
    course, _ = make_course(pass_mark=100, questions=0)
    reflection(lesson=Lesson.objects.filter(module__course=course).first())  # reflections are not marked
    enrollment = enroll(course)

    complete_lessons(enrollment)

    assert completed_with_certificate(enrollment)


def test_lessons_only_rule_ignores_the_exercises():
    course, exercises = make_course(rule=Course.CompletionRule.LESSONS, pass_mark=100)
    enrollment = enroll(course)
    answer(enrollment, exercises[0], "B")

    complete_lessons(enrollment)

    assert completed_with_certificate(enrollment)


def test_passing_every_exercise_does_not_complete_a_course_with_lessons_left():
    course, exercises = make_course(pass_mark=50)
    enrollment = enroll(course)

    for exercise in exercises:
        answer(enrollment, exercise, "A")

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert not Certificate.objects.filter(enrollment=enrollment).exists()


def test_an_exercise_added_after_completion_leaves_the_completion_standing():
    # given a completed pass-mark course
    course, exercises = make_course(pass_mark=100, questions=1)
    enrollment = enroll(course)
    answer(enrollment, exercises[0], "A")
    complete_lessons(enrollment)
    assert completed_with_certificate(enrollment)

    # when staff add a question the learner has not answered, and the learner does anything
    added = question(lesson=Lesson.objects.filter(module__course=course).last(), position=9)
    services.lesson_complete(enrollment=enrollment, lesson=Lesson.objects.filter(module__course=course).first())
    answer(enrollment, added, "B")

    # then the course stays completed and the certificate valid
    assert completed_with_certificate(enrollment)


def test_a_reactivated_enrollment_completes_again_only_if_the_pass_mark_is_still_met():
    # given a learner who completed every lesson but is one question short of the mark, then was refunded
    course, exercises = make_course(pass_mark=75)
    enrollment = enroll(course)
    for exercise in exercises[:2]:
        answer(enrollment, exercise, "A")
    complete_lessons(enrollment)
    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REFUNDED, reason="test")

    # when they buy the course again
    again = services.enrollment_create(user=enrollment.user, course=course, type=Enrollment.Type.PAID)

    # then they are active, not completed: the pass mark still stands between them and the certificate
    assert again.status == Enrollment.Status.ACTIVE
    assert not Certificate.objects.filter(enrollment=enrollment).exists()


@pytest.mark.django_db(transaction=True)
def test_the_last_lesson_and_the_passing_attempt_at_the_same_moment_complete_the_course_once():
    # given a pass-mark course where only the last lesson and one question remain
    course, exercises = make_course(pass_mark=100, questions=2)
    enrollment = enroll(course)
    answer(enrollment, exercises[0], "A")
    *earlier, last = Lesson.objects.filter(module__course=course)
    for lesson in earlier:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    barrier = threading.Barrier(2)
    errors = []

    def run(step):
        try:
            mine = Enrollment.objects.get(pk=enrollment.pk)
            barrier.wait()
            step(mine)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when the learner completes the last lesson in one tab while answering the question in another
    threads = [
        threading.Thread(target=run, args=(lambda mine: services.lesson_complete(enrollment=mine, lesson=last),)),
        threading.Thread(target=run, args=(lambda mine: answer(mine, exercises[1], "A"),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then whichever came second completed the course: one completion, one certificate
    assert errors == []
    assert completed_with_certificate(enrollment)
    assert enrollment.events.filter(to_status=Enrollment.Status.COMPLETED).count() == 1
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
