"""Writes of exercises: a multiple-choice attempt (marked here, on the server) and a private reflection.

Both lock the learner's enrollment row first (`SELECT … FOR UPDATE`), as courses.services does for
lessons, so an attempt and a lesson completed at the same moment are checked against the completion rule
one after the other: the enrollment completes, and its certificate is issued, exactly once, whichever of
them meets the rule's last requirement.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from courses.exercises.marking import mark_selection
from courses.models import Enrollment, Exercise, ExerciseAttempt, Reflection
from courses.models.exercises import REFLECTION_MAX_LENGTH
from courses.services import ENROLLMENT_HAS_NO_ACCESS, enrollment_complete_if_finished

EXERCISE_NOT_IN_COURSE = "This exercise is not part of the enrolled course."
EXERCISE_NOT_MULTIPLE_CHOICE = "This exercise is answered in your own words, not by choosing."
EXERCISE_NOT_REFLECTION = "This exercise is answered by choosing, not in your own words."
CHOOSE_AN_ANSWER = "Choose an answer before checking it."
UNKNOWN_OPTION = "That answer is not one of this question's options."
REFLECTION_EMPTY = "Write something before saving your reflection."
REFLECTION_TOO_LONG = f"Keep your reflection under {REFLECTION_MAX_LENGTH} characters."


def _locked_with_access(*, enrollment: Enrollment, exercise: Exercise) -> Enrollment:
    """Inside a transaction: the enrollment row locked, after checking the exercise is in its course."""
    if exercise.lesson.module.course_id != enrollment.course_id:
        raise ValidationError(EXERCISE_NOT_IN_COURSE, code="wrong_course")
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if not locked.has_access:
        raise ValidationError(ENROLLMENT_HAS_NO_ACCESS, code="no_access")
    return locked


def exercise_attempt_submit(
    *, enrollment: Enrollment, exercise: Exercise, option_ids: Iterable[int]
) -> ExerciseAttempt:
    """Mark the chosen options of a multiple-choice exercise and keep the attempt with its score.

    Guarantees: the answer is marked here from the stored options (courses.exercises.marking), never from
    anything the page sent but the chosen ids; every attempt is kept (retries are unlimited, the best one
    counts); the enrollment must give access (ValidationError ENROLLMENT_HAS_NO_ACCESS), the exercise must
    be multiple choice in the enrollment's course, and the chosen ids must be its own options, at least one.
    When the attempt meets the last requirement of the course's completion rule the enrollment completes
    and the certificate is issued (once: the enrollment row is locked for the whole check). An attempt after
    completion changes nothing about it.
    """
    if not exercise.is_multiple_choice:
        raise ValidationError(EXERCISE_NOT_MULTIPLE_CHOICE, code="wrong_kind")
    chosen = sorted(set(option_ids))
    if not chosen:
        raise ValidationError(CHOOSE_AN_ANSWER, code="empty")
    options = dict(exercise.options.values_list("id", "is_correct"))
    if any(option_id not in options for option_id in chosen):
        raise ValidationError(UNKNOWN_OPTION, code="unknown_option")
    score = mark_selection(correct_ids=[pk for pk, right in options.items() if right], chosen_ids=chosen)
    with transaction.atomic():
        locked = _locked_with_access(enrollment=enrollment, exercise=exercise)
        attempt = ExerciseAttempt.objects.create(
            enrollment=locked, exercise=exercise, selected_option_ids=chosen, score_percent=score
        )
        locked.last_activity_at = timezone.now()
        locked.save(update_fields=["last_activity_at", "updated_at"])
        enrollment_complete_if_finished(enrollment=locked)
    enrollment.status, enrollment.completed_at = locked.status, locked.completed_at
    enrollment.last_activity_at = locked.last_activity_at
    return attempt


def reflection_save(*, enrollment: Enrollment, exercise: Exercise, text: str) -> Reflection:
    """Keep (or replace) the learner's private reflection on a reflection exercise.

    Guarantees: one reflection per enrollment and exercise (the unique constraint; saving again edits it);
    only the enrollment's own learner ever reads it (selectors filter by enrollment). Not empty, at most
    REFLECTION_MAX_LENGTH characters; the enrollment must give access. Reflections are not marked and do
    not count towards completion.
    """
    if exercise.is_multiple_choice:
        raise ValidationError(EXERCISE_NOT_REFLECTION, code="wrong_kind")
    text = text.strip()
    if not text:
        raise ValidationError(REFLECTION_EMPTY, code="empty")
    if len(text) > REFLECTION_MAX_LENGTH:
        raise ValidationError(REFLECTION_TOO_LONG, code="too_long")
    with transaction.atomic():
        locked = _locked_with_access(enrollment=enrollment, exercise=exercise)
        reflection, _ = Reflection.objects.update_or_create(
            enrollment=locked, exercise=exercise, defaults={"text": text}
        )
    return reflection
