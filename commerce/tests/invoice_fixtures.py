"""Succeeded refunds and PDF text for the invoice and credit-note tests (paid orders: factories.paid_order).

Tests of the whole path (Stripe, fulfilment, e-mail) pay through the emulator instead.
"""

from __future__ import annotations

import io

from django.utils import timezone
from pypdf import PdfReader

from commerce.models import Order, Refund, RefundLine


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
