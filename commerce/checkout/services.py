"""From a pending order to Stripe's payment page (the order is placed by commerce.checkout.placing).

`order_checkout` sends the customer to pay it: the order's open Checkout Session if it has one, otherwise
a new one. An order never has two open sessions: a session about to expire is closed at Stripe before
another is opened.

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
    order_hold,
    order_release,
)
from commerce.checkout.placing import FIRST_HOLD, PLACED_IN_THIS_REQUEST, PlacedLines
from commerce.checkout.stripe_sessions import (
    checkout_session_open,
    checkout_session_open_replacing_stale,
)
from commerce.exceptions import CheckoutError, CouponError
from commerce.models import CheckoutSession, Order, OrderLine
from commerce.orders.services import checkout_session_record, order_event_add, order_set_status
from commerce.registry import NotPurchasable, get_kind
from commerce.stripe_mirror import order_stripe_coupon, stripe_discount_for, stripe_line_for

logger = logging.getLogger(__name__)

ORDER_NOT_PAYABLE = "Order {number} can no longer be paid. Check out your cart again to place a new order."
CHECKOUT_NOT_PREPARED = "We couldn't prepare your payment page. Nothing was charged — please try again in a moment."

# An open session with less than this left is replaced rather than reused.
REUSE_AT_LEAST = timedelta(minutes=5)
# A waiting order that never got a payment page is given up after this long.
ABANDONED_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class CheckoutStart:
    """Where to send the customer: Stripe's payment page, or the order page when nothing is to pay."""

    order: Order
    url: str
    at_stripe: bool


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


def _open_session(
    order: Order, *, success_url: str, cancel_url: str, placed: PlacedLines | None = None
) -> CheckoutStart:
    """A new payment page for `order`; `placed`: what placing it wrote in this request (priced, no attempt yet)."""
    customer_id = gateway.customer_for_user(user=order.user)
    lines = list(order.lines.all()) if placed is None else placed.lines
    items = [None] * len(lines) if placed is None else placed.items
    stripe_lines = [
        stripe_line_for(line=line, currency=order.currency, item=item) for line, item in zip(lines, items, strict=True)
    ]
    discount = stripe_discount_for(order=order, lines=lines)
    urls = {"success_url": success_url, "cancel_url": cancel_url}
    session, customer_id = checkout_session_open_replacing_stale(
        order, customer_id, lines, stripe_lines, discount, urls, new_attempt=placed is not None
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
        row = checkout_session_record(order=order, session=session, just_opened=True)
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
        # The UPDATE locks the order's row until commit, as select_for_update would; nothing order_hold
        # reads of the order (its coupon, buyer, lines) can have changed since it was read.
        Order.objects.filter(pk=order.pk).update(stripe_customer_id=session.customer_id)
        order.stripe_customer_id = session.customer_id
        order_hold(order=order, until=session.expires_at, lines=lines)
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
    placed = order.__dict__.pop(PLACED_IN_THIS_REQUEST, None)
    just_placed = placed is not None
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
    return _open_session(order, success_url=success_url, cancel_url=cancel_url, placed=placed)


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
