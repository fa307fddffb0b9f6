"""Placing an order: a cart's or one item's quote frozen into a pending Order (prices, per-line discount,
coupon use reserved, what the kinds hold) in one transaction, or the waiting order that already matches.

`order_create_from_cart` for a cart, `order_create_for_item` / `order_create_for_items` for items bought on
their own (a booking, a contract, a partner's checkout). commerce.checkout.services then opens its payment page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import order_fulfil_from_session
from commerce.checkout.holds import (
    RELEASE_CANCELED,
    order_hold,
    order_release,
)
from commerce.checkout.stripe_sessions import (
    SESSION_LIFETIME,
)
from commerce.exceptions import CartError, CouponError, PaymentProviderError
from commerce.models import Cart, CheckoutSession, Order, OrderLine, new_order_number
from commerce.orders.services import checkout_session_record, order_event_add, order_set_status
from commerce.registry import NotPurchasable, PricedLine
from commerce.shop.coupons import normalize_code
from commerce.shop.pricing import Quote, quote_items
from commerce.shop.selectors import cart_quote_for

logger = logging.getLogger(__name__)

CHECKOUT_EMPTY = "Your cart is empty. Add a course before checking out."
# A waiting order identical to the cart is reused for this long instead of placing another.
ORDER_REUSE_WINDOW = timedelta(hours=24)
# What a new order holds before its payment page opens; opening the page holds it until the page expires.
FIRST_HOLD = SESSION_LIFETIME
# Set on the Order instance `_order_place` returns, to its PlacedLines: it was priced, held and written
# moments ago in this request, with no session yet, so order_checkout need not read, price and hold it again.
PLACED_IN_THIS_REQUEST = "_placed_in_this_request"


@dataclass(frozen=True)
class PlacedLines:
    """The lines `_order_place` wrote, each with the price its kind gave moments ago (`items`, in the same order)."""

    lines: list[OrderLine]
    items: list[PricedLine]


def _line_signature(lines) -> list[tuple]:
    return [(line.kind, line.ref, line.unit_amount, line.quantity, line.discount_amount) for line in lines]


def _unpaid_orders(*, user, origin: str):
    return Order.objects.filter(
        user=user, origin=origin, status__in=(Order.Status.PENDING, Order.Status.FAILED), paid_at__isnull=True
    )


def _unpaid_cart_orders(*, user) -> list[Order]:
    """The customer's unpaid cart orders, with their lines: one read serves both the reuse and the clean-up."""
    return list(_unpaid_orders(user=user, origin=Order.Origin.CART).prefetch_related("lines"))


def _matching_unpaid_order(
    *, user, quote: Quote, origin: str = Order.Origin.CART, partner=None, candidates: list[Order] | None = None
) -> Order | None:
    """The customer's waiting order with exactly this quote (they pressed back and checked out again).

    Asked for by a partner, only an order that partner placed: another partner's (or the site's) would
    answer with a payment the asking partner is not allowed to see. `candidates`: the customer's unpaid
    orders of `origin` with their lines, when the caller has read them already.
    """
    if candidates is None:
        unpaid = _unpaid_orders(user=user, origin=origin).prefetch_related("lines")
        candidates = list(unpaid.filter(partner=partner) if partner is not None else unpaid)
    coupon_id = quote.coupon.pk if quote.coupon else None
    since = timezone.now() - ORDER_REUSE_WINDOW
    wanted = _line_signature(quote.lines)
    return next(
        (
            order
            for order in candidates
            if not order.is_flagged
            and (order.currency, order.total_amount, order.coupon_id) == (quote.currency, quote.total_amount, coupon_id)
            and order.created_at >= since
            and _line_signature(order.lines.all()) == wanted
        ),
        None,
    )


def _order_create(*, number: str, user, quote: Quote, origin: str, partner=None) -> tuple[Order, list[OrderLine]]:
    order = Order.objects.create(
        number=number,
        user=user,
        origin=origin,
        partner=partner,
        currency=quote.currency,
        subtotal_amount=quote.subtotal_amount,
        discount_amount=quote.discount_amount,
        total_amount=quote.total_amount,
        coupon=quote.coupon,
        coupon_code=quote.coupon.code if quote.coupon else "",
    )
    order_lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            kind=line.kind,
            ref=line.ref,
            title=line.title[:200],
            category=line.category[:80],
            unit_amount=line.unit_amount,
            quantity=line.quantity,
            discount_amount=line.discount_amount,
            total_amount=line.total_amount,
        )
        for line in quote.lines
    )
    return order, order_lines


def order_create_from_cart(*, cart: Cart | None, user) -> Order:
    """Freeze the cart's current quote into a pending order, reserving a use of its coupon.

    Prices, currency and discount come from the quote (our database and coupon rules), never
    from the request. All or nothing: if the coupon has no use left (CouponError), no order
    exists afterwards. An identical order the customer already has waiting is returned
    instead of a new one; their other unpaid *cart* orders are closed (their Stripe page too)
    and give back what they held. Orders for one item (a booking, a contract) are never touched:
    they hold a slot or a contract's payment of their own. Raises CartError (empty cart),
    CouponError or CheckoutError (a kind could not hold a line).
    """
    quote = cart_quote_for(cart=cart, user=user)
    if quote.is_empty:
        raise CartError(CHECKOUT_EMPTY)
    unpaid = _unpaid_cart_orders(user=user)
    existing = None if quote.coupon_error else _matching_unpaid_order(user=user, quote=quote, candidates=unpaid)
    if existing is not None:
        return existing
    _close_unpaid_cart_orders(unpaid)
    if quote.coupon_error:
        # The code may have been held by the orders just closed: judge it again without them.
        quote = cart_quote_for(cart=cart, user=user)
        if quote.coupon_error:
            raise CouponError(quote.coupon_error)
    return _order_place(user=user, quote=quote, origin=Order.Origin.CART)


