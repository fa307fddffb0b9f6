"""Refunds: started by staff or a customer (refund_start), confirmed by Stripe (refund_record_from_stripe).

A refund is recorded as pending, with its idempotency key, and committed BEFORE Stripe is
called, so a double click or a retry after a timeout finds the same row and makes one Stripe
refund. What is still refundable counts pending and succeeded refunds, computed with the order
row locked, so two people refunding at the same moment can never exceed the charge. Stripe's
word (the call's answer, the webhooks, reconciliation) then goes through
refund_record_from_stripe, which applies a succeeded refund once and undoes a failed one
(see commerce.refunds.apply).

Locks are always taken order row first, then refund row; the Stripe call itself holds only
the refund row (never the order), so webhooks about the same order cannot deadlock with it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping

from django.db import transaction

from commerce import stripe_gateway as gateway
from commerce.exceptions import PaymentProviderError, RefundError
from commerce.models import Order, Refund, RefundLine
from commerce.orders.selectors import order_for_payment
from commerce.orders.services import order_event_add
from commerce.refunds.apply import (
    allocate_to_lines,
    refund_apply,
    refund_undo,
    refundable_by_line,
    refundable_for_order,
)
from commerce.refunds.status import refund_set_status
from innerwork.core.audit import staff_action_record
from innerwork.core.money import format_money

logger = logging.getLogger(__name__)

ORDER_NOT_PAID = "Order {number} has not been paid, so there is nothing to refund."
REFUND_BEFORE_PAYMENT = (
    "Stripe refund {refund} is for order {number}, whose payment is not recorded yet: try again once it is."
)


class RefundBeforePayment(RefundError):
    """A refund's event came before its payment's: the webhook fails and is retried (commerce.inbox) until then."""


NOTHING_LEFT = "Everything paid for order {number} has already been refunded, or is being refunded."
NO_LINES = "Choose at least one line to refund."
LINE_NOT_IN_ORDER = "Line {line} is not part of order {number}."
AMOUNT_NOT_POSITIVE = "Enter an amount above zero to refund for {title}."
AMOUNT_OVER_LINE = "Only {left} of {title} is left to refund; you asked for {asked}."
AMOUNT_OVER_ORDER = "Only {left} of order {number} is left to refund; you asked for {asked}."
REASON_REQUIRED = "Say why you are refunding: the reason goes on the credit note and the order's history."
UNKNOWN_SOURCE = "Unknown refund source {source!r}."
PROVIDER_PENDING = (
    "Stripe didn't answer in time, so the refund of {amount} is saved as pending. "
    "Try again in a moment: it will not be refunded twice."
)
STRIPE_REFUSED = "Stripe refused the refund of {amount}: {message}"
# Timeline entries are shown to the customer on the order page.
REQUESTED_MESSAGE = "Refund of {amount} requested: {reason}"
REFUSED_MESSAGE = "The refund of {amount} could not be made; our team has been told."
RECORDED_MESSAGE = "Refund of {amount} made by our team."
DASHBOARD_REASON = "Refunded by our team ({reason})."
AUTOMATIC_REASON = "We couldn't give you “{title}”: {reason}"
DUPLICATE_PAYMENT_REASON = (
    "A second payment ({payment_intent}) arrived for order {number}, which was already paid: refunded in full."
)

# Stripe's reason for the customer-initiated sources; staff refunds give none unless asked.
_STRIPE_REASON_BY_SOURCE = {
    Refund.Source.CUSTOMER: "requested_by_customer",
    Refund.Source.REQUEST: "requested_by_customer",
}


def refund_idempotency_key(*, order: Order, request_key: str) -> str:
    """The key of one refund request of one order, stored on the Refund and sent to Stripe (≤ 100 chars)."""
    digest = hashlib.sha256(request_key.encode()).hexdigest()[:40]
    return f"refund:{order.pk}:{digest}"


def _wanted(order: Order, amounts: Mapping[int, int] | None) -> dict[int, int]:
    """The amounts asked for, per line, checked against the order's lines and what each has left."""
    refundable = refundable_by_line(order=order)
    if amounts is None:
        return {pk: left for pk, left in refundable.items() if left > 0}
    lines = {line.pk: line for line in order.lines.all()}
    wanted: dict[int, int] = {}
    for pk, asked in amounts.items():
        line = lines.get(int(pk)) if str(pk).isdigit() else None
        if line is None:
            raise RefundError(LINE_NOT_IN_ORDER.format(line=pk, number=order.number))
        if not isinstance(asked, int) or asked <= 0:
            raise RefundError(AMOUNT_NOT_POSITIVE.format(title=line.title))
        if asked > refundable[line.pk]:
            raise RefundError(
                AMOUNT_OVER_LINE.format(
                    left=format_money(refundable[line.pk], order.currency),
                    title=line.title,
                    asked=format_money(asked, order.currency),
                )
            )
        wanted[line.pk] = asked
    return wanted


