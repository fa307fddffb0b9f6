"""Orders are the only thing ever paid or refunded; carts, wishlists and coupons lead to them.

A sold item is addressed by (kind, ref): its product kind (see commerce.registry) and
its id as a string. Amounts are integer minor units of `currency`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from innerwork.core.models import TimeStampedModel

_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_order_number() -> str:
    """ORD-20261122-7KQ2XD: the UTC date plus six unambiguous random characters."""
    suffix = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(6))
    return f"ORD-{timezone.now():%Y%m%d}-{suffix}"


class Order(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"
        FAILED = "failed", "Payment failed"
        CANCELED = "canceled", "Canceled"
        EXPIRED = "expired", "Expired"

    # Every status change goes through services.order_set_status, which checks this map.
    # A payment is never refused by the state machine: money that arrives for a failed,
    # expired or canceled order is still recorded (and flagged where it needs a person).
    TRANSITIONS = {
        Status.PENDING: {Status.PAID, Status.FAILED, Status.CANCELED, Status.EXPIRED},
        Status.FAILED: {Status.PENDING, Status.PAID, Status.CANCELED, Status.EXPIRED},
        Status.EXPIRED: {Status.PENDING, Status.PAID},
        Status.CANCELED: {Status.PAID},
        Status.PAID: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
        # A refund that fails after it was confirmed gives its amount back: the order steps back.
        Status.PARTIALLY_REFUNDED: {Status.PARTIALLY_REFUNDED, Status.REFUNDED, Status.PAID},
        Status.REFUNDED: {Status.PARTIALLY_REFUNDED, Status.PAID},
    }

    class Origin(models.TextChoices):
        CART = "cart", "Cart"
        ITEM = "item", "One item"

    PAYABLE = (Status.PENDING, Status.FAILED, Status.EXPIRED)
    SETTLED = (Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED)

    number = models.CharField(max_length=24, unique=True, default=new_order_number)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    # A cart order replaces the customer's other waiting cart orders; an order for one item (a booking,
    # a contract) holds something of its own and is never closed by a cart checkout.
    origin = models.CharField(max_length=4, choices=Origin.choices, default=Origin.CART)
    currency = models.CharField(max_length=3)
    subtotal_amount = models.PositiveIntegerField()
    discount_amount = models.PositiveIntegerField(default=0)
    total_amount = models.PositiveIntegerField()
    coupon = models.ForeignKey("Coupon", on_delete=models.PROTECT, null=True, blank=True, related_name="orders")
    coupon_code = models.CharField(max_length=40, blank=True)
    # The partner whose API placed the order (None: placed on the site). A partner sees an order, its payment,
    # its refunds and what it bought (a booking, a contract, an enrollment) only through this, never through
    # the buyer: one person can be the customer of several partners and buy on the site as well.
    partner = models.ForeignKey(
        "api.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="orders", db_index=True
    )

    amount_paid = models.PositiveIntegerField(default=0)
    amount_refunded = models.PositiveIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True, db_index=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    receipt_url = models.URLField(max_length=500, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    # Stripe compares an idempotent request's parameters with the first one it saw, so a retry
    # of a failed "open a Checkout Session" call must repeat them exactly: the attempt number
    # (part of the idempotency key) and the session's expiry are fixed before Stripe is called.
    checkout_attempt = models.PositiveIntegerField(default=0)
    checkout_attempt_expires_at = models.DateTimeField(null=True, blank=True)
    checkout_attempt_started_at = models.DateTimeField(null=True, blank=True)

    billing_name = models.CharField(max_length=200, blank=True)
    billing_email = models.EmailField(blank=True)
    billing_address = models.JSONField(default=dict, blank=True)

    is_flagged = models.BooleanField(default=False, db_index=True)
    flag_reason = models.CharField(max_length=255, blank=True)
    flag_resolved_at = models.DateTimeField(null=True, blank=True)
    flag_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        # The staff roles (Support, Finance, Marketing, Admin) are built from these and the model permissions.
        permissions = [
            ("refund_order", "Can refund orders and decide refund requests"),
            ("resend_receipt", "Can resend order e-mails"),
            ("resolve_flag", "Can mark a flagged order resolved"),
            ("download_documents", "Can download invoices and credit notes"),
            ("view_sales", "Can view the sales report and export orders"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount=models.F("subtotal_amount") - models.F("discount_amount")),
                name="order_total_is_subtotal_less_discount",
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=models.F("amount_paid")), name="order_refund_le_paid"
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("commerce:order_detail", kwargs={"number": self.number})

    @property
    def is_payable(self) -> bool:
        # Money that already arrived (even a mismatched amount under review) is never asked for twice.
        return self.status in self.PAYABLE and self.total_amount > 0 and self.paid_at is None

    @property
    def refundable_amount(self) -> int:
        return self.amount_paid - self.amount_refunded


class OrderLine(models.Model):
    """One bought item with its price and its share of the discount frozen at checkout."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=32, db_index=True)
    ref = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=80, blank=True)
    unit_amount = models.PositiveIntegerField()
    quantity = models.PositiveIntegerField(default=1)
    discount_amount = models.PositiveIntegerField(default=0)
    total_amount = models.PositiveIntegerField()
    stripe_price_id = models.CharField(max_length=255, blank=True)
    refunded_amount = models.PositiveIntegerField(default=0)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        # An item's lines (a booking's, a contract's payments) are looked up by (kind, ref): the product apps'
        # pages, and for every row of a partner's list, whether the partner's API placed its order.
        indexes = [models.Index(fields=["kind", "ref"], name="order_line_item")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount=models.F("unit_amount") * models.F("quantity") - models.F("discount_amount")),
                name="line_total_is_amount_less_discount",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("total_amount")), name="line_refund_le_total"
            ),
        ]

    def __str__(self):
        return f"{self.order} · {self.title}"

    @property
    def refundable_amount(self) -> int:
        return self.total_amount - self.refunded_amount


class OrderEvent(models.Model):
    """The order's timeline: everything that happened to it, in order, with who did it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40, db_index=True)
    message = models.CharField(max_length=255)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order} {self.type}"


class OrderEffect(models.Model):
    """A side effect of an order that must happen exactly once (fulfil line 12, send receipt, issue invoice).

    The unique (order, key) row is written in the same transaction as the effect, so a
    replayed, duplicated or concurrent event finds it and does nothing.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="effects")
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "key"], name="order_effect_once")]

    def __str__(self):
        return f"{self.order} {self.key}"


class CheckoutSession(TimeStampedModel):
    """Our record of a Stripe Checkout Session opened for an order; at most one is open at a time."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETE = "complete", "Complete"
        EXPIRED = "expired", "Expired"

    # Every status change goes through orders.services.checkout_session_set_status, which checks this
    # map. It mirrors Stripe's session, which leaves "open" once, for "complete" or "expired", and
    # never comes back.
    TRANSITIONS = {
        Status.OPEN: {Status.COMPLETE, Status.EXPIRED},
        Status.COMPLETE: set(),
        Status.EXPIRED: set(),
    }

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="checkout_sessions")
    stripe_id = models.CharField(max_length=255, unique=True)
    url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status="open"), name="one_open_session_per_order"),
        ]

    def __str__(self):
        return self.stripe_id
