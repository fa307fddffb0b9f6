"""Reads of exercises: what a lesson page shows, a learner's exercise progress, the completion rule's test.

What reaches a page is built here as plain records (OptionView, LessonExercise): an option's `is_correct`
and `feedback` are copied into them only after the learner has attempted the exercise (feedback for the
options they chose) or passed it (everything). Templates never get ExerciseOption rows, so the right
answers cannot leak into the page source by accident. Every function runs a fixed number of queries,
whatever the number of exercises, options or attempts.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from courses.exercises.marking import FULL_MARKS, pass_mark_reached
from courses.models import Course, Enrollment, Exercise, ExerciseAttempt, ExerciseOption, Lesson, Reflection


@dataclass(frozen=True)
class OptionView:
    id: int
    text: str
    was_chosen: bool  # in the learner's latest attempt
    is_correct: bool | None  # None until the learner may know (their choice was marked, or the exercise passed)
    feedback: str  # "" until the learner may read it


@dataclass(frozen=True)
class LessonExercise:
    exercise: Exercise
    number: int  # 1-based, within the lesson
    options: list[OptionView]
    choose_several: bool  # checkboxes ("every answer that applies") rather than radio buttons
    attempts: int
    best_score: int | None
    latest_score: int | None
    reflection: str

    @property
    def is_passed(self) -> bool:
        return self.best_score == FULL_MARKS

    @property
    def latest_is_correct(self) -> bool:
        return self.latest_score == FULL_MARKS


@dataclass(frozen=True)
class ExerciseProgress:
    """A learner's standing on a course's exercises (what progress pages show, what the pass-mark rule reads)."""

    total: int  # multiple-choice exercises in the course
    passed: int  # of which the best attempt is right
    score_percent: int  # best-attempt scores averaged over all of them, rounded down (0 when there are none)
    reflections_total: int
    reflections_written: int
    pass_mark_percent: int | None  # None when the course completes on lessons alone
    pass_mark_reached: bool
    lessons_with_questions: frozenset[int]  # ids of the lessons holding multiple-choice exercises
    lessons_with_unpassed: frozenset[int]  # of which, those holding a question not yet answered rightly

    @property
    def needs_pass_mark(self) -> bool:
        return self.pass_mark_percent is not None


def _best_score(enrollment: Enrollment):
    return Subquery(
        ExerciseAttempt.objects.filter(enrollment=enrollment, exercise=OuterRef("pk"))
        .order_by("-score_percent")
        .values("score_percent")[:1]
    )


def exercise_progress_for(*, enrollment: Enrollment, course: Course | None = None) -> ExerciseProgress:
    """The enrollment's exercises passed, average best score and reflections written, and whether the
    course's pass mark is reached (always True for a course that completes on lessons alone).

    One query (two when `course`, the enrollment's course, is not given), whatever the number of
    exercises and attempts.
    """
    if course is None:
        course = Course.objects.only("completion_rule", "pass_mark_percent").get(pk=enrollment.course_id)
    rows = list(
        Exercise.objects.filter(lesson__module__course_id=enrollment.course_id)
        .annotate(
            best=_best_score(enrollment),
            written=Exists(Reflection.objects.filter(enrollment=enrollment, exercise=OuterRef("pk"))),
        )
        .values_list("kind", "best", "written", "lesson_id")
    )
    choice_rows = [(best, lesson_id) for kind, best, _, lesson_id in rows if kind == Exercise.Kind.MULTIPLE_CHOICE]
    best_scores = [best for best, _ in choice_rows if best is not None]
    total = len(choice_rows)
    needs_mark = course.completion_rule == Course.CompletionRule.LESSONS_AND_PASS_MARK
    return ExerciseProgress(
        total=total,
        passed=sum(1 for best in best_scores if best == FULL_MARKS),
        score_percent=sum(best_scores) // total if total else 0,
        reflections_total=sum(1 for kind, *_ in rows if kind == Exercise.Kind.REFLECTION),
        reflections_written=sum(1 for kind, _, written, _ in rows if kind == Exercise.Kind.REFLECTION and written),
        pass_mark_percent=course.pass_mark_percent if needs_mark else None,
        pass_mark_reached=not needs_mark
        or pass_mark_reached(
            best_scores=best_scores, exercises_total=total, pass_mark_percent=course.pass_mark_percent
        ),
        lessons_with_questions=frozenset(lesson_id for _, lesson_id in choice_rows),
        lessons_with_unpassed=frozenset(lesson_id for best, lesson_id in choice_rows if best != FULL_MARKS),
    )


def exercise_requirement_met(*, enrollment: Enrollment) -> bool:
    """The exercises' part of the course's completion rule: met for "lessons only", else the pass mark."""
    return exercise_progress_for(enrollment=enrollment).pass_mark_reached


def exercises_total_per_enrollment():
    """Annotation for an Enrollment queryset: multiple-choice exercises in its course (0 when none)."""
    return Coalesce(
        Subquery(
            Exercise.objects.filter(lesson__module__course_id=OuterRef("course_id"), kind=Exercise.Kind.MULTIPLE_CHOICE)
            .order_by()
            .values("lesson__module__course_id")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def exercises_passed_per_enrollment():
    """Annotation for an Enrollment queryset: its course's multiple-choice exercises with a right attempt."""
    return Coalesce(
        Subquery(
            ExerciseAttempt.objects.filter(
                enrollment=OuterRef("pk"),
                score_percent=FULL_MARKS,
                exercise__kind=Exercise.Kind.MULTIPLE_CHOICE,
                exercise__lesson__module__course_id=OuterRef("course_id"),
            )
            .order_by()
            .values("enrollment")
            .annotate(n=Count("exercise", distinct=True))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _option_views(exercise: Exercise, *, chosen: set[int], passed: bool, attempted: bool) -> list[OptionView]:
    views = []
    for option in exercise.options.all():
        was_chosen = option.pk in chosen
        # What a learner may know: everything once passed; after a wrong attempt, only about what they chose.
        revealed = passed or (attempted and was_chosen)
        views.append(
            OptionView(
                id=option.pk,
                text=option.text,
                was_chosen=was_chosen,
                is_correct=option.is_correct if revealed else None,
                feedback=option.feedback if revealed else "",
            )
        )
    return views


def lesson_exercises(*, lesson: Lesson, enrollment: Enrollment | None) -> list[LessonExercise]:
    """The lesson's exercises in order, with the learner's latest attempt, best score and reflection.

    Without an enrollment (a preview read by a visitor) the questions come without any answer state.
    At most three queries (exercises with the learner's figures, options, latest attempts), whatever the
    number of exercises and attempts.
    """
    exercises = Exercise.objects.filter(lesson=lesson).prefetch_related(
        Prefetch("options", queryset=ExerciseOption.objects.order_by("position", "id"))
    )
    if enrollment is not None:
        mine = ExerciseAttempt.objects.filter(enrollment=enrollment, exercise=OuterRef("pk")).order_by()
        exercises = exercises.annotate(
            best=_best_score(enrollment),
            attempts_count=Coalesce(
                Subquery(mine.values("exercise").annotate(n=Count("id")).values("n"), output_field=IntegerField()),
                Value(0),
            ),
            latest_id=Subquery(mine.order_by("-created_at", "-id").values("id")[:1]),
            reflection_text=Subquery(
                Reflection.objects.filter(enrollment=enrollment, exercise=OuterRef("pk")).values("text")[:1]
            ),
        )
    exercises = list(exercises)
    latest_ids = [exercise.latest_id for exercise in exercises if getattr(exercise, "latest_id", None)]
    latest = {attempt.exercise_id: attempt for attempt in ExerciseAttempt.objects.filter(pk__in=latest_ids)}
    items = []
    for number, exercise in enumerate(exercises, start=1):
        attempt = latest.get(exercise.pk)
        best = getattr(exercise, "best", None)
        items.append(
            LessonExercise(
                exercise=exercise,
                number=number,
                options=_option_views(
                    exercise,
                    chosen=set(attempt.selected_option_ids) if attempt else set(),
                    passed=best == FULL_MARKS,
                    attempted=attempt is not None,
                ),
                choose_several=sum(option.is_correct for option in exercise.options.all()) > 1,
                attempts=getattr(exercise, "attempts_count", 0),
                best_score=best,
                latest_score=attempt.score_percent if attempt else None,
                reflection=getattr(exercise, "reflection_text", None) or "",
            )
        )
    return items


def exercise_in_lesson(*, course: Course, lesson_id: int, exercise_id: int) -> Exercise | None:
    """The exercise, if it belongs to that lesson of that course (with its lesson and module), else None."""
    return (
        Exercise.objects.select_related("lesson__module")
        .filter(pk=exercise_id, lesson_id=lesson_id, lesson__module__course=course)
        .first()
    )
