"""An order's own record: its status (one writer), timeline, exactly-once effects, e-mails and reads.

`services` is the only writer of `Order.status`; `selectors` are the reads scoped to the order's
owner; `notifications` are the e-mails about an order, each with a dedup key; `staff` holds what
staff do to an order from the console (resend the receipt, resolve a flag).
"""

from commerce.orders.selectors import (
    item_latest_order_number_for_partner,
    item_made_through_partner,
    item_payment_declined,
    net_paid_for_items,
    order_detail_for_user,
    order_for_item_session,
    order_for_user,
    order_line_for_item,
    order_lines_for_item,
    order_lines_with_access,
    orders_for_partner,
    orders_for_user,
    partner_ids_for_item,
    payments_for_user,
)
from commerce.orders.services import (
    InvalidOrderTransition,
    checkout_session_record,
    order_effect_once,
    order_event_add,
    order_flag,
    order_set_status,
)

__all__ = [
    "InvalidOrderTransition",
    "checkout_session_record",
    "item_latest_order_number_for_partner",
    "item_made_through_partner",
    "item_payment_declined",
    "net_paid_for_items",
    "order_detail_for_user",
    "order_effect_once",
    "order_event_add",
    "order_flag",
    "order_for_item_session",
    "order_for_user",
    "order_line_for_item",
    "order_lines_for_item",
    "order_lines_with_access",
    "order_set_status",
    "orders_for_partner",
    "orders_for_user",
    "partner_ids_for_item",
    "payments_for_user",
]
