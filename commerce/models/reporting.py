"""What staff read about the books: the record of each reconciliation with Stripe.

A ReconciliationRun is written when `reconcile_stripe` starts (command or the daily task) and
finished once with what it found, so a run that never finishes (the process was killed, Stripe
could not be read) is visible too. Only commerce.reporting.runs writes it.
"""

from datetime import UTC, time, timedelta

from django.db import models
from django.utils import timezone


class ReconciliationRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        AGREED = "agreed", "Stripe agrees"
        DIFFERENCES = "differences", "Differences"
        FAILED = "failed", "Failed"

    # One move, from running to its outcome, through commerce.reporting.runs.reconciliation_run_set_status.
    TRANSITIONS = {
        Status.RUNNING: {Status.AGREED, Status.DIFFERENCES, Status.FAILED},
        Status.AGREED: set(),
        Status.DIFFERENCES: set(),
        Status.FAILED: set(),
    }

    class Trigger(models.TextChoices):
        COMMAND = "command", "Command"
        SCHEDULE = "schedule", "Daily schedule"

    period_start = models.DateTimeField(help_text="First moment compared (UTC), included.")
    period_end = models.DateTimeField(
        null=True, blank=True, help_text="Moment the period ends (UTC), excluded; empty: up to when the run started."
    )
    fix = models.BooleanField(default=False, help_text="Whether missing payments and refunds were repaired.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING, db_index=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    ran_by = models.CharField(max_length=255, help_text="The system user and host, or the Celery task and worker.")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    charges_seen = models.PositiveIntegerField(default=0)
    refunds_seen = models.PositiveIntegerField(default=0)
    differences = models.JSONField(
        default=list, blank=True, help_text="What still differs: kind, order number, Stripe id, message."
    )
    repaired = models.JSONField(default=list, blank=True, help_text="What --fix repaired, in the same shape.")
    repair_failures = models.JSONField(default=list, blank=True, help_text="What --fix tried and could not repair.")
    error = models.TextField(blank=True, help_text="Why a failed run stopped.")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"Reconciliation of {self.period_label} ({self.get_status_display()})"

    @property
    def period_label(self) -> str:
        """The period in UTC as staff read it: "2026-12-03", "2026-11-01 to 2026-11-30", "2026-11-01 to now"."""
        start = self.period_start.astimezone(UTC)
        if self.period_end is None:
            return f"{start:%Y-%m-%d} to now" if start.time() == time.min else f"{start:%Y-%m-%d %H:%M} UTC to now"
        end = self.period_end.astimezone(UTC)
        if start.time() == end.time() == time.min:
            last = end - timedelta(days=1)
            return f"{start:%Y-%m-%d}" if last.date() == start.date() else f"{start:%Y-%m-%d} to {last:%Y-%m-%d}"
        return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"

    @property
    def difference_count(self) -> int:
        return len(self.differences)
