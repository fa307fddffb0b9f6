from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ApprovedProfile(TimeStampedModel):
    """What a person offers others (a mentor's, a coach's profile): listed once staff approve it.

    Subclasses add `user` (a one-to-one with their own related name) and what they sell. Status moves
    go through each app's door (mentor_set_status, coach_set_status), which checks TRANSITIONS.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DEACTIVATED = "deactivated", "Deactivated"

    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.DEACTIVATED},
        Status.APPROVED: {Status.DEACTIVATED},
        Status.DEACTIVATED: {Status.APPROVED},
    }
    # Who may use their area (the mentor area, the coach area): approved, or waiting for approval (to set
    # up their page and hours). The header links to it (innerwork.core.context_processors.work_areas).
    AREA_STATUSES = (Status.APPROVED, Status.PENDING)

    slug = models.SlugField(unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    headline = models.CharField(max_length=120)
    bio = models.TextField()
    meeting_url = models.URLField(
        blank=True, help_text="Where sessions are held (a video room); sent with each booking."
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["user__full_name", "pk"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def has_area(self) -> bool:
        return self.status in self.AREA_STATUSES


class TimelineEvent(models.Model):
    """One entry of a record's timeline (a booking's, a contract's): a status move, a payment, a note.

    Subclasses add the foreign key to their record (related_name "events") and `__str__`.
    """

    type = models.CharField(max_length=40)
    message = models.CharField(max_length=255)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class OutboxEmail(TimeStampedModel):
    """One transactional e-mail, written in the same transaction as the change that caused it.

    `dedup_key` is unique: enqueueing the same (entity, effect) twice yields one row,
    so a replayed event can never send a second copy. Delivery retries with back-off.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    # Every status change goes through emails.outbox_email_set_status, which checks this map.
    # A sent e-mail is final: nothing can make it send a second copy.
    TRANSITIONS = {
        Status.PENDING: {Status.SENT, Status.FAILED},
        Status.FAILED: {Status.PENDING},
        Status.SENT: set(),
    }

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


class StaffAction(models.Model):
    """What a member of staff did that moved money or access: who, when, to what, and why.

    Written by the service that did it (refund, grant, revoke, resolve, resend), in the same
    transaction. `subject_type` / `subject_id` name the object acted on ("commerce.order", "17");
    `order_number` ties it to an order's page when it concerns one.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_actions")
    action = models.CharField(max_length=60, db_index=True)
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    subject_repr = models.CharField(max_length=200)
    order_number = models.CharField(max_length=24, blank=True, db_index=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="staff_action_subject")]

    def __str__(self):
        return f"{self.actor} {self.action} {self.subject_repr}"


class StatusChange(models.Model):
    """One move of a status that goes through a door (see innerwork.core.status): which row, from, to, why.

    Written by `status_move` in the transaction that moves the status, so a move and its record
    commit or roll back together. `subject_type` / `subject_id` name the row as StaffAction does
    ("commerce.refund", "12"). Orders and enrollments keep their own timelines (OrderEvent,
    EnrollmentEvent); this is the record of refunds, refund requests, coupon uses, checkout
    sessions and outbox e-mails.
    """

    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="status_change_subject")]

    def __str__(self):
        return f"{self.subject_type} {self.subject_id}: {self.from_status} → {self.to_status}"
