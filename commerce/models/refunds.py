"""Money going back: refunds (ours and those made in the Stripe dashboard) and customers' refund requests.

A Refund is recorded before Stripe is called (its idempotency key with it), so two clicks or
a retry after a timeout find the same row and make one Stripe refund. It is applied (line
amounts, access revoked, order status, credit note, e-mail) once, when Stripe confirms it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from innerwork.core.models import TimeStampedModel


class Refund(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    class Source(models.TextChoices):
        STAFF = "staff", "Staff, in admin"
        CUSTOMER = "customer", "Customer, within the refund policy"
        REQUEST = "request", "Customer request approved by staff"
        STRIPE = "stripe", "Stripe dashboard"
        RECONCILIATION = "reconciliation", "Reconciliation"
        AUTOMATIC = "automatic", "Automatic: the item could not be given, or a second payment"
        DISPUTE = "dispute", "Dispute lost: the bank took the payment back"

    # Every status change goes through refunds.status.refund_set_status, which checks this map.
    # Stripe's word decides: a refund can fail after it succeeded (the bank sent it back). Stripe
    # documents no cancel after success, but if it ever reports one it is recorded like a failure
    # rather than refused. Failed and canceled are final. Refunds are created pending.
    TRANSITIONS = {
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED, Status.CANCELED},
        Status.SUCCEEDED: {Status.FAILED, Status.CANCELED},
        Status.FAILED: set(),
        Status.CANCELED: set(),
    }
    # Pending and succeeded refunds count against what is still refundable.
    COUNTS = (Status.PENDING, Status.SUCCEEDED)

    order = models.ForeignKey("Order", on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(help_text="Minor units of `currency`.")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    reason = models.CharField(max_length=500, help_text="Why, in words; shown to staff and on the credit note.")
    stripe_reason = models.CharField(
        max_length=30, blank=True, help_text="Stripe's reason: requested_by_customer, duplicate or fraudulent."
    )
    # Stored before Stripe is called; the same request (double click, retry) reuses it.
    idempotency_key = models.CharField(max_length=100, unique=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True, db_index=True)
    payment_intent_id = models.CharField(
        max_length=255,
        blank=True,
        help_text="Set only for a second payment of an order already paid: the payment this refund gives back. "
        "Empty: the order's own payment.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    failure_reason = models.CharField(max_length=255, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(
        null=True, blank=True, help_text="When its lines were revoked and the order's amounts updated."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_refund_id"], condition=~Q(stripe_refund_id=""), name="refund_stripe_id_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"Refund {self.stripe_refund_id or self.idempotency_key} of {self.order}"


class RefundLine(models.Model):
    """The part of a refund that goes back on one order line."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("OrderLine", on_delete=models.PROTECT, related_name="refund_lines")
    amount = models.PositiveIntegerField()
    revoke = models.BooleanField(default=True, help_text="Take back what the line granted once the refund succeeds.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["refund", "line"], name="refund_line_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_line_amount_positive"),
        ]

    def __str__(self):
        return f"{self.refund} · line {self.line_id}"


class RefundRequest(TimeStampedModel):
    """A customer asked for their money back: quoted by the refund policy, then automatic or decided by staff."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        AUTOMATIC = "automatic", "Refunded automatically (within policy)"
        WITHDRAWN = "withdrawn", "Withdrawn by the customer"

    # Every status change goes through refunds.status.refund_request_set_status, which checks this map.
    # A request is created PENDING or AUTOMATIC (refund_request_create). An automatic request whose
    # refund could not be made, and an approved one whose refund was refused, wait for staff again.
    # No service lets a customer withdraw a request yet, so nothing moves to WITHDRAWN.
    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.DENIED},
        Status.AUTOMATIC: {Status.PENDING},
        Status.APPROVED: {Status.PENDING},
        Status.DENIED: set(),
        Status.WITHDRAWN: set(),
    }

    order = models.ForeignKey("Order", on_delete=models.PROTECT, related_name="refund_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refund_requests")
    lines = models.ManyToManyField("OrderLine", related_name="refund_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    amount = models.PositiveIntegerField(help_text="What the policy quoted, in minor units.")
    currency = models.CharField(max_length=3)
    quote = models.JSONField(default=dict, help_text="The policy's verdict per line, as shown to the customer.")
    customer_reason = models.TextField(blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refund = models.OneToOneField(Refund, on_delete=models.SET_NULL, null=True, blank=True, related_name="request")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status="pending"), name="one_pending_refund_request"),
        ]

    def __str__(self):
        return f"Refund request for {self.order} ({self.get_status_display()})"
