"""Recording what Stripe says about a dispute: dispute_record_from_stripe, and the Dispute's status door.

Locks: the order row first, then the dispute row (refund_record_from_stripe's order), so dispute and
refund deliveries about one order queue behind each other and never deadlock. Each delivery carries the
dispute as Stripe has it now (re-read by the webhook handler), so deliveries may come in any order, twice,
or all at once: the first that finds the dispute records it, later ones only move it forward.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from commerce.disputes.alerts import notify_finance_dispute
from commerce.disputes.models import Dispute
from commerce.exceptions import CommerceError
from commerce.models import Order, Refund, RefundLine
from commerce.orders.selectors import order_for_payment
from commerce.orders.services import order_event_add, order_flag
from commerce.refunds.apply import allocate_to_lines, refund_apply, refundable_for_order
from commerce.refunds.status import refund_set_status
from commerce.stripe_gateway.disputes import DisputeInfo
from innerwork.core.money import format_money
from innerwork.core.status import StatusTransitionError, status_move

logger = logging.getLogger(__name__)

FLAG_DISPUTED_PREFIX = "Payment disputed by the card's bank"
FLAG_DISPUTED = FLAG_DISPUTED_PREFIX + " ({amount}, {reason}): answer by {due}."
LOST_REASON = "The card's bank took the payment back (dispute {dispute}, {reason})."
NOT_PAID_YET = "Dispute {dispute} was lost on order {number}, whose payment is not recorded yet: try again later."
# Timeline entries are shown to the customer on the order page.
DISPUTED_MESSAGE = "Your bank disputed this payment of {amount}. We're reviewing it with them."
STATUS_MESSAGES = {
    Dispute.Status.NEEDS_RESPONSE: "Your bank asked us for more information about the disputed payment.",
    Dispute.Status.UNDER_REVIEW: "We answered your bank about the disputed payment; they are reviewing it.",
    Dispute.Status.WON: "Your bank closed the dispute in our favour: the payment stands.",
    Dispute.Status.LOST: "Your bank closed the dispute and returned the payment of {amount} to you.",
}
EVENT_TYPES = {
    Dispute.Status.NEEDS_RESPONSE: "dispute_needs_response",
    Dispute.Status.UNDER_REVIEW: "dispute_under_review",
    Dispute.Status.WON: "dispute_won",
    Dispute.Status.LOST: "dispute_lost",
}


class DisputeNotReady(CommerceError):
    """A lost dispute's order has no payment recorded yet; raised so the delivery fails and Stripe retries."""


def dispute_set_status(*, dispute: Dispute, status: str) -> bool:
    """The one door of Dispute.status: move it if Dispute.TRANSITIONS allows, stamping `closed_at` on won/lost.

    Idempotent (the status it has is no move). Raises StatusTransitionError for a refused move.
    Call with the dispute row locked. Returns whether the status moved.
    """
    changes = {"closed_at": timezone.now()} if status in Dispute.CLOSED else {}
    return status_move(dispute, status, changes=changes, reason=f"Stripe: {status}", same_is_noop=True)


def _order_for(info: DisputeInfo) -> Order | None:
    """The order the disputed payment paid: by its PaymentIntent or charge, else by the PaymentIntent's metadata."""
    order = order_for_payment(payment_intent_id=info.payment_intent_id, charge_id=info.charge_id)
    if order is not None:
        return order
    return Order.objects.filter(number=info.order_number).first() if info.order_number else None


def _money(dispute: Dispute) -> str:
    return format_money(dispute.amount, dispute.currency)


def _open(*, order: Order, info: DisputeInfo) -> Dispute:
    """First word of a dispute: its row (created needs_response), the timeline, the flag, Finance's alert."""
    dispute = Dispute.objects.create(
        order=order,
        stripe_dispute_id=info.id,
        stripe_charge_id=info.charge_id,
        amount=info.amount,
        currency=info.currency or order.currency,
        reason=info.reason,
        evidence_due_by=info.evidence_due_by,
    )
    amount = _money(dispute)
    data = {"dispute": info.id, "amount": info.amount, "reason": info.reason}
    order_event_add(order=order, type="disputed", message=DISPUTED_MESSAGE.format(amount=amount), data=data)
    due = info.evidence_due_by.strftime("%Y-%m-%d") if info.evidence_due_by else "no deadline given"
    reason = info.reason.replace("_", " ") or "no reason given"
    order_flag(order=order, reason=FLAG_DISPUTED.format(amount=amount, reason=reason, due=due), data=data)
    notify_finance_dispute(dispute=dispute)
    return dispute