def _order_place(*, user, quote: Quote, origin: str, partner=None) -> Order:
    """The pending order of `quote`, its coupon use and its kinds' holds, in one transaction (all or nothing).

    Its number is random; the rare one already taken rolls the whole transaction back and it is placed
    again under another (no savepoint per try).
    """
    for _ in range(5):
        number = new_order_number()
        try:
            with transaction.atomic():
                order, lines = _order_create(number=number, user=user, quote=quote, origin=origin, partner=partner)
                order_hold(order=order, until=timezone.now() + FIRST_HOLD, lines=lines)
                order_event_add(order=order, type="created", message="Order placed.")
            break
        except IntegrityError:
            if not Order.objects.filter(number=number).exists():
                raise  # not a number collision
    else:
        raise IntegrityError("no free order number after five tries")
    setattr(order, PLACED_IN_THIS_REQUEST, PlacedLines(lines=lines, items=[line.item for line in quote.lines]))
    return order


def order_create_for_item(*, user, kind: str, ref: str, coupon_code: str = "", partner=None) -> Order:
    """A pending order for one item bought on its own (a booking, a contract, a partner's checkout).

    `partner` is the partner whose API places it (None on the site), recorded on the order: the partner sees
    the order and the item through it. A partner reuses only a waiting order it placed itself; the site reuses
    any (the person pays the order a partner placed for them, which stays that partner's).

    Priced by the item's product kind for `user` now (never from the request), with an optional
    coupon; what the kind holds for it (a slot) is held in the same transaction, so the order
    exists only if the hold succeeded. The customer's cart and their other orders are left alone.
    Asking again while an identical order is waiting returns that order (a double click, a page
    reloaded), so one item never has two waiting orders of the same person.
    Raises NotPurchasable (the kind refuses: unknown, taken, already owned), CouponError or
    CheckoutError (the kind could not hold it).
    """
    existing = _waiting_item_order(user=user, kind=kind, ref=str(ref), coupon_code=coupon_code, partner=partner)
    if existing is not None:
        return existing
    quote = quote_items(items=[(kind, str(ref))], user=user, coupon_code=coupon_code)
    if quote.unavailable:
        raise NotPurchasable(quote.unavailable[0].message)
    if quote.coupon_error:
        raise CouponError(quote.coupon_error)
    return _order_place(user=user, quote=quote, origin=Order.Origin.ITEM, partner=partner)


def order_create_for_items(*, user, items: list[tuple[str, str]], partner=None) -> Order:
    """A pending order for several items bought together outside the cart (a partner's list of courses).

    As `order_create_for_item`, for a list of (kind, ref): priced by their kinds for `user` now, held
    in one transaction, and an identical waiting order is returned instead of a second one. One item
    that cannot be bought refuses the whole order (NotPurchasable naming it). The cart is left alone.
    `partner` as for `order_create_for_item`.
    """
    if len(items) == 1:
        return order_create_for_item(user=user, kind=items[0][0], ref=items[0][1], partner=partner)
    quote = quote_items(items=[(kind, str(ref)) for kind, ref in items], user=user)
    if quote.unavailable:
        raise NotPurchasable(quote.unavailable[0].message)
    existing = _matching_unpaid_order(user=user, quote=quote, origin=Order.Origin.ITEM, partner=partner)
    if existing is not None:
        return existing
    return _order_place(user=user, quote=quote, origin=Order.Origin.ITEM, partner=partner)


def _waiting_item_order(*, user, kind: str, ref: str, coupon_code: str, partner=None) -> Order | None:
    """The customer's order for this one item still waiting for payment (asked for again: a double click);
    asked for by a partner, only one that partner placed."""
    orders = Order.objects.filter(partner=partner) if partner is not None else Order.objects.all()
    return (
        orders.filter(
            user=user,
            origin=Order.Origin.ITEM,
            status__in=(Order.Status.PENDING, Order.Status.FAILED),
            paid_at__isnull=True,
            is_flagged=False,
            coupon_code=normalize_code(coupon_code),
            created_at__gte=timezone.now() - ORDER_REUSE_WINDOW,
            lines__kind=kind,
            lines__ref=ref,
        )
        .order_by("-created_at")
        .first()
    )


def _close_unpaid_cart_orders(unpaid: list[Order]) -> None:
    """Cancel the customer's other unpaid cart orders (`_unpaid_cart_orders`): they replaced them with a new one.

    An order whose Stripe page is still open has it closed first; if Stripe cannot be
    reached that order is left to expire on its own. One that turns out paid is fulfilled.
    Orders for one item are not the cart's to close.
    """
    for order in unpaid:
        open_row = order.checkout_sessions.filter(status=CheckoutSession.Status.OPEN).first()
        if open_row is not None:
            try:
                session = gateway.session_expire(session_id=open_row.stripe_id)
            except PaymentProviderError:
                continue
            if session.is_paid:
                order_fulfil_from_session(session=session)
                continue
            checkout_session_record(order=order, session=session)
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            if locked.paid_at is None and locked.status in (Order.Status.PENDING, Order.Status.FAILED):
                order_set_status(order=locked, status=Order.Status.CANCELED, message="Replaced by a newer order.")
                order_release(order=locked, reason=RELEASE_CANCELED)
