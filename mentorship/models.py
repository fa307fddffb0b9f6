"""Mentors: people who sell paid one-to-one sessions, approved by staff.

A mentor is a user with an approved, active `MentorProfile`. What a session costs comes from the
profile's hourly rate and the session lengths it offers (see services.mentor_session_price); their
calendar (weekly hours, overrides, buffers) lives in innerwork.scheduling, shared with coaching.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from innerwork.core.models import TimeStampedModel

# Session lengths a mentor may offer, in minutes.
SESSION_LENGTHS = (30, 45, 60, 90)


class Expertise(models.Model):
    """What a mentor helps with ("Leadership", "Career change"): the mentors list filters by it."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "expertise"

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    """A language a mentor holds sessions in, by its ISO 639-1 code."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _validate_lengths(value) -> None:
    if not isinstance(value, list) or not value or any(length not in SESSION_LENGTHS for length in value):
        raise ValidationError(f"Choose one or more of {', '.join(map(str, SESSION_LENGTHS))} minutes.")
    if len(set(value)) != len(value):
        raise ValidationError("Each length once.")


class MentorProfile(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DEACTIVATED = "deactivated", "Deactivated"

    # Every status change goes through services.mentor_set_status, which checks this map.
    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.DEACTIVATED},
        Status.APPROVED: {Status.DEACTIVATED},
        Status.DEACTIVATED: {Status.APPROVED},
    }

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_profile")
    slug = models.SlugField(unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    headline = models.CharField(max_length=120)
    bio = models.TextField()
    expertise = models.ManyToManyField(Expertise, related_name="mentors", blank=True)
    languages = models.ManyToManyField(Language, related_name="mentors", blank=True)
    hourly_rate_amount = models.PositiveIntegerField(help_text="Minor units of `currency` per hour.")
    currency = models.CharField(max_length=3, default="usd")
    session_lengths = models.JSONField(
        default=list, validators=[_validate_lengths], help_text="Minutes, e.g. [30, 60]."
    )
    meeting_url = models.URLField(
        blank=True, help_text="Where sessions are held (a video room); sent with each booking."
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__full_name", "pk"]
        permissions = [("approve_mentor", "Can approve and deactivate mentors")]
        constraints = [
            models.CheckConstraint(condition=models.Q(hourly_rate_amount__gt=0), name="mentor_rate_positive"),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.APPROVED
