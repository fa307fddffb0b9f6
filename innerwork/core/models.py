from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxEmail(TimeStampedModel):
    """One transactional e-mail, written in the same transaction as the change that caused it.

    `dedup_key` is unique: enqueueing the same (entity, effect) twice yields one row,
    so a replayed event can never send a second copy. Delivery retries with back-off.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    dedup_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=80, db_index=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outbox e-mail"

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"
