from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from innerwork.core.models import TimeStampedModel


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Staff see drafts too; everybody else only published courses."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()


class Course(TimeStampedModel):
    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"
        ALL_LEVELS = "all_levels", "All levels"

    class CompletionRule(models.TextChoices):
        LESSONS = "lessons", "Every lesson complete"
        LESSONS_AND_PASS_MARK = "lessons_and_pass_mark", "Every lesson complete and the exercises' pass mark reached"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    subtitle = models.CharField(max_length=255, help_text="One sentence shown on cards and at the top of the page.")
    description = models.TextField(help_text="Markdown.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="courses")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.ALL_LEVELS, db_index=True)
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courses_taught")
    price_amount = models.PositiveIntegerField(default=0, help_text="In the currency's minor unit (cents); 0 is free.")
    currency = models.CharField(max_length=3, default="usd")
    is_published = models.BooleanField(default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    what_you_learn = models.TextField(blank=True, help_text="One outcome per line.")
    access_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days of access from each purchase; empty is lifetime access."
    )
    # An uploaded cover (public media) and the resized copies pages show; both written only by
    # courses.media_services.course_cover_set / course_cover_clear. Without one, pages draw a generated cover.
    cover_image = models.FileField(upload_to="covers/originals/", blank=True, editable=False)
    cover_renditions = models.JSONField(
        default=list, blank=True, editable=False, help_text="[{width, height, name}], narrowest first."
    )
    # When the enrollment completes and the certificate is issued (courses/exercises/selectors.py decides).
    completion_rule = models.CharField(max_length=24, choices=CompletionRule.choices, default=CompletionRule.LESSONS)
    pass_mark_percent = models.PositiveSmallIntegerField(
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="With the pass-mark rule: the best-attempt score averaged over the course's multiple-choice "
        "exercises must reach this.",
    )
    # Figures shown on every card, stored so the catalogue can sort and page without counting
    # 10,000 lessons per request. Written only by services.course_refresh_stats (see courses/signals.py).
    lessons_count = models.PositiveIntegerField(default=0, editable=False)
    total_minutes = models.PositiveIntegerField(default=0, editable=False, help_text="Sum of the lessons' durations.")
    learners_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Active and completed enrollments."
    )
    # Counted reviews (models.reviews.ReviewQuerySet.counted): their number and the sum of their stars.
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    rating_sum = models.PositiveIntegerField(default=0, editable=False)
    # What search reads on PostgreSQL: title (A), subtitle and category (B), instructor and lesson
    # titles (C), description (D). Written only by courses.search_index.course_refresh_search, after
    # every write that changes one of those texts (courses/signals.py). Its GIN index, and the trigram
    # index on the title, exist on PostgreSQL only (migration 0010_course_search); on SQLite the column stays empty.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["is_published", "price_amount"]),
            # The catalogue's orderings, so a page of 12 is read from an index instead of sorting them all.
            models.Index(fields=["-published_at", "-id"], name="course_newest_idx"),
            models.Index(fields=["-learners_count", "-published_at", "-id"], name="course_popular_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(currency__regex=r"^[a-z]{3}$"), name="course_currency_iso_lower"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("courses:detail", kwargs={"slug": self.slug})

    @property
    def is_free(self) -> bool:
        return self.price_amount == 0

    @property
    def rating_average(self) -> float | None:
        """Mean stars of the counted reviews, to one decimal (for display); None with no review."""
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.what_you_learn.splitlines() if line.strip()]


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.course} · {self.title}"


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. Raw HTML is sanitised when shown.")
    duration_minutes = models.PositiveIntegerField(default=5)
    position = models.PositiveIntegerField(default=0)
    is_preview = models.BooleanField(default=False, help_text="Readable by anyone, without enrolling.")

    class Meta:
        ordering = ["module__position", "module_id", "position", "id"]

    def __str__(self):
        return self.title
