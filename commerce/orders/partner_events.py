"""What a partner hears about its customers' orders: `order.paid` and `order.refunded`.

Called by the fulfilment and refund services inside their transactions (the order row locked), so the
event commits with the change it reports. Only the partner whose API placed the order hears of it (through
innerwork.api.events); a site order costs no query.
"""

from __future__ import annotations

from commerce.models import Order
from innerwork.api.events import partner_event_for_partners

# What the API calls a payment's status, from its order's (a payment is its order's payment).
PAYMENT_STATUS = {
    Order.Status.PENDING: "pending",
    Order.Status.PAID: "succeeded",
    Order.Status.FAILED: "failed",
    Order.Status.EXPIRED: "expired",
    Order.Status.CANCELED: "expired",
    Order.Status.REFUNDED: "refunded",
    Order.Status.PARTIALLY_REFUNDED: "partially_refunded",
}


def order_partner_data(order: Order) -> dict:
    """The order as partners see it in events, money in minor units plus currency (as the API's Order)."""
    return {
        "object": "order",
        "number": order.number,
        "status": order.status,
        "payment_id": order.number,
        "payment_status": PAYMENT_STATUS[Order.Status(order.status)],
        "currency": order.currency,
        "total_amount": order.total_amount,
        "amount_paid": order.amount_paid,
        "amount_refunded": order.amount_refunded,
        "paid_at": order.paid_at,
        "lines": [
            {"type": line.kind, "ref": line.ref, "title": line.title, "amount": line.total_amount}
            for line in order.lines.order_by("pk")
        ],
    }


def order_partner_event(*, order: Order, type: str, key: str, extra: dict | None = None) -> None:
    """Tell the partner whose API placed the order (none for a site order) that `type` happened; once per `key`."""
    partner_event_for_partners(
        partner_ids=[order.partner_id],
        user=order.user,
        type=type,
        data={**order_partner_data(order), **(extra or {})},
        key=key,
    )
