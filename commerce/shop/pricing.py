"""What a list of items costs this person now, with an optional coupon: the Quote.

Every amount comes from the product kinds' handlers (our own database) and from the
coupon rules; nothing a browser sends is ever an input. The cart page shows a Quote;
checkout freezes one into an Order (each QuoteLine becomes an OrderLine).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from commerce.exceptions import CouponError
from commerce.models import Coupon
from commerce.registry import NotPurchasable, PricedLine, get_kind
from commerce.shop.coupons import coupon_discount, coupon_line_is_eligible, coupon_validate

DEFAULT_CURRENCY = "usd"
CURRENCY_MIXED = "“{title}” is priced in {currency}, but your cart is in {cart_currency}. Buy it in a separate order."


@dataclass(frozen=True)
class QuoteLine:
    """A priced line with its share of the coupon discount."""

    item: PricedLine
    discount_amount: int = 0
    eligible: bool = False

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def ref(self) -> str:
        return self.item.ref

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def category(self) -> str:
        return self.item.category

    @property
    def url(self) -> str:
        return self.item.url

    @property
    def metadata(self) -> dict:
        return self.item.metadata

    @property
    def currency(self) -> str:
        return self.item.currency

    @property
    def unit_amount(self) -> int:
        return self.item.unit_amount

    @property
    def quantity(self) -> int:
        return self.item.quantity

    @property
    def amount(self) -> int:
        return self.item.amount

    @property
    def total_amount(self) -> int:
        return self.item.amount - self.discount_amount


@dataclass(frozen=True)
class UnavailableLine:
    """An item that cannot be bought now (unpublished, already owned, other currency), and why."""

    kind: str
    ref: str
    message: str


@dataclass(frozen=True)
class Quote:
    lines: tuple[QuoteLine, ...]
    unavailable: tuple[UnavailableLine, ...]
    currency: str
    coupon: Coupon | None = None
    coupon_code: str = ""
    coupon_error: str = ""

    @property
    def subtotal_amount(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def discount_amount(self) -> int:
        return sum(line.discount_amount for line in self.lines)

    @property
    def total_amount(self) -> int:
        return self.subtotal_amount - self.discount_amount

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def line_for(self, *, kind: str, ref: str) -> QuoteLine | None:
        return next((line for line in self.lines if line.kind == kind and line.ref == ref), None)

    def unavailable_for(self, *, kind: str, ref: str) -> UnavailableLine | None:
        return next((line for line in self.unavailable if line.kind == kind and line.ref == ref), None)


def price_items(*, items: Iterable[tuple[str, str]], user) -> tuple[list[PricedLine], list[UnavailableLine]]:
    """Ask each item's product kind for its price now; the first priced item fixes the currency."""
    priced: list[PricedLine] = []
    unavailable: list[UnavailableLine] = []
    for kind, ref in items:
        try:
            line = get_kind(kind).price(ref=str(ref), user=user)
        except NotPurchasable as exc:
            unavailable.append(UnavailableLine(kind=kind, ref=str(ref), message=exc.message))
            continue
        if priced and line.currency != priced[0].currency:
            message = CURRENCY_MIXED.format(
                title=line.title, currency=line.currency.upper(), cart_currency=priced[0].currency.upper()
            )
            unavailable.append(UnavailableLine(kind=kind, ref=str(ref), message=message))
            continue
        priced.append(line)
    return priced, unavailable


def quote_items(*, items: Iterable[tuple[str, str]], user, coupon_code: str = "") -> Quote:
    """Price `items` (kind, ref) for `user`, applying `coupon_code` if its rules allow.

    Items that cannot be bought now are listed in `unavailable` and left out of the totals.
    A coupon that fails a rule gives no discount and its message is in `coupon_error`;
    the quote never raises for it (the cart shows why, checkout refuses to go on).
    Guarantees: subtotal - discount == total, each line's discount is between 0 and its
    amount, and the lines' discounts sum exactly to the quote's discount.
    """
    priced, unavailable = price_items(items=items, user=user)
    currency = priced[0].currency if priced else DEFAULT_CURRENCY
    coupon, coupon_error = None, ""
    if coupon_code:
        try:
            coupon = coupon_validate(coupon_code=coupon_code, user=user, quote_lines=priced)
        except CouponError as exc:
            coupon_error = exc.message
    if coupon is None:
        lines = tuple(QuoteLine(item=line) for line in priced)
    else:
        shares = coupon_discount(coupon=coupon, lines=priced)
        lines = tuple(
            QuoteLine(item=line, discount_amount=share, eligible=coupon_line_is_eligible(coupon=coupon, line=line))
            for line, share in zip(priced, shares, strict=True)
        )
    return Quote(
        lines=lines,
        unavailable=tuple(unavailable),
        currency=currency,
        coupon=coupon,
        coupon_code=coupon.code if coupon else coupon_code.strip().upper(),
        coupon_error=coupon_error,
    )
