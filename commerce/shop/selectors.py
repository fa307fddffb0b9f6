"""Reads: what is in a cart or wishlist and what it costs now.

Every selector is scoped to its owner; none of them takes an id without the owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from commerce.models import Cart, CartItem, WishlistItem
from commerce.registry import PricedLine
from commerce.shop.pricing import Quote, QuoteLine, UnavailableLine, price_items, quote_items


@dataclass(frozen=True)
class CartEntry:
    """A cart row with what it costs now (`line`) or why it cannot be bought (`unavailable`)."""

    item: CartItem
    line: QuoteLine | None
    unavailable: UnavailableLine | None


@dataclass(frozen=True)
class WishlistEntry:
    """A wishlist row with its current price (`line`), or the reason it cannot be bought (`message`)."""

    item: WishlistItem
    line: PricedLine | None
    message: str = ""
    in_cart: bool = False


def cart_quote_for(*, cart: Cart | None, user) -> Quote:
    """The cart priced now for `user`, with its coupon re-validated (see pricing.quote_items)."""
    if cart is None:
        return quote_items(items=[], user=user)
    coupon = cart.coupon if cart.coupon_id else None
    return quote_items(
        items=cart.items.values_list("kind", "ref"), user=user, coupon_code=coupon.code if coupon else ""
    )


def cart_entries(*, cart: Cart | None, quote: Quote) -> list[CartEntry]:
    """The cart's rows in the order they were added, each matched to its line in `quote`."""
    if cart is None:
        return []
    return [
        CartEntry(
            item=item,
            line=quote.line_for(kind=item.kind, ref=item.ref),
            unavailable=quote.unavailable_for(kind=item.kind, ref=item.ref),
        )
        for item in cart.items.all()
    ]


def cart_item_count(*, user, session_token: str | None) -> int:
    """How many items the header shows: one COUNT query, none for a visitor without a cart."""
    if user is not None and user.is_authenticated:
        return CartItem.objects.filter(cart__user=user).count()
    if session_token:
        return CartItem.objects.filter(cart__session_key=session_token, cart__user__isnull=True).count()
    return 0


def cart_contains(*, user, session_token: str | None, kind: str, ref: str) -> bool:
    """Whether the visitor's cart holds (kind, ref), without creating a cart: one query at most."""
    items = CartItem.objects.filter(kind=kind, ref=str(ref))
    if user is not None and user.is_authenticated:
        return items.filter(cart__user=user).exists()
    if session_token:
        return items.filter(cart__session_key=session_token, cart__user__isnull=True).exists()
    return False


def wishlist_contains(*, user, kind: str, ref: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return WishlistItem.objects.filter(user=user, kind=kind, ref=str(ref)).exists()


def wishlist_for(*, user, cart: Cart | None = None) -> list[WishlistEntry]:
    """The user's wishlist, newest first, each item priced now (or with the reason it can't be bought)."""
    items = list(WishlistItem.objects.filter(user=user))
    in_cart = set(cart.items.values_list("kind", "ref")) if cart is not None else set()
    entries = []
    for item in items:
        priced, unavailable = price_items(items=[(item.kind, item.ref)], user=user)
        entries.append(
            WishlistEntry(
                item=item,
                line=priced[0] if priced else None,
                message=unavailable[0].message if unavailable else "",
                in_cart=(item.kind, item.ref) in in_cart,
            )
        )
    return entries
