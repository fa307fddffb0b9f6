"""Mentors: people who sell paid one-to-one sessions, approved by staff.

A mentor is a user with an approved, active `MentorProfile`. What a session costs comes from the
profile's hourly rate and the session lengths it offers (see services.mentor_session_price); their
calendar (weekly hours, overrides, buffers) lives in innerwork.scheduling, shared with coaching.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from innerwork.core.models import ApprovedProfile, TimelineEvent, TimeStampedModel

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


class MentorProfile(ApprovedProfile):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_profile")
    expertise = models.ManyToManyField(Expertise, related_name="mentors", blank=True)
    languages = models.ManyToManyField(Language, related_name="mentors", blank=True)
    hourly_rate_amount = models.PositiveIntegerField(help_text="Minor units of `currency` per hour.")
    currency = models.CharField(max_length=3, default="usd")
    session_lengths = models.JSONField(
        default=list, validators=[_validate_lengths], help_text="Minutes, e.g. [30, 60]."
    )

    class Meta(ApprovedProfile.Meta):
        permissions = [("approve_mentor", "Can approve and deactivate mentors")]
        constraints = [
            models.CheckConstraint(condition=models.Q(hourly_rate_amount__gt=0), name="mentor_rate_positive"),
        ]


def new_booking_number() -> str:
    """BKG-20261203-7KQ2XD: the UTC date plus six unambiguous random characters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"BKG-{timezone.now():%Y%m%d}-{''.join(secrets.choice(alphabet) for _ in range(6))}"


class Booking(TimeStampedModel):
    """One paid one-to-one session: a customer, a mentor, a time (its scheduling.Appointment) and a price.

    Sold through commerce as one order line of kind `mentorship_session` whose ref is the booking's pk.
    """

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Waiting for payment"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"
        EXPIRED = "expired", "Expired"
        CANCELED = "canceled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    # Every status change goes through services.booking_set_status, which checks this map and records
    # the move on the booking's timeline. An expired booking can still be paid: paying again (the slot
    # is held again) or a payment that arrived late (confirmed if the slot is still free).
    TRANSITIONS = {
        Status.PENDING_PAYMENT: {Status.CONFIRMED, Status.EXPIRED, Status.CANCELED},
        Status.EXPIRED: {Status.PENDING_PAYMENT, Status.CONFIRMED, Status.CANCELED},
        Status.CONFIRMED: {Status.COMPLETED, Status.NO_SHOW, Status.CANCELED, Status.REFUNDED},
        Status.CANCELED: set(),
        Status.COMPLETED: set(),
        Status.NO_SHOW: set(),
        Status.REFUNDED: set(),
    }
    UPCOMING = (Status.PENDING_PAYMENT, Status.CONFIRMED)

    number = models.CharField(max_length=24, unique=True, default=new_booking_number)
    mentor = models.ForeignKey(MentorProfile, on_delete=models.PROTECT, related_name="bookings")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_bookings")
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="booking", null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True)
    minutes = models.PositiveSmallIntegerField()
    price_amount = models.PositiveIntegerField(help_text="Minor units of `currency`, fixed when booked.")
    currency = models.CharField(max_length=3)
    topic = models.CharField(max_length=120)
    notes = models.TextField(blank=True)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=255, blank=True)
    request_key = models.CharField(
        max_length=64, blank=True, help_text="The booking form's one-time token: a repeated submit finds this booking."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("cancel_booking", "Can cancel a booking with a full refund")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "request_key"], condition=~models.Q(request_key=""), name="booking_one_per_request"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class BookingEvent(TimelineEvent):
    """One entry of a booking's timeline: a status move, a reschedule, a note for staff."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")

    def __str__(self) -> str:
        return f"{self.booking}: {self.message}"
