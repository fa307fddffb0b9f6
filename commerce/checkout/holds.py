"""What a waiting order keeps while its payment is open: a use of its coupon and whatever its kinds hold.

A product kind may hold something for a line (a mentor's slot) through `ProductKind.hold`; the
pipeline holds it exactly where it reserves a coupon use (an order is placed, a payment page opens
or replaces another, a lapsed order is paid again) and lets go exactly where it releases one (the
page expired, the order was cancelled or replaced, abandoned, or its payment failed for good).
Both helpers run inside the caller's transaction, with the order row locked where concurrent
writers are possible, so a hold and the order it belongs to commit or roll back together.
"""

from __future__ import annotations

from datetime import datetime

from commerce.exceptions import CheckoutError
from commerce.models import CouponRedemption, Order
from commerce.registry import NotPurchasable, get_kind
from commerce.shop.coupons import coupon_release, coupon_reserve

ORDER_LINE_UNAVAILABLE = "“{title}” can no longer be bought ({reason}) Check out your cart again to place a new order."

# Why a hold was let go, as a kind receives it in `release(reason=...)`.
RELEASE_EXPIRED = "expired"
RELEASE_CANCELED = "canceled"
RELEASE_ABANDONED = "abandoned"
RELEASE_FAILED = "failed"


def order_hold(*, order: Order, until: datetime, lines: list | None = None) -> None:
    """Hold every line of `order` until `until`, and a use of its coupon if it has none live.

    `lines` are the order's lines when the caller has just read or written them (not read again).

    Raises CheckoutError naming the line whose kind refused (NotPurchasable: the slot was taken)
    and CouponError when the code has no use left; the caller's transaction then rolls back.
    """
    if order.coupon_id is not None:
        live = CouponRedemption.objects.filter(order=order, status__in=CouponRedemption.COUNTS).exists()
        if not live:
            coupon_reserve(coupon=order.coupon, user=order.user, order=order)
    if lines is None:
        lines = order.lines.order_by("kind", "ref", "pk")
    else:
        lines = sorted(lines, key=lambda line: (line.kind, line.ref, line.pk))
    for line in lines:
        line.order = order
        try:
            get_kind(line.kind).hold(line=line, until=until)
        except NotPurchasable as exc:
            raise CheckoutError(ORDER_LINE_UNAVAILABLE.format(title=line.title, reason=exc.message)) from None


def order_release(*, order: Order, reason: str, kinds: bool = True) -> CouponRedemption | None:
    """Give back the order's coupon use and, with `kinds`, what its lines hold. Idempotent.

    Never called for a paid order. Returns the coupon redemption (None when the order had no code).
    """
    redemption = coupon_release(order=order)
    if kinds:
        for line in order.lines.order_by("kind", "ref", "pk"):
            line.order = order
            try:
                kind = get_kind(line.kind)
            except NotPurchasable:
                continue  # a kind no longer registered holds nothing any more
            kind.release(line=line, reason=reason)
    return redemption
