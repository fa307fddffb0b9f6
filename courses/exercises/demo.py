"""The exercises part of `manage.py seed_demo` (called from courses/demo.py): quizzes and reflections on a
few demo courses, and their completion rule (courses/demo_content/exercises.py).

Idempotent like the rest of the seed: exercises are found by (lesson, position), options by (exercise,
position), and written only when missing or different. Nobody's attempts are seeded.
"""

from courses.demo_content.exercises import COURSE_EXERCISES
from courses.models import Course, Exercise, ExerciseOption, Lesson
from innerwork.core.demo_seeding import DemoSeed


def seed_exercises(*, demo: DemoSeed) -> None:
    courses = {course.slug: course for course in Course.objects.filter(slug__in=[c.slug for c in COURSE_EXERCISES])}
    for spec in COURSE_EXERCISES:
        course = courses.get(spec.slug)
        if course is None:
            continue
        rule = Course.CompletionRule.LESSONS_AND_PASS_MARK if spec.pass_mark else Course.CompletionRule.LESSONS
        demo.sync(
            Course,
            {"pk": course.pk},
            {"completion_rule": rule, "pass_mark_percent": spec.pass_mark or course.pass_mark_percent},
        )
        lessons = list(Lesson.objects.filter(module__course=course).order_by("module__position", "position", "id"))
        for number, exercises in spec.lessons.items():
            for position, exercise_spec in enumerate(exercises):
                kind = Exercise.Kind.MULTIPLE_CHOICE if exercise_spec.options else Exercise.Kind.REFLECTION
                exercise, _ = demo.sync(
                    Exercise,
                    {"lesson": lessons[number - 1], "position": position},
                    {"kind": kind, "prompt": exercise_spec.prompt},
                )
                for option_position, option in enumerate(exercise_spec.options):
                    demo.sync(
                        ExerciseOption,
                        {"exercise": exercise, "position": option_position},
                        {"text": option.text, "is_correct": option.correct, "feedback": option.feedback},
                    )
