"""Reconciliation: compare Stripe's charges and refunds for a period with our orders and refunds.

Stripe is read through the gateway (its list endpoints), never through dj-stripe's mirror,
because the mirror is filled by the same webhooks whose loss reconciliation exists to catch.
Every repair goes through the normal services (order_fulfil_from_session,
refund_record_from_stripe), so a repaired order is fulfilled, refunded, invoiced and
e-mailed exactly as if the webhook had arrived, and repairing twice changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import order_fulfil_from_session
from commerce.exceptions import CommerceError
from commerce.models import Order, Refund
from commerce.refunds.services import refund_record_from_stripe
from innerwork.core.money import format_money

logger = logging.getLogger(__name__)

PAID_IN_STRIPE_ONLY = "paid_in_stripe_only"
UNKNOWN_CHARGE = "unknown_charge"
PAID_AMOUNT_DIFFERS = "paid_amount_differs"
PAID_HERE_ONLY = "paid_here_only"
REFUND_IN_STRIPE_ONLY = "refund_in_stripe_only"
REFUND_STATUS_DIFFERS = "refund_status_differs"
REFUND_AMOUNT_DIFFERS = "refund_amount_differs"
REFUND_HERE_ONLY = "refund_here_only"
REFUNDED_TOTAL_DIFFERS = "refunded_total_differs"


@dataclass(frozen=True)
class Difference:
    """One way our records and Stripe's disagree; `repair` puts it right through the normal services, if it can."""

    kind: str
    message: str
    order_number: str = ""
    stripe_id: str = ""
    repair: Callable[[], object] | None = field(default=None, compare=False, repr=False)

    @property
    def fixable(self) -> bool:
        return self.repair is not None


@dataclass
class Reconciliation:
    differences: list[Difference]
    repaired: list[Difference] = field(default_factory=list)
    repair_failures: list[tuple[Difference, str]] = field(default_factory=list)
    charges_seen: int = 0
    refunds_seen: int = 0


def _money(amount: int, currency: str) -> str:
    return format_money(amount, currency)


def _order_for_charge(charge) -> Order | None:
    order = Order.objects.filter(Q(payment_intent_id=charge.payment_intent_id) | Q(charge_id=charge.id)).first()
    if order is not None or not charge.payment_intent_id:
        return order
    # A payment whose webhook never arrived: only Stripe knows which order it paid.
    payment = gateway.payment_intent_retrieve(payment_intent_id=charge.payment_intent_id)
    return Order.objects.filter(number=payment.order_number).first() if payment.order_number else None


def _fulfil_from_stripe(payment_intent_id: str) -> Order | None:
    session = gateway.session_for_payment_intent(payment_intent_id=payment_intent_id)
    if session is None:
        raise CommerceError(f"Stripe has no Checkout Session for {payment_intent_id}")
    return order_fulfil_from_session(session=session)


def _compare_charges(charges, differences: list[Difference]) -> set[str]:
    """Stripe's successful charges against our paid orders; returns the payment intents Stripe was paid through."""
    paid_intents: set[str] = set()
    for charge in charges:
        if charge.status != "succeeded" or not charge.paid:
            continue
        paid_intents.add(charge.payment_intent_id)
        order = _order_for_charge(charge)
        amount = _money(charge.amount, charge.currency)
        if order is None:
            differences.append(
                Difference(
                    UNKNOWN_CHARGE, f"Stripe charge {charge.id} ({amount}) pays no order of ours.", "", charge.id
                )
            )
            continue
        if order.paid_at is None or order.payment_intent_id != charge.payment_intent_id:
            differences.append(
                Difference(
                    PAID_IN_STRIPE_ONLY,
                    f"Paid in Stripe ({amount}, charge {charge.id}) but not recorded as paid here "
                    f"(status {order.status}).",
                    order.number,
                    charge.id,
                    repair=lambda pi=charge.payment_intent_id: _fulfil_from_stripe(pi),
                )
            )
            continue
        if order.amount_paid != charge.amount or order.currency.lower() != charge.currency.lower():
            differences.append(
                Difference(
                    PAID_AMOUNT_DIFFERS,
                    f"Stripe charged {amount}; we recorded {_money(order.amount_paid, order.currency)} as paid.",
                    order.number,
                    charge.id,
                )
            )
        # A lost dispute is recorded as a refund of ours that Stripe keeps as a dispute, not a refund.
        lost_to_disputes = order.refunds.filter(source=Refund.Source.DISPUTE, status=Refund.Status.SUCCEEDED)
        refunded_at_stripe = order.amount_refunded - sum(lost_to_disputes.values_list("amount", flat=True))
        if refunded_at_stripe != charge.amount_refunded:
            differences.append(
                Difference(
                    REFUNDED_TOTAL_DIFFERS,
                    f"Stripe has refunded {_money(charge.amount_refunded, charge.currency)} of charge {charge.id}; "
                    f"we recorded {_money(order.amount_refunded, order.currency)}.",
                    order.number,
                    charge.id,
                )
            )
    return paid_intents


