"""What a refund does to an order once Stripe has spoken: applied when it succeeds, undone when it fails.

Both run inside refund_record_from_stripe's transaction, with the order and the refund rows locked.
Also here: what is still refundable (per line and per order), and how a refund we did not start
(made in Stripe's dashboard) is shared out over the order's lines.
"""

from __future__ import annotations

import logging

from django.db.models import Sum
from django.utils import timezone

from commerce.models import Order, OrderLine, Refund, RefundLine
from commerce.orders.notifications import notify_refunded, notify_staff_refund_failed
from commerce.orders.partner_events import order_partner_event
from commerce.orders.services import order_effect_once, order_event_add, order_flag, order_set_status
from commerce.refunds.status import refund_set_status
from commerce.registry import get_kind
from innerwork.core.money import format_money

logger = logging.getLogger(__name__)

FLAG_REFUND_FAILED = "Refund of {amount} failed at Stripe ({reason}): the customer has not been paid back."
REFUNDED_MESSAGE = "Refunded {amount}: {reason}"
REFUND_FAILED_STATUS_MESSAGE = "A refund did not go through, so that amount counts as paid again."
# Timeline entries are shown to the customer on the order page.
REFUND_FAILED_MESSAGE = (
    "The refund of {amount} could not be paid back to your card ({reason}). We'll contact you to sort it out."
)


def committed_by_line(*, order: Order) -> dict[int, int]:
    """Per order line, what pending and succeeded refunds take (the rest is still refundable)."""
    rows = (
        RefundLine.objects.filter(line__order=order, refund__status__in=Refund.COUNTS)
        .values("line_id")
        .annotate(total=Sum("amount"))
    )
    return {row["line_id"]: row["total"] for row in rows}


def committed_for_order(*, order: Order) -> int:
    """What pending and succeeded refunds of the order take together."""
    # A refund of a second payment (payment_intent_id set) gives back that payment, not the order's.
    own = order.refunds.filter(status__in=Refund.COUNTS, payment_intent_id="")
    return own.aggregate(total=Sum("amount"))["total"] or 0


def refundable_by_line(*, order: Order) -> dict[int, int]:
    """Per order line (pk), what can still be refunded: its total less pending and succeeded refunds."""
    committed = committed_by_line(order=order)
    return {line.pk: max(line.total_amount - committed.get(line.pk, 0), 0) for line in order.lines.all()}


def refundable_for_order(*, order: Order) -> int:
    """What can still be refunded of the order's payment: paid less pending and succeeded refunds."""
    return max(order.amount_paid - committed_for_order(order=order), 0)


def allocate_to_lines(*, order: Order, amount: int) -> dict[int, int]:
    """Share a refund we did not start (Stripe dashboard, reconciliation) out over the order's lines.

    The rule: lines in their order on the order (by id), each taking as much as it still has
    refundable (its total less pending and succeeded refunds) until the amount is covered. What
    is left over (pending refunds of ours reserved it) goes, in the same line order, on what the
    lines have not yet had refunded for good (succeeded refunds only). A refund of everything
    that remains therefore covers every line.
    """
    allocation: dict[int, int] = {}
    left = amount
    succeeded = {
        row["line_id"]: row["total"]
        for row in RefundLine.objects.filter(line__order=order, refund__status=Refund.Status.SUCCEEDED)
        .values("line_id")
        .annotate(total=Sum("amount"))
    }
    lines = list(order.lines.order_by("pk"))
    for room in (refundable_by_line(order=order), {ln.pk: ln.total_amount - succeeded.get(ln.pk, 0) for ln in lines}):
        for line in lines:
            take = min(left, room.get(line.pk, 0) - allocation.get(line.pk, 0))
            if take > 0:
                allocation[line.pk] = allocation.get(line.pk, 0) + take
                left -= take
    if left:
        logger.error("Refund of %s on order %s exceeds its lines by %s", amount, order.number, left)
    return allocation


