"""Checkout: a pending order from a cart, its Stripe Checkout Session, and what Stripe reports back.

`placing` makes the order, `services` opens (or reuses) its session; `stripe_sessions` asks Stripe with
fixed attempt numbers and idempotency keys; `fulfilment` applies paid, expired and declined reports
exactly once, from webhooks and from the success page.
"""

from commerce.checkout.fulfilment import (
    order_complete_free,
    order_expire_from_session,
    order_for_session,
    order_fulfil_from_return,
    order_fulfil_from_session,
    order_fulfil_item_from_return,
    order_payment_failed,
    order_payment_failed_from_intent,
    order_payment_failed_from_session,
)
from commerce.checkout.holds import order_hold, order_release
from commerce.checkout.placing import order_create_for_item, order_create_for_items, order_create_from_cart
from commerce.checkout.services import CheckoutStart, order_checkout, orders_expire_abandoned

__all__ = [
    "CheckoutStart",
    "order_checkout",
    "order_complete_free",
    "order_create_for_item",
    "order_create_for_items",
    "order_create_from_cart",
    "order_expire_from_session",
    "order_for_session",
    "order_fulfil_from_return",
    "order_fulfil_from_session",
    "order_fulfil_item_from_return",
    "order_hold",
    "order_payment_failed",
    "order_payment_failed_from_intent",
    "order_payment_failed_from_session",
    "order_release",
    "orders_expire_abandoned",
]