def _compare_refunds(refunds, differences: list[Difference]) -> set[str]:
    """Stripe's refunds against ours; returns the ids of the refunds Stripe has."""
    seen: set[str] = set()
    for info in refunds:
        seen.add(info.id)
        ours = Refund.objects.filter(stripe_refund_id=info.id).select_related("order").first()
        amount = _money(info.amount, info.currency)
        repair = (
            (lambda info=info: refund_record_from_stripe(info=info, source=Refund.Source.RECONCILIATION))
            if info.status != "pending"
            else None
        )
        if ours is None:
            number = Order.objects.filter(payment_intent_id=info.payment_intent_id).values_list("number", flat=True)
            differences.append(
                Difference(
                    REFUND_IN_STRIPE_ONLY,
                    f"Refunded in Stripe ({amount}, {info.id}, {info.status}) but not recorded here.",
                    next(iter(number), ""),
                    info.id,
                    repair=repair,
                )
            )
            continue
        if ours.status != info.status:
            differences.append(
                Difference(
                    REFUND_STATUS_DIFFERS,
                    f"Refund {info.id} is {info.status} in Stripe but {ours.status} here.",
                    ours.order.number,
                    info.id,
                    repair=repair,
                )
            )
        if ours.amount != info.amount:
            differences.append(
                Difference(
                    REFUND_AMOUNT_DIFFERS,
                    f"Refund {info.id} is {amount} in Stripe but {_money(ours.amount, ours.currency)} here.",
                    ours.order.number,
                    info.id,
                )
            )
    return seen


def _compare_our_side(*, since, until, paid_intents: set[str], refund_ids: set[str], differences) -> None:
    """What we recorded in the period that Stripe does not have."""
    period = Q(paid_at__gte=since) & (Q(paid_at__lt=until) if until else Q())
    for order in Order.objects.filter(period, amount_paid__gt=0).exclude(payment_intent_id__in=paid_intents):
        differences.append(
            Difference(
                PAID_HERE_ONLY,
                f"Recorded as paid ({_money(order.amount_paid, order.currency)}) but Stripe has no successful "
                f"charge for {order.payment_intent_id or 'it'} in the period.",
                order.number,
                order.payment_intent_id,
            )
        )
    created = Q(created_at__gte=since) & (Q(created_at__lt=until) if until else Q())
    ours = (
        Refund.objects.filter(created, status=Refund.Status.SUCCEEDED)
        .exclude(stripe_refund_id__in=refund_ids)
        .exclude(source=Refund.Source.DISPUTE)  # lost disputes: Stripe has a dispute, not a refund
    )
    for refund in ours.select_related("order"):
        differences.append(
            Difference(
                REFUND_HERE_ONLY,
                f"Refund of {_money(refund.amount, refund.currency)} recorded as succeeded here "
                f"but Stripe has no refund {refund.stripe_refund_id or '(never sent)'} in the period.",
                refund.order.number,
                refund.stripe_refund_id,
            )
        )


def reconciliation_compare(*, since: datetime, until: datetime | None = None) -> Reconciliation:
    """Every difference between Stripe and us for charges and refunds created in [since, until)."""
    differences: list[Difference] = []
    charges = list(gateway.charges_list(created_gte=since, created_lt=until))
    refunds = list(gateway.refunds_list(created_gte=since, created_lt=until))
    paid_intents = _compare_charges(charges, differences)
    refund_ids = _compare_refunds(refunds, differences)
    _compare_our_side(
        since=since, until=until, paid_intents=paid_intents, refund_ids=refund_ids, differences=differences
    )
    return Reconciliation(differences=differences, charges_seen=len(charges), refunds_seen=len(refunds))


def reconciliation_run(*, since: datetime, until: datetime | None = None, fix: bool = False) -> Reconciliation:
    """Compare, and with `fix` repair what can be repaired, then compare again.

    Payments are repaired before refunds (a refund applies to a paid order). The result's
    `differences` are those that remain; `repaired` and `repair_failures` say what the fix did.
    """
    result = reconciliation_compare(since=since, until=until)
    if not fix:
        return result
    repaired, failures = [], []
    payments_first = sorted((d for d in result.differences if d.fixable), key=lambda d: d.kind != PAID_IN_STRIPE_ONLY)
    for difference in payments_first:
        try:
            difference.repair()
        except Exception as exc:  # one broken repair must not stop the others; it is reported
            logger.exception("Reconciliation could not repair %s", difference)
            failures.append((difference, str(exc)))
        else:
            repaired.append(difference)
    after = reconciliation_compare(since=since, until=until)
    after.repaired, after.repair_failures = repaired, failures
    return after
