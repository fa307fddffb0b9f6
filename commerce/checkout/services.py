"""From a cart or one item to Stripe's payment page: a pending order with frozen lines, then its Checkout Session.

`order_create_from_cart` freezes the cart's quote (prices, per-line discount, coupon use reserved,
what the kinds hold) into a pending Order in one transaction; `order_create_for_item` does the same
for one item bought on its own (a booking, a contract, a partner's checkout). `order_checkout` sends
the customer to pay it: the order's open Checkout Session if it has one, otherwise a new one. An order
never has two open sessions: a session about to expire is closed at Stripe before another is opened.

A Stripe call that fails leaves a whole pending order behind (never half of one): the retry
reuses it, with the same idempotency key and parameters, so Stripe makes one session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import order_complete_free, order_fulfil_from_session
from commerce.checkout.holds import (
    ORDER_LINE_UNAVAILABLE,
    RELEASE_ABANDONED,
    RELEASE_CANCELED,
    order_hold,
    order_release,
)
from commerce.checkout.stripe_sessions import (
    SESSION_LIFETIME,
    checkout_session_open,
    checkout_session_open_replacing_stale,
)
from commerce.exceptions import CartError, CheckoutError, CouponError, PaymentProviderError
from commerce.models import Cart, CheckoutSession, Order, OrderLine, new_order_number
from commerce.orders.services import checkout_session_record, order_event_add, order_set_status
from commerce.registry import NotPurchasable, get_kind
from commerce.shop.coupons import normalize_code
from commerce.shop.pricing import Quote, quote_items
from commerce.shop.selectors import cart_quote_for
from commerce.stripe_mirror import order_stripe_coupon, stripe_discount_for, stripe_line_for

logger = logging.getLogger(__name__)

CHECKOUT_EMPTY = "Your cart is empty. Add a course before checking out."
ORDER_NOT_PAYABLE = "Order {number} can no longer be paid. Check out your cart again to place a new order."
CHECKOUT_NOT_PREPARED = "We couldn't prepare your payment page. Nothing was charged — please try again in a moment."

# An open session with less than this left is replaced rather than reused.
REUSE_AT_LEAST = timedelta(minutes=5)
# A waiting order identical to the cart is reused for this long instead of placing another.
ORDER_REUSE_WINDOW = timedelta(hours=24)
# A waiting order that never got a payment page is given up after this long.
ABANDONED_AFTER = timedelta(hours=1)
# What a new order holds before its payment page opens; opening the page holds it until the page expires.
FIRST_HOLD = SESSION_LIFETIME
# Set on the Order instance `_order_place` returns: it was priced, held and written moments ago in
# this request, with no session yet, so order_checkout need not read, price and hold it all again.
PLACED_IN_THIS_REQUEST = "_placed_in_this_request"


@dataclass(frozen=True)
class CheckoutStart:
    """Where to send the customer: Stripe's payment page, or the order page when nothing is to pay."""

    order: Order
    url: str
    at_stripe: bool


def _line_signature(lines) -> list[tuple]:
    return [(line.kind, line.ref, line.unit_amount, line.quantity, line.discount_amount) for line in lines]


def _matching_unpaid_order(*, user, quote: Quote, origin: str, partner=None) -> Order | None:
    """The customer's waiting order with exactly this quote (they pressed back and checked out again).

    Asked for by a partner, only an order that partner placed: another partner's (or the site's) would
    answer with a payment the asking partner is not allowed to see.
    """
    candidates = Order.objects.filter(
        user=user,
        origin=origin,
        status__in=(Order.Status.PENDING, Order.Status.FAILED),
        paid_at__isnull=True,
        is_flagged=False,
        currency=quote.currency,
        total_amount=quote.total_amount,
        coupon_id=quote.coupon.pk if quote.coupon else None,
        created_at__gte=timezone.now() - ORDER_REUSE_WINDOW,
    ).prefetch_related("lines")
    if partner is not None:
        candidates = candidates.filter(partner=partner)
    wanted = _line_signature(quote.lines)
    return next((order for order in candidates if _line_signature(order.lines.all()) == wanted), None)


