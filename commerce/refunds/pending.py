"""Refunds that never reached Stripe: send them again in the background, or hand them to staff in time.

A refund whose Stripe call failed (Stripe down, a timeout that dropped the request) stays
pending with its idempotency key. Resending with the same key is safe for as long as Stripe
remembers keys (24 hours): Stripe answers with the refund it already made, if it made one.
After that a resend could refund twice, so the order is put in front of staff instead.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from commerce.exceptions import RefundError
from commerce.models import Order, Refund
from commerce.orders.services import order_flag
from commerce.refunds.services import send_pending_refund
from innerwork.core.money import format_money

logger = logging.getLogger(__name__)

# Leave a fresh refund to the request that is still retrying it.
RESEND_AFTER = timedelta(minutes=5)
# Stripe keeps idempotency keys for 24 hours; stop well before.
RESEND_UNTIL = timedelta(hours=23)
FLAG_REFUND_STUCK = (
    "A refund of {amount} never reached Stripe and is too old to resend safely: check Stripe's dashboard "
    "for refund metadata refund={refund} before refunding again."
)


def refunds_send_pending(*, now: datetime | None = None) -> dict[str, int]:
    """Resend pending refunds that have no Stripe id yet, and flag those too old to resend.

    Run from cron (`manage.py send_pending_refunds`). Each resend uses the refund's own
    idempotency key, so a refund Stripe did make is found, not repeated. Returns how many
    were sent, are still waiting for Stripe, and were handed to staff.
    """
    now = now or timezone.now()
    pending = Refund.objects.filter(status=Refund.Status.PENDING, stripe_refund_id="").select_related("order")
    counts = {"sent": 0, "still_pending": 0, "handed_to_staff": 0}
    for refund in pending.filter(created_at__lte=now - RESEND_AFTER).order_by("created_at", "pk"):
        if refund.created_at < now - RESEND_UNTIL:
            _hand_to_staff(refund)
            counts["handed_to_staff"] += 1
            continue
        try:
            sent = send_pending_refund(refund=refund)
        except RefundError as exc:
            logger.warning("Refund %s still not sent: %s", refund.pk, exc.message)
            counts["still_pending"] += 1
            continue
        counts["sent" if sent.stripe_refund_id or sent.status != Refund.Status.PENDING else "still_pending"] += 1
    return counts


def _hand_to_staff(refund: Refund) -> None:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=refund.order_id)
        amount = format_money(refund.amount, refund.currency)
        order_flag(order=order, reason=FLAG_REFUND_STUCK.format(amount=amount, refund=refund.pk))
