"""Asking Stripe for an order's Checkout Session: attempt numbers, idempotency keys, stale mirrors.

Stripe compares an idempotent request's parameters with the first it saw, so an attempt's
number (part of the key) and the session's expiry are fixed and committed before Stripe is
called, and a retry of a failed call repeats them exactly. When Stripe no longer knows our
Customer or a line's Price, the mirror is replaced and the session asked for as a new attempt.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from commerce import stripe_gateway as gateway
from commerce.models import Order
from commerce.registry import NotPurchasable, get_kind
from commerce.stripe_mirror import stripe_line_replacing_stale

logger = logging.getLogger(__name__)

# Stripe keeps a session open at least 30 minutes. Ours get 30 more minutes on top of the
# few in which a failed request may be retried unchanged (same key, same expiry).
SESSION_LIFETIME = timedelta(minutes=30)
RETRY_GRACE = timedelta(minutes=3)
STRIPE_MIN_LIFETIME = timedelta(minutes=30, seconds=30)
STRIPE_MAX_LIFETIME = timedelta(hours=23, minutes=55)
# Where Stripe points when it no longer knows a line's Price or Product ("line_items[0][price]").
STALE_LINE_PARAM = re.compile(r"^line_items\[(\d+)\]")


def session_expires_at(order: Order, *, now: datetime, lines: list | None = None) -> datetime:
    """When a new payment page for `order` closes: our default, or earlier/later if its kinds ask.

    Each line's kind may name a time (`ProductKind.checkout_expires_at`); the earliest wins, kept
    within what Stripe accepts (from 30 minutes, plus a few seconds of slack, to 24 hours away).
    """
    default = now + SESSION_LIFETIME + RETRY_GRACE
    wanted = []
    for line in order.lines.all() if lines is None else lines:
        line.order = order
        try:
            at = get_kind(line.kind).checkout_expires_at(line=line, now=now)
        except NotPurchasable:
            at = None
        if at is not None:
            wanted.append(at)
    expires_at = min(wanted) if wanted else default
    expires_at = max(expires_at, now + STRIPE_MIN_LIFETIME)
    return min(expires_at, now + STRIPE_MAX_LIFETIME).replace(microsecond=0)


def checkout_attempt_begin(order: Order, *, fresh: bool = False, lines: list | None = None) -> tuple[int, datetime]:
    """The attempt number and session expiry to ask Stripe with, fixed (and committed) before asking.

    A retry of an attempt that recorded no session, while Stripe would still accept its expiry,
    repeats it exactly, so Stripe answers with the session the failed request may already have
    made. `fresh` starts a new attempt regardless (an order just placed has none to repeat).
    """
    if fresh:
        return _attempt_new(order, lines=lines)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        now = timezone.now()
        expires_at = locked.checkout_attempt_expires_at
        started = locked.checkout_attempt_started_at
        if locked.checkout_attempt and expires_at and expires_at - now >= STRIPE_MIN_LIFETIME:
            if started is None:  # an attempt begun before its start was recorded: our default lifetime
                started = expires_at - SESSION_LIFETIME - RETRY_GRACE
            if not locked.checkout_sessions.filter(created_at__gte=started).exists():
                return locked.checkout_attempt, expires_at
        return _attempt_new(locked, lines=lines)


def _attempt_new(order: Order, *, lines: list | None) -> tuple[int, datetime]:
    """The order's next attempt, numbered and dated in one statement: the row's own counter plus one.

    Two requests starting attempts of one order at once get two numbers (the UPDATE waits for the other's
    row lock), so they never share an idempotency key with different parameters.
    """
    now = timezone.now()
    expires_at = session_expires_at(order, now=now, lines=lines)
    table = connection.ops.quote_name(Order._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "checkout_attempt" = "checkout_attempt" + 1, '  # noqa: S608 - the model's name
            '"checkout_attempt_started_at" = %s, "checkout_attempt_expires_at" = %s, "updated_at" = %s '
            'WHERE "id" = %s RETURNING "checkout_attempt"',
            [
                connection.ops.adapt_datetimefield_value(now),
                connection.ops.adapt_datetimefield_value(expires_at),
                connection.ops.adapt_datetimefield_value(now),
                order.pk,
            ],
        )
        (attempt,) = cursor.fetchone()
    order.checkout_attempt, order.checkout_attempt_started_at, order.checkout_attempt_expires_at = (
        attempt,
        now,
        expires_at,
    )
    return attempt, expires_at


def checkout_session_open(
    *, order, customer_id, lines, discount, success_url, cancel_url, new_attempt=False, order_lines=None
):
    # `order_lines`: the order's OrderLines when the caller holds them (`lines` are Stripe's).
    attempt, expires_at = checkout_attempt_begin(order, fresh=new_attempt, lines=order_lines)
    metadata = {"order_number": order.number, "attempt": str(attempt)}
    try:
        return gateway.session_create(
            customer_id=customer_id,
            lines=lines,
            discount=discount,
            client_reference_id=order.number,
            metadata=metadata,
            description=f"InnerWork order {order.number}",
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=expires_at,
            idempotency_key=f"innerwork:checkout:{order.number}:{attempt}",
        )
    except gateway.IdempotencyConflict:
        if new_attempt:
            raise
        # Our parameters changed since the failed attempt (a price moved): make it a new attempt.
        return checkout_session_open(
            order=order,
            customer_id=customer_id,
            lines=lines,
            discount=discount,
            success_url=success_url,
            cancel_url=cancel_url,
            new_attempt=True,
            order_lines=order_lines,
        )


def checkout_session_open_replacing_stale(
    order, customer_id, lines, stripe_lines, discount, urls, *, new_attempt=False
):
    """checkout_session_open, recovering once per object when Stripe no longer knows our Customer or a line's Price.

    That happens when the Stripe account forgot our mirrors (demo state deleted while the
    database was kept, keys switched): the stale mirror is replaced (a new Customer, or the
    item mirrored again) and the session asked for again as a new attempt, since its
    parameters changed. Replaces entries of `stripe_lines` in place; returns the session
    and the customer id it was opened for. `new_attempt`: the first ask is a new attempt too
    (an order placed moments ago has no earlier attempt to repeat).
    """
    replaced: set[object] = set()
    while True:
        try:
            session = checkout_session_open(
                order=order,
                customer_id=customer_id,
                lines=stripe_lines,
                discount=discount,
                new_attempt=new_attempt,
                order_lines=lines,
                **urls,
            )
            return session, customer_id
        except gateway.ProviderRequestRefused as exc:
            if exc.code != "resource_missing":
                raise
            stale = "customer" if exc.param == "customer" else _stale_line_index(exc, stripe_lines)
            if stale is None or stale in replaced:
                raise
            replaced.add(stale)
            logger.warning("Stripe no longer knows %s of order %s: %s", exc.param, order, exc.stripe_message)
            if stale == "customer":
                customer_id = gateway.customer_replace(user=order.user, stale_customer_id=customer_id)
            else:
                old = stripe_lines[stale]
                stripe_lines[stale] = stripe_line_replacing_stale(
                    line=lines[stale], currency=order.currency, stale_id=old.price_id or old.product_id
                )
            new_attempt = True


def _stale_line_index(exc: gateway.ProviderRequestRefused, stripe_lines: list) -> int | None:
    match = STALE_LINE_PARAM.match(exc.param)
    if match and int(match.group(1)) < len(stripe_lines):
        return int(match.group(1))
    for index, line in enumerate(stripe_lines):
        if (line.price_id or line.product_id) and (line.price_id or line.product_id) in exc.stripe_message:
            return index
    return None
