import secrets

from django.conf import settings
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
    # Figures shown on every card, stored so the catalogue can sort and page without counting
    # 10,000 lessons per request. Written only by services.course_refresh_stats (see courses/signals.py).
    lessons_count = models.PositiveIntegerField(default=0, editable=False)
    total_minutes = models.PositiveIntegerField(default=0, editable=False, help_text="Sum of the lessons' durations.")
    learners_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Active and completed enrollments."
    )

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


# What commerce calls a course on an order line (its ref is the course's pk); courses.product_kind sells it.
COURSE_KIND = "course"


class Enrollment(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        REFUNDED = "refunded", "Refunded"
        REVOKED = "revoked", "Revoked"

    class Type(models.TextChoices):
        PAID = "paid", "Paid"
        FREE = "free", "Free"
        GIFTED = "gifted", "Gifted"

    # Which statuses may follow which; every change goes through services.enrollment_set_status.
    TRANSITIONS = {
        Status.ACTIVE: {Status.COMPLETED, Status.REFUNDED, Status.REVOKED},
        Status.COMPLETED: {Status.REFUNDED, Status.REVOKED},
        Status.REFUNDED: {Status.ACTIVE},
        Status.REVOKED: {Status.ACTIVE},
    }
    HAS_ACCESS = (Status.ACTIVE, Status.COMPLETED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    type = models.CharField(max_length=8, choices=Type.choices)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=255, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_user_course")]

    def __str__(self):
        return f"{self.user} in {self.course}"

    @property
    def has_access(self) -> bool:
        return self.status in self.HAS_ACCESS


class EnrollmentEvent(models.Model):
    """Audit trail of every status change: who, when, why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    reason = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_progress_per_lesson")]

    def __str__(self):
        return f"{self.enrollment} · lesson {self.lesson_id}"


def _certificate_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Certificate(models.Model):
    """Issued once when an enrollment reaches 100 %; names and title are frozen at issue time."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=16, unique=True, default=_certificate_code)
    learner_name = models.CharField(max_length=150)
    course_title = models.CharField(max_length=200)
    instructor_name = models.CharField(max_length=150)
    issued_at = models.DateTimeField()
    is_valid = models.BooleanField(default=True, help_text="Cleared when the enrollment is refunded or revoked.")

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.code} · {self.course_title}"

    def get_absolute_url(self):
        return reverse("courses:certificate_verify", kwargs={"code": self.code})