def refund_apply(*, order: Order, refund: Refund) -> None:
    """Apply a succeeded refund, once (effect `refund:<pk>:apply`): amounts, access, status, credit note, e-mail.

    Lines' and the order's refunded amounts grow by the refund's; lines marked `revoke` are taken
    back through their product kind; the order becomes partially_refunded or refunded; a credit
    note is numbered, and rendered after commit, which e-mails the customer with it attached (an
    order with nothing to credit is e-mailed at once). Call with the order and refund rows locked.
    """
    if not order_effect_once(order=order, key=f"refund:{refund.pk}:apply"):
        return
    now = timezone.now()
    if refund.payment_intent_id:
        _apply_duplicate_payment_refund(order=order, refund=refund, now=now)
        return
    for refund_line in refund.lines.select_related("line").order_by("line__kind", "line__ref", "pk"):
        line = OrderLine.objects.select_for_update().get(pk=refund_line.line_id)
        line.order = order
        line.refunded_amount += refund_line.amount
        fields = ["refunded_amount"]
        if refund_line.revoke and line.revoked_at is None:
            get_kind(line.kind).revoke(line=line, reason=refund.reason)
            line.revoked_at = now
            fields.append("revoked_at")
        line.save(update_fields=fields)
    order.amount_refunded += refund.amount
    refund.applied_at = now
    refund.save(update_fields=["applied_at", "updated_at"])
    amount = format_money(refund.amount, refund.currency)
    status = Order.Status.REFUNDED if order.amount_refunded >= order.amount_paid else Order.Status.PARTIALLY_REFUNDED
    message = REFUNDED_MESSAGE.format(amount=amount, reason=refund.reason)
    data = {"refund": refund.pk, "stripe_refund": refund.stripe_refund_id, "amount": refund.amount}
    if status in Order.TRANSITIONS.get(Order.Status(order.status), set()):
        order_set_status(order=order, status=status, message=message, data=data, fields=("amount_refunded",))
    else:  # money refunded on an order that was never settled (a flagged payment): recorded, status kept
        order.save(update_fields=["amount_refunded", "updated_at"])
        order_event_add(order=order, type="refunded", message=message, data=data)
    from commerce.documents.services import credit_note_issue  # written alongside; imported when a refund is applied

    # Numbered here, rendered after commit on the `documents` queue; the render queues the e-mail
    # with the PDF attached. A refund with nothing to credit is announced now.
    credit_note = credit_note_issue(refund=refund, render_after_commit=True) if order.amount_paid else None
    if credit_note is None:
        notify_refunded(refund=refund)
    order_partner_event(
        order=order,
        type="order.refunded",
        key=f"order.refunded:{refund.pk}",
        extra={"refund": {"amount": refund.amount, "currency": refund.currency, "reason": refund.reason}},
    )


def _apply_duplicate_payment_refund(*, order: Order, refund: Refund, now) -> None:
    """A second payment went back: recorded on the timeline only (the order's payment, lines and status stand).

    The customer and Finance were told when it was found (fulfilment), so nobody is e-mailed again.
    """
    refund.applied_at = now
    refund.save(update_fields=["applied_at", "updated_at"])
    order_event_add(
        order=order,
        type="duplicate_payment_refunded",
        message=REFUNDED_MESSAGE.format(amount=format_money(refund.amount, refund.currency), reason=refund.reason),
        data={
            "refund": refund.pk,
            "stripe_refund": refund.stripe_refund_id,
            "payment_intent": refund.payment_intent_id,
        },
    )


def _step_back_status(order: Order) -> None:
    """After a failed refund's amount came back, the status says what is still refunded (access stays as it is)."""
    status = Order.Status.PARTIALLY_REFUNDED if order.amount_refunded else Order.Status.PAID
    if order.status in (Order.Status.PARTIALLY_REFUNDED, Order.Status.REFUNDED) and order.status != status:
        order_set_status(order=order, status=status, message=REFUND_FAILED_STATUS_MESSAGE)


def refund_undo(*, order: Order, refund: Refund, status: str, failure_reason: str) -> None:
    """A refund failed (or was canceled) at Stripe: mark it, give its amount back to what is refundable.

    If it had been applied, the lines' and the order's refunded amounts go back down; access it
    took away is NOT given back (staff decide), and its credit note stays issued. The order is
    flagged and staff are e-mailed once per refund. Call with the order and refund rows locked.
    """
    was_applied = refund.applied_at is not None
    refund_set_status(refund=refund, status=status, failure_reason=failure_reason)
    if was_applied and not refund.payment_intent_id:  # a second payment's refund never touched the amounts
        for refund_line in refund.lines.all():
            line = OrderLine.objects.select_for_update().get(pk=refund_line.line_id)
            line.refunded_amount = max(line.refunded_amount - refund_line.amount, 0)
            line.save(update_fields=["refunded_amount"])
        order.amount_refunded = max(order.amount_refunded - refund.amount, 0)
        order.save(update_fields=["amount_refunded", "updated_at"])
        _step_back_status(order)
    amount = format_money(refund.amount, refund.currency)
    reason = failure_reason or status
    order_event_add(
        order=order,
        type="refund_failed",
        message=REFUND_FAILED_MESSAGE.format(amount=amount, reason=reason.replace("_", " ")),
        data={"refund": refund.pk, "stripe_refund": refund.stripe_refund_id, "was_applied": was_applied},
    )
    order_flag(order=order, reason=FLAG_REFUND_FAILED.format(amount=amount, reason=reason), data={"refund": refund.pk})
    notify_staff_refund_failed(refund=refund)
