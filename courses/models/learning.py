import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from innerwork.core.models import TimeStampedModel

from .catalogue import Course, Lesson

# What commerce calls a course on an order line (its ref is the course's pk); courses.product_kind sells it.
COURSE_KIND = "course"


class EnrollmentQuerySet(models.QuerySet):
    def with_access(self, *, now: datetime | None = None):
        """Active or completed, and the access period (if any) not over: what opens lessons."""
        return self.filter(status__in=Enrollment.HAS_ACCESS).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now())
        )


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
    # End of the access period (None: lifetime). Access ends by the clock, not by a status change, so an
    # expired enrollment keeps its status (active or completed), progress and certificate.
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    expiry_reminded_for = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The expires_at whose reminder e-mail was sent."
    )
    last_lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=255, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_user_course")]

    def __str__(self):
        return f"{self.user} in {self.course}"

    def is_expired(self, *, now: datetime | None = None) -> bool:
        """Has the access period ended? At `expires_at` itself access is over."""
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def access_expired(self) -> bool:
        """Open (active or completed) but its access period is over: it can be bought again."""
        return self.status in self.HAS_ACCESS and self.is_expired()

    @property
    def has_access(self) -> bool:
        return self.status in self.HAS_ACCESS and not self.is_expired()


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
