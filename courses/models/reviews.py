from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from innerwork.core.models import TimeStampedModel

from .catalogue import Course
from .learning import Enrollment

RATING_MIN = 1
RATING_MAX = 5
REVIEW_TEXT_MAX_LENGTH = 4000


class ReviewQuerySet(models.QuerySet):
    def counted(self):
        """Reviews that are shown and count in the course's rating.

        Not hidden by staff, and written by somebody who can still learn in the course: a review
        by a refunded or revoked learner is kept (it is their history, and comes back if they are
        enrolled again) but neither shown nor counted while they have no access.
        """
        return self.filter(is_hidden=False, enrollment__status__in=Enrollment.HAS_ACCESS)


class Review(TimeStampedModel):
    """A learner's rating (1–5) of a course with optional plain text; one per learner and course.

    The text is plain text: it is stored as typed and always escaped when shown, never rendered
    as Markdown or HTML. Staff hide a review with a reason (`hidden_*`, plus the staff audit log);
    hidden reviews are not shown and not counted.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_reviews")
    # The enrollment that allowed it; its status decides whether the review counts.
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)])
    text = models.TextField(blank=True, max_length=REVIEW_TEXT_MAX_LENGTH, help_text="Plain text, shown escaped.")
    is_hidden = models.BooleanField(default=False, db_index=True)
    hidden_reason = models.CharField(max_length=255, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "course"], name="one_review_per_learner_course"),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX), name="review_rating_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["course", "-created_at", "-id"], name="review_course_newest_idx")]

    def __str__(self):
        return f"{self.rating}★ by {self.author} on {self.course}"
