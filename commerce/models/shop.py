"""What leads to an order: carts, wishlists, coupons and their uses, and the Stripe prices of sellable items."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from innerwork.core.models import TimeStampedModel


class Cart(TimeStampedModel):
    """One cart per signed-in user; an anonymous visitor's cart is keyed by their session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="cart"
    )
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    coupon = models.ForeignKey("Coupon", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(session_key=""), name="cart_has_an_owner"),
        ]

    def __str__(self):
        return f"Cart of {self.user or self.session_key}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=32)
    ref = models.CharField(max_length=64)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["cart", "kind", "ref"], name="cart_item_once")]

    def __str__(self):
        return f"{self.kind}:{self.ref}"


class WishlistItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist")
    kind = models.CharField(max_length=32)
    ref = models.CharField(max_length=64)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "ref"], name="wishlist_item_once")]

    def __str__(self):
        return f"{self.user} wishes {self.kind}:{self.ref}"


class Coupon(TimeStampedModel):
    class DiscountType(models.TextChoices):
        PERCENT = "percent", "Percent off"
        FIXED = "fixed", "Fixed amount off"

    code = models.CharField(max_length=40, unique=True, help_text="Stored in upper case; customers type any case.")
    description = models.CharField(max_length=200, blank=True)
    discount_type = models.CharField(max_length=8, choices=DiscountType.choices)
    percent_off = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount_off = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units of `currency`.")
    currency = models.CharField(max_length=3, default="usd")
    max_discount_amount = models.PositiveIntegerField(
        null=True, blank=True, help_text="Cap on the discount of one order, in minor units."
    )
    is_active = models.BooleanField(default=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    min_order_amount = models.PositiveIntegerField(default=0, help_text="Subtotal needed, in minor units.")
    applies_to_kinds = models.JSONField(default=list, blank=True, help_text='Product kinds, e.g. ["course"].')
    applies_to_categories = models.JSONField(default=list, blank=True, help_text="Category slugs.")
    applies_to_refs = models.JSONField(default=list, blank=True, help_text='Items as "kind:ref", e.g. "course:12".')
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Across all customers.")
    max_uses_per_user = models.PositiveIntegerField(null=True, blank=True)
    stripe_coupon_id = models.CharField(max_length=255, blank=True)
    stripe_promotion_code_id = models.CharField(max_length=255, blank=True)
    stripe_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(discount_type="percent", percent_off__gt=0, percent_off__lte=100, amount_off__isnull=True)
                    | Q(discount_type="fixed", amount_off__gt=0, percent_off__isnull=True)
                ),
                name="coupon_discount_matches_type",
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class CouponRedemption(TimeStampedModel):
    """A use of a coupon by an order: reserved at checkout, redeemed when paid, released if it lapses."""

    class Status(models.TextChoices):
        RESERVED = "reserved", "Reserved"
        REDEEMED = "redeemed", "Redeemed"
        RELEASED = "released", "Released"

    # Every status change goes through shop.coupons.coupon_redemption_set_status, which checks this map.
    # A use is created RESERVED; a released one is reserved again when its order is retried or paid.
    TRANSITIONS = {
        Status.RESERVED: {Status.REDEEMED, Status.RELEASED},
        Status.RELEASED: {Status.RESERVED},
        Status.REDEEMED: set(),
    }
    COUNTS = (Status.RESERVED, Status.REDEEMED)

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.OneToOneField("Order", on_delete=models.CASCADE, related_name="coupon_redemption")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RESERVED, db_index=True)
    discount_amount = models.PositiveIntegerField()
    released_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.coupon} by {self.order}"


class CatalogPrice(TimeStampedModel):
    """The Stripe Product and Price that mirror one sellable item at one amount.

    Stripe prices are immutable: a new amount gets a new row and a new Price, and the
    old Price is archived in Stripe. Exactly one row per item is active.
    """

    kind = models.CharField(max_length=32)
    ref = models.CharField(max_length=64)
    unit_amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    stripe_product_id = models.CharField(max_length=255)
    stripe_price_id = models.CharField(max_length=255, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref"], condition=Q(is_active=True), name="one_active_catalog_price"
            ),
        ]

    def __str__(self):
        return f"{self.kind}:{self.ref} {self.unit_amount} {self.currency} ({self.stripe_price_id})"
