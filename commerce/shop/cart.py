"""Writes to carts and wishlists.

A signed-in person has one cart (Cart.user). An anonymous visitor's cart is keyed by a
random token kept in their session (Cart.session_key): not Django's session key, which
changes at login, so the token survives the login and the cart can be merged then.
Nothing here trusts a price from the browser: items are (kind, ref) and every price
comes from the product kind's handler.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from commerce.exceptions import CartError
from commerce.models import Cart, CartItem, Coupon, WishlistItem
from commerce.registry import NotPurchasable, PricedLine, get_kind
from commerce.shop.coupons import coupon_validate
from commerce.shop.pricing import price_items

SESSION_CART_TOKEN = "commerce_cart_token"  # noqa: S105 (a session key name, not a secret)

CART_ALREADY_IN_CART = "“{title}” is already in your cart."
CART_CURRENCY_MIXED = (
    "Your cart is in {cart_currency} and “{title}” is priced in {currency}. Check out your cart first, then buy it."
)


def cart_get_for_request(request, *, create: bool = True) -> Cart | None:
    """The cart of whoever makes `request`: the user's cart, or the anonymous visitor's session cart.

    With `create=False` nothing is written and None means "no cart yet". One user, one cart:
    a concurrent first add is settled by the unique user column (get_or_create re-reads).
    """
    if request.user.is_authenticated:
        if create:
            return Cart.objects.get_or_create(user=request.user)[0]
        return Cart.objects.filter(user=request.user).first()
    token = request.session.get(SESSION_CART_TOKEN)
    cart = Cart.objects.filter(session_key=token, user__isnull=True).first() if token else None
    if cart is None and create:
        token = secrets.token_urlsafe(32)
        cart = Cart.objects.create(session_key=token)
        request.session[SESSION_CART_TOKEN] = token
    return cart


def _check_currency(*, cart: Cart, line: PricedLine, user) -> None:
    """One currency per cart: the items already in it decide."""
    priced, _ = price_items(
        items=cart.items.exclude(kind=line.kind, ref=line.ref).values_list("kind", "ref"), user=user
    )
    if priced and priced[0].currency != line.currency:
        raise CartError(
            CART_CURRENCY_MIXED.format(
                cart_currency=priced[0].currency.upper(), title=line.title, currency=line.currency.upper()
            )
        )


def cart_add(*, cart: Cart, kind: str, ref: str, user) -> CartItem:
    """Add one item to the cart.

    Raises NotPurchasable (unknown, unpublished, already owned: the kind's price() decides)
    or CartError (already in the cart, or priced in another currency than the cart).
    No duplicates even under concurrent adds: the (cart, kind, ref) unique constraint decides.
    """
    line = get_kind(kind).price(ref=str(ref), user=user)
    if cart.items.filter(kind=line.kind, ref=line.ref).exists():
        raise CartError(CART_ALREADY_IN_CART.format(title=line.title))
    _check_currency(cart=cart, line=line, user=user)
    try:
        with transaction.atomic():
            item = CartItem.objects.create(cart=cart, kind=line.kind, ref=line.ref)
    except IntegrityError:
        raise CartError(CART_ALREADY_IN_CART.format(title=line.title)) from None
    cart.save(update_fields=["updated_at"])
    return item


def cart_remove(*, cart: Cart, item: CartItem) -> None:
    """Remove one of this cart's items (an item of another cart is refused, never removed)."""
    if item.cart_id != cart.pk:
        raise CartItem.DoesNotExist
    item.delete()
    cart.save(update_fields=["updated_at"])


def cart_apply_coupon(*, cart: Cart, code: str, user) -> Coupon:
    """Attach the coupon for `code` to the cart if its rules accept the cart now.

    Raises CouponError with the failing rule's message. The cart keeps the coupon; every
    quote re-checks it, so a code that later stops applying just stops discounting.
    """
    priced, _ = price_items(items=cart.items.values_list("kind", "ref"), user=user)
    coupon = coupon_validate(coupon_code=code, user=user, quote_lines=priced)
    cart.coupon = coupon
    cart.save(update_fields=["coupon", "updated_at"])
    return coupon


def cart_remove_coupon(*, cart: Cart) -> None:
    """Detach the cart's coupon (idempotent)."""
    if cart.coupon_id is not None:
        cart.coupon = None
        cart.save(update_fields=["coupon", "updated_at"])


@dataclass
class MergeResult:
    added: list[str] = field(default_factory=list)  # refs moved into the user's cart
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (title, why it was left out)


def cart_merge(*, source: Cart, target: Cart, user) -> MergeResult:
    """Move the items of an anonymous cart into `user`'s cart, then delete the anonymous cart.

    Items already in the user's cart, items the user already owns and items in another
    currency are left out. The user's own coupon wins; the visitor's coupon is kept only
    when the user had none (every quote re-validates it for the user).
    """
    result = MergeResult()
    if source.pk == target.pk:
        return result
    with transaction.atomic():
        for item in source.items.all():
            if target.items.filter(kind=item.kind, ref=item.ref).exists():
                continue
            try:
                added = cart_add(cart=target, kind=item.kind, ref=item.ref, user=user)
            except (NotPurchasable, CartError) as exc:
                result.skipped.append((_title_of(item), exc.message))
            else:
                result.added.append(added.ref)
        if target.coupon_id is None and source.coupon_id is not None:
            target.coupon_id = source.coupon_id
            target.save(update_fields=["coupon", "updated_at"])
        source.delete()
    return result


def _title_of(item: CartItem) -> str:
    try:
        return get_kind(item.kind).price(ref=item.ref, user=None).title
    except NotPurchasable:
        return f"{item.kind} {item.ref}"


def cart_merge_on_login(*, request, user) -> MergeResult | None:
    """At login, fold the visitor's session cart into the account's cart (see cart_merge).

    Called from django.contrib.auth's user_logged_in signal (allauth logs in through it too).
    The session token is removed, so a second call merges nothing.
    """
    session = getattr(request, "session", None) if request is not None else None
    token = session.pop(SESSION_CART_TOKEN, None) if session is not None else None
    if not token:
        return None
    source = Cart.objects.filter(session_key=token, user__isnull=True).first()
    if source is None:
        return None
    target = Cart.objects.get_or_create(user=user)[0]
    return cart_merge(source=source, target=target, user=user)


def wishlist_add(*, user, kind: str, ref: str) -> WishlistItem:
    """Save an item to the user's wishlist (idempotent: saving twice keeps one row).

    Raises NotPurchasable for items that cannot be bought (unknown, unpublished, owned).
    """
    line = get_kind(kind).price(ref=str(ref), user=user)
    try:
        with transaction.atomic():
            return WishlistItem.objects.get_or_create(user=user, kind=line.kind, ref=line.ref)[0]
    except IntegrityError:
        return WishlistItem.objects.get(user=user, kind=line.kind, ref=line.ref)


def wishlist_remove(*, user, item: WishlistItem) -> None:
    """Remove one of the user's wishlist items (another person's item is refused, never removed)."""
    if item.user_id != user.pk:
        raise WishlistItem.DoesNotExist
    item.delete()


def wishlist_move_to_cart(*, user, item: WishlistItem, cart: Cart) -> CartItem:
    """Put a wishlist item in the cart and take it off the wishlist, in one transaction.

    An item already in the cart just leaves the wishlist. NotPurchasable or a currency
    CartError leaves the wishlist as it was.
    """
    if item.user_id != user.pk or cart.user_id != user.pk:
        raise WishlistItem.DoesNotExist
    with transaction.atomic():
        existing = cart.items.filter(kind=item.kind, ref=item.ref).first()
        cart_item = existing or cart_add(cart=cart, kind=item.kind, ref=item.ref, user=user)
        item.delete()
    return cart_item


def cart_move_to_wishlist(*, user, cart: Cart, item: CartItem) -> WishlistItem:
    """Save for later: take an item out of the user's cart and keep it on their wishlist."""
    if item.cart_id != cart.pk or cart.user_id != user.pk:
        raise CartItem.DoesNotExist
    with transaction.atomic():
        saved = wishlist_add(user=user, kind=item.kind, ref=item.ref)
        item.delete()
    return saved
