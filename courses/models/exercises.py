"""Exercises at the end of a lesson: multiple-choice questions marked on the server, and private reflections.

A multiple-choice exercise is answered right only when the selection is exactly its set of correct options
(a partial selection is wrong); every attempt is kept with its score, and the best one counts towards the
course's completion rule (Course.completion_rule). A reflection is the learner's own free text, one per
enrollment and exercise, seen by nobody else.
"""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from innerwork.core.models import TimeStampedModel

from .catalogue import Lesson
from .learning import Enrollment

REFLECTION_MAX_LENGTH = 4000


class Exercise(TimeStampedModel):
    class Kind(models.TextChoices):
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        REFLECTION = "reflection", "Reflection"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="exercises")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MULTIPLE_CHOICE)
    prompt = models.TextField(help_text="The question, or what to reflect on. Plain text.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.prompt[:80]

    @property
    def is_multiple_choice(self) -> bool:
        return self.kind == self.Kind.MULTIPLE_CHOICE


class ExerciseOption(models.Model):
    """One answer of a multiple-choice exercise. `is_correct` and `feedback` never reach a page before an attempt."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)
    feedback = models.TextField(
        blank=True, help_text="Shown after an attempt that chose this option, and for every option once it is passed."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class ExerciseAttempt(models.Model):
    """One submitted answer to a multiple-choice exercise, as marked then; never changed afterwards."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="exercise_attempts")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="attempts")
    selected_option_ids = models.JSONField(help_text="The ids of the options chosen, sorted.")
    score_percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enrollment", "exercise", "-score_percent"], name="attempt_best_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(score_percent__lte=100), name="attempt_score_at_most_100"),
        ]

    def __str__(self):
        return f"{self.enrollment} · exercise {self.exercise_id} · {self.score_percent}%"

    @property
    def is_correct(self) -> bool:
        return self.score_percent == 100


class Reflection(TimeStampedModel):
    """A learner's private answer to a reflection exercise; editable, one per enrollment and exercise."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="reflections")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="reflections")
    text = models.TextField(max_length=REFLECTION_MAX_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "exercise"], name="one_reflection_per_exercise"),
        ]

    def __str__(self):
        return f"{self.enrollment} · reflection on exercise {self.exercise_id}"
