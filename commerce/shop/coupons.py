"""Coupon rules, the discount they give, and the use limits that hold under concurrency.

`coupon_validate` is advisory (it answers "may this cart use this code now?") and
reads without locks. `coupon_reserve` is authoritative: it locks the coupon row, so
two checkouts of the last use of a code are serialised and only one succeeds.
A use is RESERVED at checkout, REDEEMED when paid and RELEASED when the checkout
lapses; RESERVED and REDEEMED both count against the limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from commerce.exceptions import CouponError
from commerce.models import Coupon, CouponRedemption, Order
from commerce.registry import PricedLine
from innerwork.core.money import allocate_proportionally, format_money, percent_of
from innerwork.core.status import status_move

COUPON_EMPTY_CODE = "Enter a coupon code."
COUPON_UNKNOWN = "We couldn't find the code “{code}”. Check the spelling and try again."
COUPON_INACTIVE = "The code {code} is no longer active."
COUPON_NOT_YET_VALID = "The code {code} can be used from {start}."
COUPON_EXPIRED = "The code {code} expired on {end}."
COUPON_EMPTY_CART = "Add a course to your cart before using a code."
COUPON_CURRENCY_MISMATCH = "The code {code} is for orders in {coupon_currency}; your cart is in {cart_currency}."
COUPON_NOT_APPLICABLE = "The code {code} doesn't apply to anything in your cart."
COUPON_MIN_ORDER = "The code {code} needs an order of at least {minimum}; your cart comes to {subtotal}."
COUPON_USED_UP = "The code {code} has reached its usage limit."
COUPON_PER_CUSTOMER_LIMIT = "You've already used the code {code} as many times as it allows."


def normalize_code(code: str) -> str:
    """Codes are stored in upper case and typed in any case, with stray spaces."""
    return (code or "").strip().upper()


def coupon_date(value) -> str:
    """How a coupon's validity dates read in messages: "3 March 2026", in the viewer's time zone."""
    return date_format(timezone.localtime(value), "j F Y")


def coupon_terms(coupon: Coupon) -> str:
    """What the coupon gives, in a few words: "20% off, up to $25.00" or "$10.00 off"."""
    if coupon.discount_type == Coupon.DiscountType.PERCENT:
        terms = f"{Decimal(coupon.percent_off).normalize():f}% off"
    else:
        terms = f"{format_money(coupon.amount_off, coupon.currency)} off"
    if coupon.max_discount_amount is not None:
        terms += f", up to {format_money(coupon.max_discount_amount, coupon.currency)}"
    return terms


def coupon_line_is_eligible(*, coupon: Coupon, line: PricedLine) -> bool:
    """Whether the coupon discounts this line.

    Product kinds narrow everything; within them a line qualifies by matching any listed
    category or any listed item ("course:12"). No list at all means every line qualifies.
    """
    if coupon.applies_to_kinds and line.kind not in coupon.applies_to_kinds:
        return False
    categories, refs = coupon.applies_to_categories, coupon.applies_to_refs
    if not categories and not refs:
        return True
    return line.category in categories or f"{line.kind}:{line.ref}" in refs


def coupon_discount(*, coupon: Coupon, lines: Sequence[PricedLine]) -> list[int]:
    """The coupon's discount on each line (0 for lines it does not cover); they sum to the order discount.

    Percent coupons take their percentage of the eligible subtotal; fixed coupons take their
    amount but never more than the eligible subtotal; the optional cap then limits either.
    The rules (validity, currency, limits) are `coupon_validate`'s job, not this function's.
    """
    eligible = [line.amount if coupon_line_is_eligible(coupon=coupon, line=line) else 0 for line in lines]
    eligible_subtotal = sum(eligible)
    if coupon.discount_type == Coupon.DiscountType.PERCENT:
        discount = percent_of(eligible_subtotal, Decimal(coupon.percent_off))
    else:
        discount = coupon.amount_off or 0
    if coupon.max_discount_amount is not None:
        discount = min(discount, coupon.max_discount_amount)
    discount = min(discount, eligible_subtotal)
    return allocate_proportionally(total=discount, weights=eligible)


def _coupon_needs_currency(coupon: Coupon) -> bool:
    # A percentage is the same in every currency; an amount (fixed discount or cap) is not.
    return coupon.discount_type == Coupon.DiscountType.FIXED or coupon.max_discount_amount is not None


def _check_validity(coupon: Coupon, *, now) -> None:
    if not coupon.is_active:
        raise CouponError(COUPON_INACTIVE.format(code=coupon.code))
    if coupon.valid_from and now < coupon.valid_from:
        raise CouponError(COUPON_NOT_YET_VALID.format(code=coupon.code, start=coupon_date(coupon.valid_from)))
    if coupon.valid_until and now >= coupon.valid_until:
        raise CouponError(COUPON_EXPIRED.format(code=coupon.code, end=coupon_date(coupon.valid_until)))


def _check_limits(coupon: Coupon, *, user) -> None:
    counted = CouponRedemption.objects.filter(coupon=coupon, status__in=CouponRedemption.COUNTS)
    if coupon.max_uses is not None and counted.count() >= coupon.max_uses:
        raise CouponError(COUPON_USED_UP.format(code=coupon.code))
    signed_in = user is not None and user.is_authenticated
    per_user = coupon.max_uses_per_user
    if signed_in and per_user is not None and counted.filter(user=user).count() >= per_user:
        raise CouponError(COUPON_PER_CUSTOMER_LIMIT.format(code=coupon.code))


def coupon_validate(*, coupon_code: str, user, quote_lines: Sequence[PricedLine]) -> Coupon:
    """The coupon for `coupon_code` if this user may use it on these priced lines, else CouponError.

    Each failing rule raises its own message. Reads only: the limits checked here can still
    be taken by someone else before checkout, which is why `coupon_reserve` checks them again
    under a lock. The per-customer limit is checked only for signed-in users (checkout
    requires signing in, and re-validates).
    """
    code = normalize_code(coupon_code)
    if not code:
        raise CouponError(COUPON_EMPTY_CODE)
    coupon = Coupon.objects.filter(code=code).first()
    if coupon is None:
        raise CouponError(COUPON_UNKNOWN.format(code=code))
    _check_validity(coupon, now=timezone.now())
    if not quote_lines:
        raise CouponError(COUPON_EMPTY_CART)
    currency = quote_lines[0].currency
    if _coupon_needs_currency(coupon) and coupon.currency.lower() != currency.lower():
        raise CouponError(
            COUPON_CURRENCY_MISMATCH.format(
                code=code, coupon_currency=coupon.currency.upper(), cart_currency=currency.upper()
            )
        )
    if not any(coupon_line_is_eligible(coupon=coupon, line=line) and line.amount > 0 for line in quote_lines):
        raise CouponError(COUPON_NOT_APPLICABLE.format(code=code))
    subtotal = sum(line.amount for line in quote_lines)
    if subtotal < coupon.min_order_amount:
        raise CouponError(
            COUPON_MIN_ORDER.format(
                code=code,
                minimum=format_money(coupon.min_order_amount, currency),
                subtotal=format_money(subtotal, currency),
            )
        )
    _check_limits(coupon, user=user)
    return coupon


def coupon_redemption_set_status(
    *, redemption: CouponRedemption, status: str, changes: dict | None = None, reason: str = ""
) -> bool:
    """Move a coupon use to `status` if CouponRedemption.TRANSITIONS allows it, and record the move.

    The only writer of CouponRedemption.status. RELEASED stamps `released_at`, RESERVED clears
    it; `changes` are other fields written with the move. Idempotent: asking for the status the
    use already has changes and records nothing (releasing or redeeming twice is harmless).
    Raises StatusTransitionError for a move the map refuses (a redeemed use never goes back).
    Call it with the redemption row locked, under the coupon's lock when the limits matter.
    """
    changes = dict(changes or {})
    if status == CouponRedemption.Status.RELEASED:
        changes["released_at"] = timezone.now()
    elif status == CouponRedemption.Status.RESERVED:
        changes["released_at"] = None
    return status_move(redemption, status, changes=changes, reason=reason, same_is_noop=True)


def _reserve_locked(*, coupon: Coupon, user, order: Order, check_validity: bool) -> CouponRedemption:
    """Reserve a use of an already locked coupon for `order` (the caller holds the row lock)."""
    redemption = CouponRedemption.objects.select_for_update().filter(order=order).first()
    if redemption is not None and redemption.status in CouponRedemption.COUNTS:
        if redemption.coupon_id != coupon.pk:
            raise ValueError(f"order {order} already holds a use of another coupon")
        return redemption
    if check_validity:
        _check_validity(coupon, now=timezone.now())
    _check_limits(coupon, user=user)
    if redemption is None:
        return CouponRedemption.objects.create(
            coupon=coupon, user=user, order=order, discount_amount=order.discount_amount
        )
    coupon_redemption_set_status(
        redemption=redemption,
        status=CouponRedemption.Status.RESERVED,
        changes={"coupon": coupon, "user": user, "discount_amount": order.discount_amount},
        reason=f"Reserved again for order {order.number}",
    )
    return redemption


def coupon_reserve(*, coupon: Coupon, user, order: Order) -> CouponRedemption:
    """Hold one use of `coupon` for `order`, or raise CouponError when none is left.

    Locks the coupon row (SELECT ... FOR UPDATE) for the rest of the caller's transaction
    and counts RESERVED + REDEEMED uses globally and for `user`, so concurrent checkouts of
    the last use serialise and exactly one wins. Also re-checks the active flag and the
    validity window. Idempotent per order: reserving again returns the existing reservation;
    an order whose reservation was released takes a fresh one (if a use is left).
    """
    with transaction.atomic():
        locked = Coupon.objects.select_for_update().get(pk=coupon.pk)
        return _reserve_locked(coupon=locked, user=user, order=order, check_validity=True)


def coupon_release(*, order: Order) -> CouponRedemption | None:
    """Give back the use reserved by `order` (its checkout expired, failed or was abandoned).

    Only a RESERVED use is released; a REDEEMED one belongs to a paid order and stays.
    Idempotent; returns the redemption, or None when the order never held one.
    """
    with transaction.atomic():
        redemption = CouponRedemption.objects.select_for_update().filter(order=order).first()
        if redemption is not None and redemption.status == CouponRedemption.Status.RESERVED:
            coupon_redemption_set_status(redemption=redemption, status=CouponRedemption.Status.RELEASED)
        return redemption


def coupon_redeem(*, order: Order) -> CouponRedemption | None:
    """Mark the order's coupon use as REDEEMED because the order was paid.

    Idempotent. If the order holds no live reservation (it was released, or a free order
    never reserved one), a use is taken now under the coupon lock; validity dates are not
    re-checked (the customer was promised the discount when they paid) but the use limits
    are, and CouponError is raised when none is left, so the caller can flag the order
    instead of going over the limit. Returns None for an order without a coupon.
    """
    if order.coupon_id is None:
        return None
    with transaction.atomic():
        locked = Coupon.objects.select_for_update().get(pk=order.coupon_id)
        redemption = _reserve_locked(coupon=locked, user=order.user, order=order, check_validity=False)
        coupon_redemption_set_status(redemption=redemption, status=CouponRedemption.Status.REDEEMED)
        return redemption
