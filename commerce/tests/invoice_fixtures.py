"""Paid orders and succeeded refunds for the invoice and credit-note tests, built through the order services.

`paid_order` records a card payment the way fulfilment does (payment fields, then the status
change through order_set_status) without Stripe, so numbering tests can make many at once.
Tests of the whole path (Stripe, fulfilment, e-mail) pay through the emulator instead.
"""

from __future__ import annotations

import io

from django.utils import timezone
from pypdf import PdfReader

from commerce.models import Order, Refund, RefundLine
from commerce.orders.services import order_set_status
from commerce.tests.factories import OrderFactory, OrderLineFactory

BILLING_ADDRESS = {
    "line1": "12 Harbour Road",
    "line2": "Flat 3",
    "postal_code": "D02 XY45",
    "city": "Dublin",
    "state": "",
    "country": "IE",
}


PAYMENT_FIELDS = ("amount_paid", "paid_at", "card_brand", "card_last4")
BILLING_FIELDS = ("billing_name", "billing_email", "billing_address")


def paid_order(*, user=None, lines=((5000, 0), (2500, 0)), coupon_code="", paid_at=None) -> Order:
    """An order of `lines` ((unit_amount, discount_amount) each), paid by Visa •••• 4242."""
    subtotal = sum(unit for unit, _ in lines)
    discount = sum(off for _, off in lines)
    extra = {"user": user} if user is not None else {}
    order = OrderFactory(subtotal_amount=subtotal, discount_amount=discount, coupon_code=coupon_code, **extra)
    for index, (unit, off) in enumerate(lines, start=1):
        OrderLineFactory(order=order, title=f"Course number {index}", unit_amount=unit, discount_amount=off)
    order.amount_paid = order.total_amount
    order.paid_at = paid_at or timezone.now()
    order.card_brand, order.card_last4 = "visa", "4242"
    order.billing_name, order.billing_email = "Maya Buyer", order.user.email
    order.billing_address = BILLING_ADDRESS
    order_set_status(
        order=order,
        status=Order.Status.PAID,
        fields=(*PAYMENT_FIELDS, *BILLING_FIELDS),
    )
    return order


def succeeded_refund(*, order: Order, amounts: dict, reason="Changed my mind") -> Refund:
    """A succeeded refund of `amounts` (OrderLine → minor units), recorded as the refunds service leaves it."""
    refund = Refund.objects.create(
        order=order,
        amount=sum(amounts.values()),
        currency=order.currency,
        status=Refund.Status.SUCCEEDED,
        source=Refund.Source.STAFF,
        reason=reason,
        idempotency_key=f"test-refund-{order.pk}-{Refund.objects.count()}",
        succeeded_at=timezone.now(),
    )
    for line, amount in amounts.items():
        RefundLine.objects.create(refund=refund, line=line, amount=amount)
    return refund


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