def _record_request(
    *, order: Order, amounts, reason: str, actor, source: str, key: str, revoke: bool, stripe_reason: str
) -> Refund:
    """Check the request against the locked order and write the pending Refund with its lines."""
    if order.paid_at is None or order.status not in Order.SETTLED or not order.payment_intent_id:
        raise RefundError(ORDER_NOT_PAID.format(number=order.number))
    left = refundable_for_order(order=order)
    if left <= 0:
        raise RefundError(NOTHING_LEFT.format(number=order.number))
    wanted = _wanted(order, amounts)
    if not wanted:
        raise RefundError(NOTHING_LEFT.format(number=order.number) if amounts is None else NO_LINES)
    total = sum(wanted.values())
    if total > left:
        raise RefundError(
            AMOUNT_OVER_ORDER.format(
                left=format_money(left, order.currency),
                number=order.number,
                asked=format_money(total, order.currency),
            )
        )
    by_staff = actor is not None and getattr(actor, "is_staff", False)
    refund = Refund.objects.create(
        order=order,
        amount=total,
        currency=order.currency,
        source=source,
        reason=reason[:500],
        stripe_reason=stripe_reason,
        idempotency_key=key,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
    )
    RefundLine.objects.bulk_create(
        RefundLine(refund=refund, line_id=pk, amount=amount, revoke=revoke) for pk, amount in wanted.items()
    )
    amount = format_money(total, order.currency)
    data = {"refund": refund.pk, "amount": total, "lines": {str(pk): a for pk, a in wanted.items()}, "source": source}
    order_event_add(
        order=order,
        type="refund_requested",
        message=REQUESTED_MESSAGE.format(amount=amount, reason=reason),
        data=data,
        actor=actor if by_staff else None,
    )
    if by_staff:
        staff_action_record(
            actor=actor, action="order.refund", subject=order, reason=reason, order_number=order.number, data=data
        )
    return refund


def refund_start(
    *,
    order: Order,
    amounts: Mapping[int, int] | None,
    reason: str,
    actor,
    source: str,
    request_key: str,
    revoke: bool = True,
    stripe_reason: str | None = None,
) -> Refund:
    """Refund `amounts` (OrderLine pk -> minor units; None: everything still refundable) of a paid order.

    Guarantees:
    - Never more than the charge: the order row is locked while what is left is computed, and
      pending refunds count, so concurrent refunds are refused once the money is spoken for.
    - Once per `request_key`: the pending Refund and its idempotency key are committed before
      Stripe is called; the same key returns the same Refund (a double click while Stripe is
      still answering gets it as it stands) and never makes a second Stripe refund; a retry
      after a timeout calls Stripe again with the same idempotency key.
    - Applied when Stripe confirms it (here if Stripe answers "succeeded", else by webhook).
    Raises RefundError with a specific message: order not paid, nothing left, a line of another
    order, an amount over what is left, no reason, Stripe unreachable (the refund stays pending:
    retry with the same request_key) or refusing (the refund is canceled).
    Records OrderEvent "refund_requested", and a StaffAction "order.refund" when actor is staff.
    """
    if source not in Refund.Source.values:
        raise ValueError(UNKNOWN_SOURCE.format(source=source))
    if not reason.strip():
        raise RefundError(REASON_REQUIRED)
    if stripe_reason is None:
        stripe_reason = _STRIPE_REASON_BY_SOURCE.get(source, "")
    key = refund_idempotency_key(order=order, request_key=request_key)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        refund = Refund.objects.filter(idempotency_key=key).first()
        if refund is None:
            refund = _record_request(
                order=order,
                amounts=amounts,
                reason=reason.strip(),
                actor=actor,
                source=source,
                key=key,
                revoke=revoke,
                stripe_reason=stripe_reason,
            )
    return _send_to_stripe(refund=refund)


def refund_record_automatic(*, order: Order, line, reason: str) -> Refund:
    """Write the pending full refund of a paid line its product kind refused to fulfil (CannotFulfil).

    Call inside the fulfilment transaction, with the order row locked: the refund commits with the
    payment it answers, or not at all. Keyed by the line, so however often fulfilment runs there is
    one refund; Stripe is called after commit (send_pending_refund_after_commit), and a refund whose
    call fails there is resent by `send_pending_refunds`. Revokes nothing (nothing was granted).
    """
    key = refund_idempotency_key(order=order, request_key=f"cannot-fulfil:line:{line.pk}")
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    return _record_request(
        order=order,
        amounts={line.pk: line.total_amount - line.refunded_amount},
        reason=AUTOMATIC_REASON.format(title=line.title, reason=reason),
        actor=None,
        source=Refund.Source.AUTOMATIC,
        key=key,
        revoke=False,
        stripe_reason="requested_by_customer",
    )


