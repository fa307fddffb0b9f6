"""Factories for exercises, and a helper that writes a multiple-choice question from a compact spec."""

import factory

from courses.models import Exercise, ExerciseOption, Lesson
from courses.tests.factories import LessonFactory


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    lesson = factory.SubFactory(LessonFactory)
    kind = Exercise.Kind.MULTIPLE_CHOICE
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(lambda n: n)


class ExerciseOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseOption

    exercise = factory.SubFactory(ExerciseFactory)
    text = factory.Sequence(lambda n: f"Option {n}")
    position = factory.Sequence(lambda n: n)


def question(*, lesson: Lesson, answers: str = "+--", prompt: str | None = None, position: int = 0) -> Exercise:
    """A multiple-choice question on `lesson`: one option per character of `answers`, "+" right, "-" wrong.

    Each option's text is "Option <letter>" and its feedback "Feedback <letter> of <prompt>", so a test can
    look for either in a page.
    """
    exercise = ExerciseFactory(lesson=lesson, prompt=prompt or f"Question at {position}?", position=position)
    for index, mark in enumerate(answers):
        letter = "ABCDEFGH"[index]
        ExerciseOptionFactory(
            exercise=exercise,
            text=f"Option {letter}",
            is_correct=mark == "+",
            feedback=f"Feedback {letter} of {exercise.prompt}",
            position=index,
        )
    return exercise


def options(exercise: Exercise, letters: str) -> list[int]:
    """The ids of the options named by letters ("AC" → the first and third option)."""
    ordered = list(exercise.options.order_by("position", "id").values_list("id", flat=True))
    return [ordered["ABCDEFGH".index(letter)] for letter in letters]


def reflection(*, lesson: Lesson, prompt: str = "What did you notice?", position: int = 10) -> Exercise:
    return ExerciseFactory(lesson=lesson, kind=Exercise.Kind.REFLECTION, prompt=prompt, position=position)
