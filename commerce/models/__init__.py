"""Commerce's tables, one module per concern; import them from here."""

from commerce.disputes.models import Dispute
from commerce.models.documents import CreditNote, DocumentCounter, Invoice
from commerce.models.orders import CheckoutSession, Order, OrderEffect, OrderEvent, OrderLine, new_order_number
from commerce.models.refunds import Refund, RefundLine, RefundRequest
from commerce.models.reporting import ReconciliationRun
from commerce.models.shop import Cart, CartItem, CatalogPrice, Coupon, CouponRedemption, WishlistItem

__all__ = [
    "Cart",
    "CartItem",
    "CatalogPrice",
    "CheckoutSession",
    "Coupon",
    "CouponRedemption",
    "CreditNote",
    "Dispute",
    "DocumentCounter",
    "Invoice",
    "Order",
    "OrderEffect",
    "OrderEvent",
    "OrderLine",
    "ReconciliationRun",
    "Refund",
    "RefundLine",
    "RefundRequest",
    "WishlistItem",
    "new_order_number",
]
