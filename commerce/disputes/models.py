"""The Dispute table: what Stripe last told us about one dispute of one order's payment."""

from django.db import models

from innerwork.core.models import TimeStampedModel


class Dispute(TimeStampedModel):
    class Status(models.TextChoices):
        # Stripe's statuses; inquiries (warning_*) are shown as their chargeback counterparts.
        NEEDS_RESPONSE = "needs_response", "Needs a response"
        UNDER_REVIEW = "under_review", "Under review by the bank"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    # Every status change goes through commerce.disputes.services.dispute_set_status, which checks this map.
    # A dispute is created NEEDS_RESPONSE and then moved to what Stripe says, so a first delivery that
    # finds it already closed still records each move. The bank may ask for more evidence after a review
    # (back to needs_response). Won and lost are final at Stripe, so they are final here.
    TRANSITIONS = {
        Status.NEEDS_RESPONSE: {Status.UNDER_REVIEW, Status.WON, Status.LOST},
        Status.UNDER_REVIEW: {Status.NEEDS_RESPONSE, Status.WON, Status.LOST},
        Status.WON: set(),
        Status.LOST: set(),
    }
    CLOSED = (Status.WON, Status.LOST)

    order = models.ForeignKey("commerce.Order", on_delete=models.PROTECT, related_name="disputes")
    stripe_dispute_id = models.CharField(max_length=255, unique=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True)
    amount = models.PositiveIntegerField(help_text="Minor units of `currency`: what the bank took back.")
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=50, help_text="Stripe's reason: fraudulent, product_not_received, ...")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEEDS_RESPONSE, db_index=True)
    evidence_due_by = models.DateTimeField(null=True, blank=True, help_text="Last moment to answer the bank.")
    closed_at = models.DateTimeField(null=True, blank=True)
    refund = models.OneToOneField(
        "commerce.Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispute",
        help_text="The money lost, recorded as a refund (source: dispute) when the dispute is lost.",
    )

    class Meta:
        app_label = "commerce"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Dispute {self.stripe_dispute_id} of {self.order}"