def _record_loss(*, order: Order, dispute: Dispute) -> None:
    """The money is gone: record it once as a succeeded refund (source dispute, no Stripe refund) and apply it.

    Applying it is what any refund does (commerce.refunds.apply.refund_apply): the lines it covers are
    revoked through their product kind, the order's refunded amount and status follow, a credit note
    reverses the invoice, the customer is e-mailed with it. Lines are shared out as for a refund made in
    Stripe's dashboard; a line is revoked when nothing of it is left paid for.
    """
    if dispute.refund_id is not None:
        return
    if order.paid_at is None:
        raise DisputeNotReady(NOT_PAID_YET.format(dispute=dispute.stripe_dispute_id, number=order.number))
    amount = min(dispute.amount, refundable_for_order(order=order))
    if amount <= 0:  # everything was refunded already: the bank's money came on top, Finance follows it up
        logger.warning("Dispute %s lost on order %s with nothing left to refund", dispute.stripe_dispute_id, order)
        return
    allocation = allocate_to_lines(order=order, amount=amount)
    refund = Refund.objects.create(
        order=order,
        amount=amount,
        currency=dispute.currency,
        source=Refund.Source.DISPUTE,
        reason=LOST_REASON.format(dispute=dispute.stripe_dispute_id, reason=dispute.reason.replace("_", " ")),
        idempotency_key=f"dispute:{dispute.stripe_dispute_id}",
    )
    lines = {line.pk: line for line in order.lines.filter(pk__in=allocation)}
    RefundLine.objects.bulk_create(
        RefundLine(
            refund=refund, line_id=pk, amount=part, revoke=lines[pk].refunded_amount + part >= lines[pk].total_amount
        )
        for pk, part in allocation.items()
    )
    refund_set_status(refund=refund, status=Refund.Status.SUCCEEDED)
    dispute.refund = refund
    dispute.save(update_fields=["refund", "updated_at"])
    refund_apply(order=order, refund=refund)


def _clear_flag(*, order: Order, dispute: Dispute) -> None:
    """A closed dispute: the bank's decision ends the review, so the order leaves staff's review list (and the
    customer's "Under review") if the dispute is what put it there. Won, nothing was lost; lost, the loss is
    recorded by then. The dispute list and the order's timeline keep the outcome for Finance."""
    if not order.is_flagged or order.flag_resolved_at is not None:
        return
    if not order.flag_reason.startswith(FLAG_DISPUTED_PREFIX):
        return  # flagged since for another reason: staff resolve it
    order.flag_resolved_at = timezone.now()
    order.flag_resolved_by = None
    order.save(update_fields=["flag_resolved_at", "flag_resolved_by", "updated_at"])
    order_event_add(
        order=order,
        type="flag_resolved",
        message="Our review is complete.",
        data={"flag_reason": order.flag_reason, "dispute": dispute.stripe_dispute_id},
    )


def dispute_record_from_stripe(*, info: DisputeInfo) -> Dispute | None:
    """Bring our Dispute in line with what Stripe says about it (`info`, read from Stripe just now).

    Guarantees, however often and in whatever order the deliveries come:
    - One Dispute per Stripe dispute; the order is flagged and Finance alerted once, at first sight.
    - The status only moves forward (a stale answer that would move a closed dispute back is logged
      and ignored); each move writes the order's timeline once.
    - Lost: the money is recorded once as a refund (source dispute) and applied (_record_loss).
      Closed either way: the dispute's flag is cleared (_clear_flag). A dispute first seen already
      closed gets both its opening and its outcome.
    Locks the order row, then the dispute row. Returns None when the payment is no order of ours.
    Raises DisputeNotReady when a lost dispute's order has no payment recorded yet (the delivery
    fails and Stripe retries once the payment's own webhook has been handled).
    """
    order = _order_for(info)
    if order is None:
        logger.info("Stripe dispute %s is for no order of ours; ignored", info.id)
        return None
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        dispute = Dispute.objects.select_for_update().filter(stripe_dispute_id=info.id).first()
        if dispute is None:
            dispute = _open(order=order, info=info)
        elif info.evidence_due_by and dispute.evidence_due_by != info.evidence_due_by:
            dispute.evidence_due_by = info.evidence_due_by
            dispute.save(update_fields=["evidence_due_by", "updated_at"])
        try:
            moved = dispute_set_status(dispute=dispute, status=info.status)
        except StatusTransitionError:
            logger.warning("Dispute %s is %s here; Stripe says %s: kept", info.id, dispute.status, info.status)
            moved = False
        if moved:
            message = STATUS_MESSAGES[Dispute.Status(dispute.status)].format(amount=_money(dispute))
            order_event_add(
                order=order,
                type=EVENT_TYPES[Dispute.Status(dispute.status)],
                message=message,
                data={"dispute": info.id},
            )
        if dispute.status == Dispute.Status.LOST:
            _record_loss(order=order, dispute=dispute)
        if dispute.status in Dispute.CLOSED:
            _clear_flag(order=order, dispute=dispute)
    return dispute
