"""What a partner hears about its customers' orders: `order.paid` and `order.refunded`.

Called by the fulfilment and refund services inside their transactions (the order row locked), so the
event commits with the change it reports. Only the partner whose API placed the order hears of it (through
innerwork.api.events); a site order costs no query.
"""

from __future__ import annotations

from commerce.models import Order
from commerce.order_objects import order_object
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


def order_partner_event(*, order: Order, type: str, key: str, extra: dict | None = None) -> None:
    """Tell the partner whose API placed the order (none for a site order) that `type` happened; once per `key`.

    The event's `data.object` is the order as `GET /orders/{id}` answers it; `extra` goes beside it in `data`
    (order.refunded's `refund`), never inside the object. Call it after the order's change is saved (the
    object is read back).
    """
    partner_event_for_partners(
        partner_ids=[order.partner_id],
        user=order.user,
        type=type,
        render=lambda partner: order_object(order=order, partner=partner),
        key=key,
        data_extra=extra,
    )
