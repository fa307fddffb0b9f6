"""An order's own record: its status (one writer), its timeline, its exactly-once effects, its sessions.

checkout.py and fulfilment.py both write through these; nothing else assigns `order.status` or a
checkout session's status.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from commerce.models import CheckoutSession, Order, OrderEffect, OrderEvent
from commerce.orders.notifications import notify_staff_order_flagged
from commerce.stripe_gateway import CheckoutSessionInfo
from innerwork.core.rows import row_insert_if_absent
from innerwork.core.status import status_move

# What the timeline says when a status changes without a more specific message.
STATUS_MESSAGES = {
    Order.Status.PENDING: "Waiting for payment again.",
    Order.Status.PAID: "Payment received.",
    Order.Status.FAILED: "The payment did not go through.",
    Order.Status.CANCELED: "Order canceled.",
    Order.Status.EXPIRED: "The payment page expired before the payment was made.",
    Order.Status.PARTIALLY_REFUNDED: "Part of the payment was refunded.",
    Order.Status.REFUNDED: "The payment was refunded.",
}


class InvalidOrderTransition(ValueError):
    """A status change the order's transition map (Order.TRANSITIONS) does not allow."""


def order_event_add(*, order: Order, type: str, message: str, data: dict | None = None, actor=None) -> OrderEvent:
    """Append one entry to the order's timeline (shown to the customer on the order page)."""
    return OrderEvent.objects.create(order=order, type=type, message=message[:255], data=data or {}, actor=actor)


def order_set_status(
    *, order: Order, status: str, message: str = "", data: dict | None = None, actor=None, fields: tuple = ()
) -> Order:
    """Move the order to `status` if Order.TRANSITIONS allows it, and record why on its timeline.

    The only writer of Order.status. `fields` names other attributes the caller changed on
    `order` that must be saved in the same write. Raises InvalidOrderTransition otherwise.
    Call it on a row the caller has locked when concurrent writers are possible.
    """
    allowed = Order.TRANSITIONS.get(Order.Status(order.status), set())
    if status not in allowed:
        raise InvalidOrderTransition(f"order {order.number} cannot go from {order.status} to {status}")
    order.status = status
    order.save(update_fields=["status", "updated_at", *fields])
    order_event_add(
        order=order, type=str(status), message=message or STATUS_MESSAGES[Order.Status(status)], data=data, actor=actor
    )
    return order


def order_flag(*, order: Order, reason: str, data: dict | None = None) -> Order:
    """Put the order in front of staff (admin filter "flagged") with the reason, and e-mail them once.

    Idempotent per reason; the staff e-mail is sent once per order whatever the reasons.
    """
    if order.is_flagged and order.flag_reason == reason[:255]:
        return order
    order.is_flagged = True
    order.flag_reason = reason[:255]
    order.flag_resolved_at = None
    order.save(update_fields=["is_flagged", "flag_reason", "flag_resolved_at", "updated_at"])
    order_event_add(
        order=order,
        type="flagged",
        message="Our team is reviewing this order.",
        data={"reason": reason, **(data or {})},
    )
    notify_staff_order_flagged(order=order)
    return order


def order_effect_once(*, order: Order, key: str) -> bool:
    """Claim the effect `key` of `order`: True the first time only, for ever.

    Write the effect in the same transaction as this claim: if it rolls back, so does the claim.
    The (order, key) unique constraint decides between concurrent claimers.
    """
    try:
        with transaction.atomic():
            OrderEffect.objects.create(order=order, key=key)
    except IntegrityError:
        return False
    return True


def order_effects_claim(*, order: Order, keys: Iterable[str]) -> set[str]:
    """Claim several effects of `order` at once: the keys claimed now, for the first time, for ever.

    What order_effect_once does for one key, in one statement for all of them (INSERT ... ON
    CONFLICT DO NOTHING RETURNING): a fulfilment claims its five or six effects in one round trip
    instead of three each (savepoint, insert, release). The same rules hold: perform each claimed
    effect in the same transaction as this claim, and the (order, key) unique constraint decides
    between concurrent claimers, so a key is returned to one caller only.
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    table = connection.ops.quote_name(OrderEffect._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = ", ".join(["(%s, %s, %s)"] * len(keys))
    params = [value for key in keys for value in (order.pk, key, now)]
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("order_id", "key", "created_at") VALUES {rows} '  # noqa: S608 - names from the model
            'ON CONFLICT ("order_id", "key") DO NOTHING RETURNING "key"',
            params,
        )
        return {row[0] for row in cursor.fetchall()}


_SESSION_STATUS = {
    "open": CheckoutSession.Status.OPEN,
    "complete": CheckoutSession.Status.COMPLETE,
    "expired": CheckoutSession.Status.EXPIRED,
}


def checkout_session_set_status(*, checkout_session: CheckoutSession, status: str) -> bool:
    """Move our session row to Stripe's `status` if CheckoutSession.TRANSITIONS allows it, and record it.

    The only writer of CheckoutSession.status once the row exists. Idempotent, because Stripe's
    status is reported again and again (webhook, success page, reconciliation): the status the
    row already has changes and records nothing. Raises StatusTransitionError for a move Stripe
    cannot make (out of complete or expired). Call it with the row locked.
    """
    return status_move(checkout_session, status, reason="Stripe says so", same_is_noop=True)


def checkout_session_record(
    *, order: Order, session: CheckoutSessionInfo, just_opened: bool = False
) -> CheckoutSession:
    """Our row for a Stripe Checkout Session, created or moved forward to what Stripe says now.

    The session's creation path: a session first seen complete or expired is created so.
    A session only ever moves open -> complete or open -> expired, so a late or replayed
    report (the checkout view saving "open" after the webhook saved "complete") never moves
    it back: a row that has left "open" is left as it is. Locks the row. Raises IntegrityError
    when recording it open would give the order two open sessions. `just_opened`: Stripe made the
    session moments ago for this caller, so its row is most likely new: it is inserted in one
    statement (and read and locked as usual when the webhook recorded it first).
    """
    status = _SESSION_STATUS.get(session.status, CheckoutSession.Status.OPEN)
    # Outside a caller's transaction the one INSERT is atomic by itself: no BEGIN and COMMIT around it.
    insert_alone = just_opened and not connection.in_atomic_block
    if insert_alone:
        row = _checkout_session_insert(order=order, session=session, status=status)
        if row is not None:
            return row
    # Only recording a session open can meet the order's other open session (IntegrityError, which callers
    # handle and carry on): only then does the record need a savepoint of its own inside a caller's transaction.
    with transaction.atomic(savepoint=status == CheckoutSession.Status.OPEN):
        inserted = just_opened and not insert_alone
        row = _checkout_session_insert(order=order, session=session, status=status) if inserted else None
        if row is not None:
            return row
        row, created = CheckoutSession.objects.select_for_update().get_or_create(
            stripe_id=session.id,
            defaults={"order": order, "url": session.url, "status": status, "expires_at": session.expires_at},
        )
        if not created and row.status == CheckoutSession.Status.OPEN:
            checkout_session_set_status(checkout_session=row, status=status)
    return row


def _checkout_session_insert(*, order: Order, session: CheckoutSessionInfo, status: str) -> CheckoutSession | None:
    """The new row for `session`, or None when it is recorded already: one statement for a session seen first.

    ON CONFLICT names the Stripe id only, so a second open session of the order still raises IntegrityError.
    """
    row = CheckoutSession(
        order=order, stripe_id=session.id, url=session.url, status=status, expires_at=session.expires_at
    )
    return row if row_insert_if_absent(row, unique_fields=("stripe_id",)) else None
