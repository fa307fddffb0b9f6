"""What staff do to an order from its admin page besides refunding: resend the receipt, resolve a flag.

Each writes its effect and a StaffAction (who, what, why) in one transaction, so the order's
page always shows who did it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from commerce.exceptions import CommerceError
from commerce.models import Order
from commerce.orders.notifications import notify_order_receipt_resend
from commerce.orders.services import order_event_add
from innerwork.core.audit import staff_action_record
from innerwork.core.models import OutboxEmail, StaffAction

RESEND_NOT_SETTLED = "Only a paid or refunded order has a receipt to send."
FLAG_NOTHING_TO_RESOLVE = "This order is not waiting for a review."


class StaffActionError(CommerceError):
    """A staff action that cannot be done on this order now; `message` says why."""


def order_receipt_resend(*, order: Order, actor, reason: str, request_key: str) -> OutboxEmail:
    """Queue the receipt to the customer again and record who asked and why.

    Idempotent per `request_key` (a double-submitted form): one e-mail and one StaffAction.
    Raises StaffActionError for an order that was never paid.
    """
    if order.status not in Order.SETTLED:
        raise StaffActionError(RESEND_NOT_SETTLED)
    with transaction.atomic():
        email = notify_order_receipt_resend(order=order, request_key=request_key)
        already = StaffAction.objects.filter(
            order_number=order.number, action="order.resend_receipt", data__request_key=request_key
        )
        if not already.exists():
            staff_action_record(
                actor=actor,
                action="order.resend_receipt",
                subject=order,
                reason=reason,
                order_number=order.number,
                data={"email_id": email.pk, "request_key": request_key, "to": email.to},
            )
    return email


def order_flag_resolve(*, order: Order, actor, reason: str) -> Order:
    """Mark a flagged order reviewed: it leaves the "needs review" filter and the customer's notice.

    The order row is locked, so two staff resolving at once record one resolution. The flag and
    its reason stay on the order for history. Raises StaffActionError when nothing awaits review.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not locked.is_flagged or locked.flag_resolved_at is not None:
            raise StaffActionError(FLAG_NOTHING_TO_RESOLVE)
        locked.flag_resolved_at = timezone.now()
        locked.flag_resolved_by = actor
        locked.save(update_fields=["flag_resolved_at", "flag_resolved_by", "updated_at"])
        order_event_add(
            order=locked,
            type="flag_resolved",
            message="Our review is complete.",
            data={"flag_reason": locked.flag_reason},
            actor=actor,
        )
        staff_action_record(
            actor=actor,
            action="order.resolve_flag",
            subject=locked,
            reason=reason,
            order_number=locked.number,
            data={"flag_reason": locked.flag_reason},
        )
    return locked
