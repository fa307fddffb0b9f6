"""A learner answers a quiz in a real browser: wrong first, reads the feedback, retries, passes, and
completes a course that needs a pass mark on its exercises, which issues the certificate.

Run at a laptop's and a phone's width; screenshots go to the test's artifacts, and also to the folder
named by EXERCISES_SHOTS_DIR when set (a flat folder to look through).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.models import Certificate, Course, Enrollment, Lesson
from courses.tests.exercise_factories import ExerciseFactory, ExerciseOptionFactory, reflection
from courses.tests.factories import CategoryFactory, course_with_lessons
from innerwork.accounts.tests.factories import PASSWORD, UserFactory, VerifiedUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS_DIR = os.environ.get("EXERCISES_SHOTS_DIR", "")
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _question(lesson, prompt, options, position=0):
    exercise = ExerciseFactory(lesson=lesson, prompt=prompt, position=position)
    for index, (text, right, feedback) in enumerate(options):
        ExerciseOptionFactory(exercise=exercise, text=text, is_correct=right, feedback=feedback, position=index)
    return exercise


@pytest.fixture
def quiz_course():
    """A free two-lesson course that needs 100 % on its two questions (one per lesson)."""
    course = course_with_lessons(
        modules=1,
        lessons_per_module=2,
        price_amount=0,
        title="Five-Minute Breathing Breaks",
        slug="five-minute-breathing-breaks",
        category=CategoryFactory(name="Wellbeing", slug="wellbeing"),
        instructor=UserFactory(full_name="Amara Okafor"),
        completion_rule=Course.CompletionRule.LESSONS_AND_PASS_MARK,
        pass_mark_percent=100,
    )
    first, second = Lesson.objects.filter(module__course=course)
    Lesson.objects.filter(pk=first.pk).update(title="Your breath is a remote control", body="Breathe out slowly.")
    Lesson.objects.filter(pk=second.pk).update(title="Box breathing", body="Four counts in, hold, out, hold.")
    _question(
        first,
        "Which part of the breath does the most to calm you down?",
        [
            ("The in-breath", False, "Breathing in speeds the heart up slightly."),
            ("The out-breath", True, "Yes: a long, slow exhale signals safety."),
            ("Holding the breath", False, "A hold steadies the rhythm but does not calm."),
        ],
    )
    _question(
        second,
        "Which of these describe box breathing?",
        [
            ("Four equal counts", True, "That is the box: four equal sides."),
            ("Easy to recall under pressure", True, "Which is why pilots learn it."),
            ("Breathing as fast as you can", False, "Fast breathing does the opposite."),
        ],
    )
    reflection(lesson=second, prompt="Which moment of your day will you tie a breathing break to?")
    return course


def _shot(page, viewport: str, name: str):
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS_DIR) / f"{viewport}-{name}.png"), full_page=True)
    page.shot(f"{viewport}-{name}")


def _exercise(page, prompt):
    return page.locator("li.exercise", has_text=prompt)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_learner_fails_a_question_retries_passes_and_completes_a_pass_mark_course(
    live_server, page, quiz_course, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    base = live_server.url
    learner = VerifiedUserFactory(email=f"quiz.{viewport}@example.com", full_name="Grace Quiz")

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='login']", learner.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    # Enroll in the free course: the first lesson opens with its question, no answer given away
    page.goto(f"{base}{quiz_course.get_absolute_url()}")
    page.locator(f"form[action$='/courses/{quiz_course.slug}/enroll/'] [type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("Your breath is a remote control")
    first = _exercise(page, "Which part of the breath")
    expect(first.get_by_text("Choose one answer.")).to_be_visible()
    source = page.content()
    assert "signals safety" not in source
    assert "exercise-option--right" not in source
    _shot(page, viewport, "01-question")

    # A wrong answer: marked on the server, feedback on the chosen option only
    first.get_by_label("The in-breath").check()
    first.get_by_role("button", name="Check answer").click()
    first = _exercise(page, "Which part of the breath")
    expect(first.get_by_text("Not quite: read the feedback and try again.")).to_be_visible()
    expect(first.get_by_text("Breathing in speeds the heart up slightly.")).to_be_visible()
    assert "signals safety" not in page.content()
    first.scroll_into_view_if_needed()
    _shot(page, viewport, "02-wrong-with-feedback")

    # Retry: right this time, every option explained
    first.get_by_label("The out-breath").check()
    first.get_by_role("button", name="Try again").click()
    first = _exercise(page, "Which part of the breath")
    expect(first.get_by_text("Correct, well done.")).to_be_visible()
    expect(first.get_by_text("Yes: a long, slow exhale signals safety.")).to_be_visible()
    expect(page.locator(".learn-outline").get_by_text("1 of 2 exercises passed")).to_have_count(1)
    _shot(page, viewport, "03-right")

    # Finish both lessons before the second question: the pass mark still stands between learner and certificate
    page.get_by_role("button", name="Mark complete").click()
    expect(page.locator("h1")).to_have_text("Box breathing")
    second = _exercise(page, "Which of these describe box breathing?")
    expect(second.get_by_text("Choose every answer that applies.")).to_be_visible()
    page.get_by_label("Which moment of your day").fill("After my morning coffee.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Reflection saved. Only you can see it.")).to_be_visible()
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_text("One step left: the pass mark")).to_be_visible()
    expect(page.get_by_text("Download certificate (PDF)")).to_have_count(0)
    _shot(page, viewport, "04-pass-mark-left")

    # A partial selection of a several-answer question is wrong
    second = _exercise(page, "Which of these describe box breathing?")
    second.get_by_label("Four equal counts").check()
    second.get_by_role("button", name="Check answer").click()
    second = _exercise(page, "Which of these describe box breathing?")
    expect(second.get_by_text("Not quite: read the feedback and try again.")).to_be_visible()
    assert Enrollment.objects.get(user=learner).status == Enrollment.Status.ACTIVE

    # The retry that reaches the pass mark completes the course and issues the certificate
    second.get_by_label("Easy to recall under pressure").check()
    second.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("Congratulations, you completed the course!")).to_be_visible()
    expect(page.get_by_text("Download certificate (PDF)")).to_be_visible()
    _shot(page, viewport, "05-completed")
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert Certificate.objects.filter(enrollment=enrollment, is_valid=True).exists()

    # The dashboard card shows lessons and exercises separately
    page.goto(f"{base}/dashboard/")
    card = page.locator(".dash-course", has_text="Five-Minute Breathing Breaks")
    expect(card.get_by_text("2 of 2 lessons")).to_be_visible()
    expect(card.get_by_text("2 of 2 exercises passed")).to_be_visible()
    _shot(page, viewport, "06-dashboard")
