"""A person's calendar (weekly hours, date overrides, buffers, notice, horizon) and their appointments.

Times of day (rules, overrides) are local wall-clock times in the calendar's own zone; instants
(appointments, holds) are stored in UTC. Appointment statuses move only through
`innerwork.scheduling.services.appointment_set_status`.
"""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q

from innerwork.core.models import TimeStampedModel
from innerwork.scheduling.constraints import PostgresOnlyExclusionConstraint, TsTzRange


def _time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def new_ics_uid() -> str:
    return f"{uuid.uuid4()}@innerwork"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Calendar(TimeStampedModel):
    """One person's bookable time. Created on first need by `services.calendar_for(user)`.

    Its row is also the lock every booking write on this person takes (select_for_update), so two
    writers never decide about the same person's time at once.
    """

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar")
    time_zone = models.CharField(max_length=64, default="UTC", choices=_time_zone_choices)
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(default=0)
    min_notice_minutes = models.PositiveIntegerField(default=720)
    horizon_days = models.PositiveSmallIntegerField(default=60)
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=30, help_text="Slots start on this grid, counted from the start of each availability window."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(slot_step_minutes__gte=5), name="calendar_step_at_least_5"),
            models.CheckConstraint(condition=Q(horizon_days__gte=1), name="calendar_horizon_at_least_1"),
        ]

    def __str__(self):
        return f"Calendar of {self.owner} ({self.time_zone})"


class WeeklyRule(models.Model):
    """Open hours on one weekday, as local wall-clock times in the calendar's zone (several per day allowed)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="weekly_rules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="weekly_rule_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_rule_weekday_0_to_6"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class DateOverride(models.Model):
    """One date's hours, replacing that weekday's rules: either unavailable all day, or a window.

    A date may have several window rows (their union is that day's hours); an "unavailable"
    row on a date wins over any window rows on the same date.
    """

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="date_overrides")
    date = models.DateField()
    unavailable = models.BooleanField(default=False, help_text="Unavailable all day (leave the times empty).")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(unavailable=True, start_time__isnull=True, end_time__isnull=True)
                    | Q(
                        unavailable=False,
                        start_time__isnull=False,
                        end_time__isnull=False,
                        end_time__gt=F("start_time"),
                    )
                ),
                name="date_override_day_off_or_window",
            ),
        ]

    def __str__(self):
        if self.unavailable:
            return f"{self.date}: unavailable"
        return f"{self.date}: {self.start_time:%H:%M}–{self.end_time:%H:%M}"


LIVE_STATUSES = ("held", "confirmed")


class Appointment(TimeStampedModel):
    """A host's time given to something (`subject`, e.g. "mentorship.booking:42"), held or confirmed.

    `blocked_start` / `blocked_end` are the appointment widened by the host's buffers at booking
    time. While live (held or confirmed) no two appointments of one host may have overlapping
    blocked ranges: PostgreSQL forbids it (exclusion constraint), and on every backend the
    services decide under the host's calendar lock.
    """

    class Status(models.TextChoices):
        HELD = "held", "Held (payment open)"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"
        CANCELED = "canceled", "Canceled"
        EXPIRED = "expired", "Expired (hold ran out)"

    # Every status change goes through services.appointment_set_status, which checks this map.
    TRANSITIONS = {
        Status.HELD: {Status.CONFIRMED, Status.EXPIRED, Status.CANCELED},
        # A late payment confirms when the slot is still free; paying again re-holds it.
        Status.EXPIRED: {Status.CONFIRMED, Status.HELD},
        Status.CONFIRMED: {Status.COMPLETED, Status.NO_SHOW, Status.CANCELED},
        Status.COMPLETED: set(),
        Status.NO_SHOW: set(),
        Status.CANCELED: set(),
    }

    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments_hosted")
    guest = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments_as_guest",
    )
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD, db_index=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=120, help_text='What it belongs to, e.g. "mentorship.booking:42".')
    title = models.CharField(max_length=200, blank=True)
    ics_uid = models.CharField(max_length=80, unique=True, default=new_ics_uid, editable=False)
    ics_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["start_at"]
        indexes = [
            models.Index(fields=["host", "blocked_start"], name="appointment_host_blocked"),
            models.Index(fields=["subject"], name="appointment_subject"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_at__gt=F("start_at")), name="appointment_end_after_start"),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start_at"), blocked_end__gte=F("end_at")),
                name="appointment_blocked_covers_appointment",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(hold_expires_at__isnull=False),
                name="appointment_held_has_expiry",
            ),
            models.UniqueConstraint(
                fields=["subject"], condition=Q(status__in=LIVE_STATUSES), name="appointment_one_live_per_subject"
            ),
            PostgresOnlyExclusionConstraint(
                name="appointment_no_host_overlap",
                expressions=[
                    ("host", RangeOperators.EQUAL),
                    (TsTzRange("blocked_start", "blocked_end", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_STATUSES),
            ),
        ]

    def __str__(self):
        return f"{self.title or self.subject} · {self.start_at:%Y-%m-%d %H:%M} UTC ({self.status})"

    @property
    def length(self):
        return self.end_at - self.start_at