def _order_create(*, user, quote: Quote, origin: str, partner=None) -> Order:
    for _ in range(5):
        number = new_order_number()
        try:
            with transaction.atomic():
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
            break
        except IntegrityError:
            if not Order.objects.filter(number=number).exists():
                raise  # not a number collision
    else:
        raise IntegrityError("no free order number after five tries")
    OrderLine.objects.bulk_create(
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
    return order


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
    existing = None if quote.coupon_error else _matching_unpaid_order(user=user, quote=quote, origin=Order.Origin.CART)
    if existing is not None:
        return existing
    _close_unpaid_cart_orders(user=user)
    if quote.coupon_error:
        # The code may have been held by the orders just closed: judge it again without them.
        quote = cart_quote_for(cart=cart, user=user)
        if quote.coupon_error:
            raise CouponError(quote.coupon_error)
    return _order_place(user=user, quote=quote, origin=Order.Origin.CART)


def _order_place(*, user, quote: Quote, origin: str, partner=None) -> Order:
    """The pending order of `quote`, its coupon use and its kinds' holds, in one transaction (all or nothing)."""
    with transaction.atomic():
        order = _order_create(user=user, quote=quote, origin=origin, partner=partner)
        order_hold(order=order, until=timezone.now() + FIRST_HOLD)
        order_event_add(order=order, type="created", message="Order placed.")
    setattr(order, PLACED_IN_THIS_REQUEST, True)
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


def _close_unpaid_cart_orders(*, user) -> None:
    """Cancel the customer's other unpaid cart orders: they replaced them with a new one.

    An order whose Stripe page is still open has it closed first; if Stripe cannot be
    reached that order is left to expire on its own. One that turns out paid is fulfilled.
    Orders for one item are not the cart's to close.
    """
    unpaid = Order.objects.filter(
        user=user,
        origin=Order.Origin.CART,
        status__in=(Order.Status.PENDING, Order.Status.FAILED),
        paid_at__isnull=True,
    )
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


def _hold_again(order: Order, *, until) -> None:
    """An order about to be paid holds its coupon use and its lines (again, if they were given back)."""
    with transaction.atomic():
        order_hold(order=Order.objects.select_for_update().get(pk=order.pk), until=until)


def _check_still_purchasable(order: Order) -> None:
    for line in order.lines.all():
        try:
            get_kind(line.kind).price(ref=line.ref, user=order.user, order=order)
        except NotPurchasable as exc:
            raise CheckoutError(ORDER_LINE_UNAVAILABLE.format(title=line.title, reason=exc.message)) from None


def _back_to_pending(order: Order) -> None:
    if order.status in (Order.Status.FAILED, Order.Status.EXPIRED):
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            if locked.status in (Order.Status.FAILED, Order.Status.EXPIRED):
                order_set_status(order=locked, status=Order.Status.PENDING, message="Trying the payment again.")
        order.refresh_from_db()


def _paid_start(order: Order) -> CheckoutStart:
    order.refresh_from_db()
    return CheckoutStart(order=order, url=order.get_absolute_url(), at_stripe=False)


def _reuse_open_session(order: Order) -> CheckoutStart | None:
    """Send the customer back to the order's open session if it has time left; otherwise close it."""
    row = order.checkout_sessions.filter(status=CheckoutSession.Status.OPEN).first()
    if row is None:
        return None
    session = gateway.session_retrieve(session_id=row.stripe_id)
    if session.status == "open" and session.expires_at - timezone.now() >= REUSE_AT_LEAST:
        try:
            _hold_again(order, until=session.expires_at)
        except (CouponError, CheckoutError):
            # The page still offers a discount we can no longer honour: close it (unless just paid).
            closed = gateway.session_expire(session_id=row.stripe_id)
            if closed.is_paid:
                order_fulfil_from_session(session=closed)
                return _paid_start(order)
            checkout_session_record(order=order, session=closed)
            raise
        _back_to_pending(order)
        return CheckoutStart(order=order, url=session.url, at_stripe=True)
    if session.status == "open":
        session = gateway.session_expire(session_id=row.stripe_id)
    if session.is_paid:
        order_fulfil_from_session(session=session)
        return _paid_start(order)
    checkout_session_record(order=order, session=session)
    return None


def _open_session(order: Order, *, success_url: str, cancel_url: str) -> CheckoutStart:
    customer_id = gateway.customer_for_user(user=order.user)
    lines = list(order.lines.all())
    stripe_lines = [stripe_line_for(line=line, currency=order.currency) for line in lines]
    discount = stripe_discount_for(order=order, lines=lines)
    urls = {"success_url": success_url, "cancel_url": cancel_url}
    session, customer_id = checkout_session_open_replacing_stale(
        order, customer_id, lines, stripe_lines, discount, urls
    )
    options = {"order": order, "customer_id": customer_id, "lines": stripe_lines}
    expected = (order.total_amount, order.currency.lower(), order.discount_amount)
    if (session.amount_total, session.currency, session.amount_discount) != expected:
        # Stripe computed the code's discount differently than we predicted: close that page
        # and charge exactly our discount through an order-specific coupon instead.
        logger.warning("Session %s totals %s, order %s expects %s", session.id, session.amount_total, order, expected)
        checkout_session_record(order=order, session=gateway.session_expire(session_id=session.id))
        if not discount or "promotion_code" not in discount:
            raise CheckoutError(CHECKOUT_NOT_PREPARED)
        session = checkout_session_open(
            **options, discount={"coupon": order_stripe_coupon(order=order)}, **urls, new_attempt=True
        )
        if (session.amount_total, session.currency, session.amount_discount) != expected:
            checkout_session_record(order=order, session=gateway.session_expire(session_id=session.id))
            raise CheckoutError(CHECKOUT_NOT_PREPARED)
    return _session_opened(order, session, lines, stripe_lines)


def _session_opened(order, session, lines, stripe_lines) -> CheckoutStart:
    try:
        row = checkout_session_record(order=order, session=session)
    except IntegrityError:
        # Another request opened a different session meanwhile: keep that one, close ours.
        gateway.session_expire(session_id=session.id)
        reused = _reuse_open_session(order)
        if reused is None:
            raise CheckoutError(CHECKOUT_NOT_PREPARED) from None
        return reused
    if row.status == CheckoutSession.Status.COMPLETE:
        return _paid_start(order)  # the webhook saw it paid before we saved it
    if row.status != CheckoutSession.Status.OPEN:
        raise CheckoutError(CHECKOUT_NOT_PREPARED)
    with transaction.atomic():
        for line, stripe_line in zip(lines, stripe_lines, strict=True):
            if line.stripe_price_id != stripe_line.price_id:
                OrderLine.objects.filter(pk=line.pk).update(stripe_price_id=stripe_line.price_id)
        Order.objects.filter(pk=order.pk).update(stripe_customer_id=session.customer_id)
        order_hold(order=Order.objects.select_for_update().get(pk=order.pk), until=session.expires_at)
        order_event_add(
            order=order, type="checkout_opened", message="Payment page opened.", data={"session": session.id}
        )
    _back_to_pending(order)
    return CheckoutStart(order=order, url=session.url, at_stripe=True)


def order_checkout(*, order: Order, success_url: str, cancel_url: str) -> CheckoutStart:
    """Where the customer pays `order` now: its open Checkout Session, or a new one.

    `success_url` must contain `{CHECKOUT_SESSION_ID}`. A paid order sends them to its page;
    a free one (total 0) is completed here without Stripe. Never leaves two sessions open.
    Raises CheckoutError (not payable any more), CouponError (its code was used up meanwhile),
    PaymentProviderError (Stripe failed: nothing was charged and retrying is safe).
    """
    # Only the first checkout of the instance _order_place returned: any later one reads it afresh.
    just_placed = order.__dict__.pop(PLACED_IN_THIS_REQUEST, False)
    if not just_placed:
        order.refresh_from_db()
    if order.paid_at is not None or order.status in Order.SETTLED:
        return _paid_start(order)
    if order.total_amount == 0:
        return _paid_start(order_complete_free(order=order))
    if order.status not in Order.PAYABLE:
        raise CheckoutError(ORDER_NOT_PAYABLE.format(number=order.number))
    if not just_placed:
        # An order placed earlier: its page may be open, its items gone, its holds let go.
        reused = _reuse_open_session(order)
        if reused is not None:
            return reused
        _check_still_purchasable(order)
        _hold_again(order, until=timezone.now() + FIRST_HOLD)
        # Waiting again from here on: if Stripe fails now, the abandoned-order clean-up frees the code.
        _back_to_pending(order)
    return _open_session(order, success_url=success_url, cancel_url=cancel_url)


def orders_expire_abandoned(*, now: datetime | None = None) -> int:
    """Expire waiting orders that never reached a payment page (Stripe failed, the customer left).

    They give back the coupon use they held. Orders with an open session are left to Stripe's
    own expiry (its webhook does the same), and so are attempts that may still have made one.
    Run from cron (`manage.py expire_abandoned_orders`). Returns how many orders expired.
    """
    now = now or timezone.now()
    candidates = Order.objects.filter(
        status=Order.Status.PENDING, paid_at__isnull=True, updated_at__lt=now - ABANDONED_AFTER
    ).exclude(checkout_sessions__status=CheckoutSession.Status.OPEN)
    expired = 0
    for candidate in candidates:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=candidate.pk)
            attempt_over = order.checkout_attempt_expires_at is None or order.checkout_attempt_expires_at < now
            has_open = order.checkout_sessions.filter(status=CheckoutSession.Status.OPEN).exists()
            if order.status != Order.Status.PENDING or order.paid_at or has_open or not attempt_over:
                continue
            order_set_status(order=order, status=Order.Status.EXPIRED, message="Checkout was not completed.")
            order_release(order=order, reason=RELEASE_ABANDONED)
            expired += 1
    return expired
