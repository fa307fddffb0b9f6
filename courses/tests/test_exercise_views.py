"""Exercises on the lesson page: what the page shows before and after an attempt, who may answer, queries."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from courses import services
from courses.exercises import services as exercise_services
from courses.models import Course, Enrollment, ExerciseAttempt, Lesson, Reflection
from courses.tests.exercise_factories import options, question, reflection
from courses.tests.factories import course_with_lessons
from courses.views import exercises as exercise_views
from courses.views import learning
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# What only an attempt may reveal: the class marking a right or wrong option, and the feedback texts.
CORRECTNESS_MARKERS = ("exercise-option--right", "exercise-option--wrong", "Feedback ")


def lessons(course):
    return list(Lesson.objects.filter(module__course=course))


def lesson_url(course, lesson):
    return reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": lesson.pk})


def answer_url(course, exercise):
    return reverse(
        "courses:exercise_answer",
        kwargs={"slug": course.slug, "lesson_id": exercise.lesson_id, "exercise_id": exercise.pk},
    )


def reflection_url(course, exercise):
    return reverse(
        "courses:reflection_save",
        kwargs={"slug": course.slug, "lesson_id": exercise.lesson_id, "exercise_id": exercise.pk},
    )


@pytest.fixture
def course():
    # The first lesson is a free preview; the exercises sit on the second.
    return course_with_lessons(modules=1, lessons_per_module=3, price_amount=0)


@pytest.fixture
def lesson(course):
    return lessons(course)[1]


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def enrollment(learner, course):
    return services.enrollment_create(user=learner, course=course, type=Enrollment.Type.FREE)


def test_before_an_attempt_the_page_source_holds_no_right_answer_and_no_feedback(client, enrollment, course, lesson):
    single = question(lesson=lesson, answers="-+-", prompt="Which one?", position=0)
    several = question(lesson=lesson, answers="+-+", prompt="Which ones?", position=1)

    response = client.get(lesson_url(course, lesson))

    assertContains(response, "Which one?")
    assertContains(response, "Which ones?")
    html = response.content.decode()
    for marker in CORRECTNESS_MARKERS:
        assert marker not in html
    # the options are there, without anything telling the right one apart
    for exercise in (single, several):
        for option in exercise.options.all():
            assert f'value="{option.pk}"' in html
    assertContains(response, "Choose one answer.")
    assertContains(response, "Choose every answer that applies.")
    assertContains(response, 'type="radio"', count=3)
    assertContains(response, 'type="checkbox"', count=3)


def test_a_wrong_attempt_shows_feedback_for_the_chosen_option_only_and_offers_a_retry(
    client, enrollment, course, lesson
):
    exercise = question(lesson=lesson, answers="+--", prompt="Pick")

    response = client.post(answer_url(course, exercise), {"option": options(exercise, "B")})

    assertRedirects(response, f"{lesson_url(course, lesson)}#exercise-{exercise.pk}", fetch_redirect_response=False)
    page = client.get(lesson_url(course, lesson))
    assertContains(page, "Not quite: read the feedback and try again.")
    assertContains(page, "Feedback B of Pick")
    assertNotContains(page, "Feedback A of Pick")  # the right answer stays hidden
    assertNotContains(page, "Feedback C of Pick")
    assertNotContains(page, "exercise-option--right")
    assertContains(page, "Try again")
    assert ExerciseAttempt.objects.get().score_percent == 0


def test_a_right_attempt_reveals_every_option_with_its_feedback(client, enrollment, course, lesson):
    exercise = question(lesson=lesson, answers="+-+", prompt="Pick")
    client.post(answer_url(course, exercise), {"option": options(exercise, "A")})

    client.post(answer_url(course, exercise), {"option": options(exercise, "AC")})

    page = client.get(lesson_url(course, lesson))
    assertContains(page, "Correct, well done.")
    assertContains(page, "2 attempts")
    for letter in "ABC":
        assertContains(page, f"Feedback {letter} of Pick")
    assertContains(page, "exercise-option--right", count=2)
    assertContains(page, "exercise-option--wrong", count=1)


def test_an_empty_answer_is_refused_with_a_message(client, enrollment, course, lesson):
    exercise = question(lesson=lesson)

    response = client.post(answer_url(course, exercise), {}, follow=True)

    assertContains(response, exercise_services.CHOOSE_AN_ANSWER)
    assert not ExerciseAttempt.objects.exists()


def test_a_junk_option_id_is_refused(client, enrollment, course, lesson):
    exercise = question(lesson=lesson)

    response = client.post(answer_url(course, exercise), {"option": ["abc"]}, follow=True)

    assertContains(response, escape(exercise_services.UNKNOWN_OPTION))
    assert not ExerciseAttempt.objects.exists()


def test_the_attempt_that_meets_the_pass_mark_completes_the_course_and_says_so(client, enrollment, course, lesson):
    Course.objects.filter(pk=course.pk).update(
        completion_rule=Course.CompletionRule.LESSONS_AND_PASS_MARK, pass_mark_percent=100
    )
    exercise = question(lesson=lesson)
    for each in lessons(course):
        services.lesson_complete(enrollment=enrollment, lesson=each)
    last = lesson_url(course, lessons(course)[-1])
    before = client.get(last)
    assertContains(before, "One step left: the pass mark")
    assertContains(before, f'<li><a href="{lesson_url(course, lesson)}">{lesson.title}</a></li>')  # where to retry
    assertNotContains(before, "Download certificate")

    response = client.post(answer_url(course, exercise), {"option": options(exercise, "A")}, follow=True)

    assertContains(response, learning.COURSE_COMPLETED)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assertContains(client.get(last), "Download certificate")


@pytest.mark.parametrize("status", [None, Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED])
def test_only_a_learner_with_access_may_answer(client, learner, course, lesson, status):
    exercise, free_text = question(lesson=lesson), reflection(lesson=lesson)
    if status is not None:
        enrollment = services.enrollment_create(user=learner, course=course, type=Enrollment.Type.FREE)
        services.enrollment_set_status(enrollment=enrollment, status=status, reason="test")

    answered = client.post(answer_url(course, exercise), {"option": options(exercise, "A")})
    reflected = client.post(reflection_url(course, free_text), {"text": "Mine"})

    assert answered.status_code == reflected.status_code == 403
    assert not ExerciseAttempt.objects.exists()
    assert not Reflection.objects.exists()


def test_a_visitor_is_sent_to_sign_in_before_answering(client, course, lesson):
    exercise = question(lesson=lesson)

    response = client.post(answer_url(course, exercise), {"option": options(exercise, "A")})

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_exercise_answered_through_another_lesson_or_course_is_not_found(client, enrollment, course, lesson):
    exercise = question(lesson=lesson)
    other_lesson = lessons(course)[2]
    other_course = course_with_lessons(modules=1, lessons_per_module=1, price_amount=0)
    wrong_lesson = reverse(
        "courses:exercise_answer",
        kwargs={"slug": course.slug, "lesson_id": other_lesson.pk, "exercise_id": exercise.pk},
    )
    wrong_course = reverse(
        "courses:exercise_answer",
        kwargs={"slug": other_course.slug, "lesson_id": lesson.pk, "exercise_id": exercise.pk},
    )

    assert client.post(wrong_lesson, {"option": options(exercise, "A")}).status_code == 404
    assert client.post(wrong_course, {"option": options(exercise, "A")}).status_code == 404
    assert client.get(answer_url(course, exercise)).status_code == 405


def test_a_preview_lessons_questions_are_readable_but_only_enrolled_learners_answer(client, course):
    preview = lessons(course)[0]
    exercise = question(lesson=preview, prompt="Preview question?")

    page = client.get(lesson_url(course, preview))  # a visitor

    assertContains(page, "Preview question?")
    assertContains(page, "Enroll to answer these questions")
    assertNotContains(page, "Check answer")
    assertContains(page, "disabled", count=3)
    for marker in CORRECTNESS_MARKERS:
        assertNotContains(page, marker)
    client.force_login(UserFactory())
    assert client.post(answer_url(course, exercise), {"option": options(exercise, "A")}).status_code == 403


def test_a_reflection_is_private_to_its_learner_and_editable(client, enrollment, course, lesson):
    exercise = reflection(lesson=lesson, prompt="What will you try?")
    client.post(reflection_url(course, exercise), {"text": "A walk at noon, every day."})

    # the learner sees it, can edit it
    page = client.get(lesson_url(course, lesson))
    assertContains(page, "A walk at noon, every day.")
    assertContains(page, "Update reflection")
    response = client.post(reflection_url(course, exercise), {"text": "A walk at noon."}, follow=True)
    assertContains(response, exercise_views.REFLECTION_SAVED)
    assert Reflection.objects.get().text == "A walk at noon."

    # another learner of the same course does not see it
    other = UserFactory()
    services.enrollment_create(user=other, course=course, type=Enrollment.Type.FREE)
    client.force_login(other)
    assertNotContains(client.get(lesson_url(course, lesson)), "A walk at noon.")


def test_progress_shows_lessons_and_exercises_separately_in_the_outline_and_dashboard(
    client, enrollment, course, lesson
):
    Course.objects.filter(pk=course.pk).update(
        completion_rule=Course.CompletionRule.LESSONS_AND_PASS_MARK, pass_mark_percent=80
    )
    questions = [question(lesson=lesson, position=n) for n in range(4)]
    for exercise, letters in zip(questions, ("A", "A", "A", "B"), strict=True):
        exercise_services.exercise_attempt_submit(
            enrollment=enrollment, exercise=exercise, option_ids=options(exercise, letters)
        )
    services.lesson_complete(enrollment=enrollment, lesson=lesson)

    page = client.get(lesson_url(course, lesson))
    dashboard = client.get(reverse("courses:dashboard"))

    for response in (page, dashboard):
        assertContains(response, "1 of 3 lessons")
        assertContains(response, "3 of 4 exercises passed")
        assertContains(response, "pass mark 80%")


def test_a_course_without_exercises_shows_no_exercise_progress(client, enrollment, course, lesson):
    page = client.get(lesson_url(course, lesson))

    assertNotContains(page, "exercises passed")
    assertNotContains(page, 'class="exercises"')


def _course_with_questions(count, *, learner):
    course = course_with_lessons(modules=1, lessons_per_module=2, price_amount=0)
    lesson = lessons(course)[0]
    enrollment = services.enrollment_create(user=learner, course=course, type=Enrollment.Type.FREE)
    for n in range(count):
        exercise = question(lesson=lesson, position=n)
        exercise_services.exercise_attempt_submit(
            enrollment=enrollment, exercise=exercise, option_ids=options(exercise, "B")
        )
        exercise_services.exercise_attempt_submit(
            enrollment=enrollment, exercise=exercise, option_ids=options(exercise, "A")
        )
    reflection_exercise = reflection(lesson=lesson, position=99)
    exercise_services.reflection_save(enrollment=enrollment, exercise=reflection_exercise, text="Noted.")
    return lesson_url(course, lesson)


def test_the_lesson_page_runs_the_same_number_of_queries_whatever_the_number_of_exercises(
    client, learner, django_assert_num_queries, django_assert_max_num_queries
):
    one, many = _course_with_questions(1, learner=learner), _course_with_questions(12, learner=learner)
    client.get(one)  # warm the session and site-wide caches alike for both

    with django_assert_max_num_queries(40) as few:
        assert client.get(one).status_code == 200
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(many)

    assertContains(response, "Correct, well done.", count=12)


def test_dashboard_runs_the_same_number_of_queries_with_exercises(
    client, learner, django_assert_num_queries, django_assert_max_num_queries
):
    _course_with_questions(1, learner=learner)
    client.get(reverse("courses:dashboard"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("courses:dashboard"))
    _course_with_questions(5, learner=learner)
    _course_with_questions(3, learner=learner)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("courses:dashboard"))

    assertContains(response, "5 of 5 exercises passed")


def test_the_outline_tags_the_lessons_with_questions_until_they_are_passed(client, enrollment, course, lesson):
    exercise = question(lesson=lesson)
    url = lesson_url(course, lessons(course)[0])
    assertContains(client.get(url), '<span class="learn-outline__quiz">Quiz</span>', count=1)

    client.post(answer_url(course, exercise), {"option": options(exercise, "A")})

    page = client.get(url)
    assertNotContains(page, '<span class="learn-outline__quiz">Quiz</span>')
    assertContains(page, "Quiz passed", count=1)
