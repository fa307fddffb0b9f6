"""The learner answering a lesson's exercises: a multiple-choice attempt, a reflection.

Both are plain form posts that come back to the lesson (Post/Redirect/Get), where the exercise shows its
result; they work without JavaScript. Only a learner whose enrollment gives access may answer, also on a
free preview lesson, where visitors can read the questions: anybody else gets 403 (404 when the exercise
is not in that lesson of a course they can see).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from courses.exercises import services
from courses.exercises.selectors import exercise_in_lesson
from courses.selectors.learning import enrollment_for
from courses.views.learning import COURSE_COMPLETED, _course_or_404, _no_access_message

REFLECTION_SAVED = "Reflection saved. Only you can see it."


def _exercise_and_enrollment(request, slug, lesson_id, exercise_id):
    course = _course_or_404(request, slug)
    exercise = exercise_in_lesson(course=course, lesson_id=lesson_id, exercise_id=exercise_id)
    if exercise is None:
        raise Http404("No such exercise in this lesson")
    enrollment = enrollment_for(user=request.user, course=course)
    if enrollment is None or not enrollment.has_access:
        raise PermissionDenied(_no_access_message(enrollment))
    return course, exercise, enrollment


def _back_to(course, exercise):
    url = reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": exercise.lesson_id})
    return redirect(f"{url}#exercise-{exercise.pk}")


def _option_ids(values: list[str]) -> list[int]:
    # Something that is not an id is no option of this exercise: -1 makes the service refuse it.
    return [int(value) if value.isdigit() else -1 for value in values]


@require_POST
@login_required
def exercise_answer(request, slug, lesson_id, exercise_id):
    """Mark the learner's choice on the server; the lesson then shows the result and per-option feedback."""
    course, exercise, enrollment = _exercise_and_enrollment(request, slug, lesson_id, exercise_id)
    was_complete = enrollment.status == enrollment.Status.COMPLETED
    try:
        services.exercise_attempt_submit(
            enrollment=enrollment, exercise=exercise, option_ids=_option_ids(request.POST.getlist("option"))
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if not was_complete and enrollment.status == enrollment.Status.COMPLETED:
            messages.success(request, COURSE_COMPLETED)
    return _back_to(course, exercise)


@require_POST
@login_required
def reflection_save(request, slug, lesson_id, exercise_id):
    """Keep the learner's private reflection (saving again edits it)."""
    course, exercise, enrollment = _exercise_and_enrollment(request, slug, lesson_id, exercise_id)
    try:
        services.reflection_save(enrollment=enrollment, exercise=exercise, text=request.POST.get("text", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, REFLECTION_SAVED)
    return _back_to(course, exercise)