def refund_record_duplicate_payment(*, order: Order, payment_intent_id: str, amount: int, currency: str) -> Refund:
    """Write the pending full refund of a second payment that reached an order already paid.

    Call inside the fulfilment transaction, with the order row locked. Keyed by the second payment,
    so a redelivered or concurrent event finds the same row and Stripe is asked once (after commit,
    send_pending_refund_after_commit; `send_pending_refunds` resends it if Stripe cannot be reached).
    The refund names the payment it gives back (`payment_intent_id`), has no lines, and is not part
    of the order's own payment: it does not count against what the order can still refund, does not
    change the order's status or amounts, and gets no credit note (that payment was never invoiced).
    """
    key = refund_idempotency_key(order=order, request_key=f"duplicate-payment:{payment_intent_id}")
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    reason = DUPLICATE_PAYMENT_REASON.format(payment_intent=payment_intent_id, number=order.number)
    refund = Refund.objects.create(
        order=order,
        amount=amount,
        currency=currency.lower(),
        source=Refund.Source.AUTOMATIC,
        reason=reason,
        stripe_reason="duplicate",
        idempotency_key=key,
        payment_intent_id=payment_intent_id,
    )
    order_event_add(
        order=order,
        type="duplicate_payment_refunding",
        message=REQUESTED_MESSAGE.format(amount=format_money(amount, currency), reason=reason),
        data={"refund": refund.pk, "payment_intent": payment_intent_id, "amount": amount},
    )
    return refund


def send_pending_refund_after_commit(*, refund: Refund) -> None:
    """Once the caller's transaction commits, ask Stripe for `refund`; a failure is logged and left to the cron.

    The refund row is already committed by then, so nothing is lost if Stripe cannot be reached:
    `send_pending_refunds` resends it with the same idempotency key.
    """

    def send() -> None:
        try:
            send_pending_refund(refund=refund)
        except RefundError as exc:
            logger.warning("Automatic refund %s not sent yet: %s", refund.pk, exc.message)

    transaction.on_commit(send)


def send_pending_refund(*, refund: Refund) -> Refund:
    """Call Stripe again for a pending refund that never got an answer, with its own idempotency key.

    Safe to repeat while Stripe remembers the key (24 hours): see commerce.refunds.pending.
    Raises RefundError as refund_start does (still unreachable, or refused: then canceled).
    """
    return _send_to_stripe(refund=refund)


def _send_to_stripe(*, refund: Refund) -> Refund:
    """Call Stripe for a pending refund that has no Stripe id yet, holding its row (not the order's)."""
    with transaction.atomic():
        row = Refund.objects.select_for_update(skip_locked=True).filter(pk=refund.pk).first()
        if row is None:  # another request is talking to Stripe about it right now
            return Refund.objects.get(pk=refund.pk)
        if row.stripe_refund_id or row.status != Refund.Status.PENDING:
            return row
        order = row.order
        amount = format_money(row.amount, row.currency)
        try:
            info = gateway.refund_create(
                payment_intent_id=row.payment_intent_id or order.payment_intent_id,
                amount=row.amount,
                reason=row.stripe_reason,
                idempotency_key=row.idempotency_key,
                metadata={"order": order.number, "refund": str(row.pk)},
            )
        except gateway.ProviderRequestRefused as exc:
            refund_set_status(
                refund=row, status=Refund.Status.CANCELED, failure_reason=exc.stripe_message or exc.code or exc.message
            )
            order_event_add(
                order=order,
                type="refund_refused",
                message=REFUSED_MESSAGE.format(amount=amount),
                data={"refund": row.pk, "code": exc.code, "stripe_message": row.failure_reason},
            )
            refused = RefundError(STRIPE_REFUSED.format(amount=amount, message=row.failure_reason))
        except PaymentProviderError as exc:
            raise RefundError(PROVIDER_PENDING.format(amount=amount)) from exc
        else:
            refused = None
            row.stripe_refund_id = info.id
            row.save(update_fields=["stripe_refund_id", "updated_at"])
    if refused is not None:
        raise refused
    try:
        return refund_record_from_stripe(info=info) or row
    except Exception:  # Stripe has it and its webhook will apply it; the staff member's request did succeed
        logger.exception("Refund %s made at Stripe (%s) could not be applied yet", row.pk, info.id)
        return Refund.objects.get(pk=row.pk)


def _refund_for(info: gateway.RefundInfo) -> Refund | None:
    """Our row for a Stripe refund: by its id, else by the `refund` metadata we sent (the answer was lost)."""
    refund = Refund.objects.filter(stripe_refund_id=info.id).select_related("order").first()
    if refund is not None:
        return refund
    pk = str(info.metadata.get("refund", ""))
    if pk.isdigit():
        refund = Refund.objects.filter(pk=int(pk), stripe_refund_id="").select_related("order").first()
        # The payment it gives back: a second payment's own, else the order's.
        if refund is not None and (refund.payment_intent_id or refund.order.payment_intent_id) == (
            info.payment_intent_id
        ):
            return refund
    return None


def _order_for(info: gateway.RefundInfo) -> Order | None:
    """By the recorded payment, else the PaymentIntent's metadata (an order with no payment recorded yet)."""
    order = order_for_payment(payment_intent_id=info.payment_intent_id, charge_id=info.charge_id)
    if order is not None:
        return order
    if not info.payment_intent_id:
        return None
    payment = gateway.payment_intent_retrieve(payment_intent_id=info.payment_intent_id)
    if not payment.order_number:
        return None
    return Order.objects.filter(number=payment.order_number, payment_intent_id="").first()


def _record_unknown(*, order: Order, info: gateway.RefundInfo, source: str) -> Refund:
    """A refund made outside InnerWork (Stripe's dashboard): recorded, its amount shared out over the lines.

    Lines are allocated by allocate_to_lines; a line is revoked only when this refund leaves
    nothing of it unrefunded (a partial goodwill refund keeps the course open).
    """
    allocation = allocate_to_lines(order=order, amount=info.amount)
    refund = Refund.objects.create(
        order=order,
        amount=info.amount,
        currency=info.currency or order.currency,
        source=source,
        reason=DASHBOARD_REASON.format(reason=info.reason.replace("_", " ") or "no reason given"),
        stripe_reason=info.reason,
        idempotency_key=f"stripe:{info.id}",
        stripe_refund_id=info.id,
    )
    lines = {line.pk: line for line in order.lines.filter(pk__in=allocation)}
    RefundLine.objects.bulk_create(
        RefundLine(
            refund=refund,
            line_id=pk,
            amount=amount,
            revoke=lines[pk].refunded_amount + amount >= lines[pk].total_amount,
        )
        for pk, amount in allocation.items()
    )
    order_event_add(
        order=order,
        type="refund_recorded",
        message=RECORDED_MESSAGE.format(amount=format_money(info.amount, refund.currency)),
        data={
            "refund": refund.pk,
            "stripe_refund": info.id,
            "source": source,
            "lines": {str(pk): a for pk, a in allocation.items()},
        },
    )
    return refund


def refund_record_from_stripe(*, info: gateway.RefundInfo, source: str = Refund.Source.STRIPE) -> Refund | None:
    """Bring our Refund in line with what Stripe says about it (`info`, read from Stripe just now).

    Called by the refund webhooks, by refund_start with Stripe's answer, and by reconciliation.
    Idempotent and order-independent: it locks the order row, then the refund row; a refund
    only moves forward (pending -> succeeded -> failed; failed and canceled are final), and a
    succeeded one is applied once (effect `refund:<pk>:apply`). A refund we do not know (made in
    Stripe's dashboard) is created with `source` and lines allocated (see _record_unknown).
    Failed or canceled: marked, its amount refundable again, applied amounts taken back, access
    not re-granted, order flagged, staff e-mailed. Returns None when the refund is not for one
    of our orders. Raises RefundBeforePayment for a refund of an order whose payment is not
    recorded yet (found through the PaymentIntent's metadata): it must be retried, not dropped.
    """
    known = _refund_for(info)
    order = known.order if known is not None else _order_for(info)
    if order is None:
        logger.info("Stripe refund %s is for no order of ours; ignored", info.id)
        return None
    if not order.payment_intent_id:
        raise RefundBeforePayment(REFUND_BEFORE_PAYMENT.format(refund=info.id, number=order.number))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        refund = _refund_for(info)
        if refund is None:
            refund = _record_unknown(order=order, info=info, source=source)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if not refund.stripe_refund_id:
            refund.stripe_refund_id = info.id
            refund.save(update_fields=["stripe_refund_id", "updated_at"])
        if refund.status in (Refund.Status.FAILED, Refund.Status.CANCELED):
            return refund
        if info.status == "succeeded" and refund.status == Refund.Status.PENDING:
            refund_set_status(refund=refund, status=Refund.Status.SUCCEEDED)
        if info.status in ("failed", "canceled"):
            refund_undo(order=order, refund=refund, status=info.status, failure_reason=info.failure_reason)
        elif refund.status == Refund.Status.SUCCEEDED:
            refund_apply(order=order, refund=refund)
    return refund
