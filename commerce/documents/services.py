"""Issuing invoices and credit notes: numbered without gaps, rendered to PDF once, and never changed.

An invoice is issued when an order is paid (fulfilment runs it as the effect "invoice:issue");
a credit note when one of its refunds succeeds. Each takes the next number of its series for
the year (INV-2026-000042, CN-2026-000007) from a locked DocumentCounter row inside the
issuing transaction, so a rolled-back issue gives its number back and two issues at the same
moment never share one. Every figure printed is copied onto the row, the PDF is rendered
from that copy and stored with its SHA-256, and downloads serve those bytes unchanged.

Rendering the PDF after commit lives in commerce.documents.rendering, the numbers in
commerce.documents.numbering, and the reads behind downloads and the order page in
commerce.documents.selectors.

Dates on the documents are printed in UTC (the documents say so): one document, the same for
the customer, staff and an accountant, whatever their time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from commerce.documents.numbering import CREDIT_NOTE_SERIES, INVOICE_SERIES, NOT_IN_TRANSACTION, document_number_next
from commerce.documents.rendering import (
    CREDIT_NOTE_TEMPLATE,
    _credit_note_render_task,
    _stored,
    credit_note_pdf_ensure,
    invoice_pdf_ensure,
    invoice_render_after_commit,
)
from commerce.models import CreditNote, Invoice, Order, Refund

REFUND_NOT_SUCCEEDED = "A credit note is issued for a succeeded refund only; refund {refund} is {status}."


def tax_included(*, total: int, rate: Decimal) -> int:
    """The tax inside a tax-inclusive `total` at `rate` percent: total - round(total / (1 + rate/100))."""
    net = (Decimal(total) / (1 + Decimal(rate) / 100)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return total - int(net)


def _seller() -> dict:
    address = [line.strip() for line in settings.SELLER_ADDRESS.splitlines() if line.strip()]
    return {
        "name": settings.SELLER_NAME,
        "address": address,
        "tax_id": settings.SELLER_TAX_ID,
        "email": settings.SELLER_EMAIL,
    }


def _address_lines(address: dict) -> list[str]:
    """Stripe's address (line1, line2, postal_code, city, state, country) as printed lines."""
    address = address or {}
    place = " ".join(part for part in (address.get("postal_code"), address.get("city")) if part)
    lines = [address.get("line1"), address.get("line2"), place, address.get("state"), address.get("country")]
    return [str(line).strip() for line in lines if line and str(line).strip()]


def _buyer(order: Order) -> dict:
    return {
        "name": order.billing_name or order.user.get_full_name(),
        "email": order.billing_email or order.user.email,
        "address": _address_lines(order.billing_address),
    }


def _lock_order(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("user").get(pk=order.pk)


def invoice_issue(*, order: Order, now: datetime | None = None, render_after_commit: bool = False) -> Invoice | None:
    """The order's invoice, issued now if it has none: idempotent, one invoice per order for ever.

    Only a paid order with a total above zero gets one (None otherwise). Locks the order row,
    then the INV counter (always in that order), and releases neither before the caller's
    transaction ends. Snapshots seller (settings), buyer (the Checkout Session's billing name,
    e-mail and address), lines, discount, tax included at INVOICE_TAX_RATE, totals, card and
    paid date.

    With `render_after_commit` (fulfilment) the row is stored without its PDF, and the PDF is
    rendered once the caller's transaction commits, by the `documents` queue: no lock of the
    numbering is held across a render. Otherwise the PDF is rendered before this returns (in
    the caller's transaction, if there is one). Call it inside the transaction that records the
    payment, or on its own.
    """
    with transaction.atomic():
        invoice = _invoice_for_locked_order(order=_lock_order(order), now=now)
        if invoice is None:
            return None
        if render_after_commit:
            if not invoice.pdf_sha256:
                invoice_render_after_commit(invoice=invoice)
            return invoice
    return invoice_pdf_ensure(invoice=invoice)


def invoice_issue_for_fulfilment(*, order: Order, lines: list) -> Invoice | None:
    """invoice_issue(render_after_commit=True) for an order fulfilment has locked and read already.

    `order` is the row fulfilment locked (with its buyer) and `lines` its lines, so neither is
    read again; the caller's transaction is the issue's (no savepoint of its own: any failure
    rolls the whole fulfilment back). The same guarantees as invoice_issue.
    """
    if not connection.in_atomic_block:
        raise RuntimeError(NOT_IN_TRANSACTION)
    invoice = _invoice_for_locked_order(order=order, now=None, lines=lines)
    if invoice is not None and not invoice.pdf_sha256:
        invoice_render_after_commit(invoice=invoice)
    return invoice


def _invoice_for_locked_order(*, order: Order, now: datetime | None, lines: list | None = None) -> Invoice | None:
    invoice = Invoice.objects.defer("pdf").filter(order=order).first()
    return invoice if invoice is not None else _invoice_create(order=order, now=now, lines=lines)


def _invoice_create(*, order: Order, now: datetime | None, lines: list | None = None) -> Invoice | None:
    """A new invoice row for the locked `order`, numbered, with no PDF yet; None when it gets none."""
    if order.total_amount <= 0 or order.paid_at is None or order.status not in Order.SETTLED:
        return None
    issued_at = now or timezone.now()
    rate = Decimal(settings.INVOICE_TAX_RATE)
    lines = [
        {
            "line_id": line.pk,
            "title": line.title,
            "kind": line.kind,
            "ref": line.ref,
            "quantity": line.quantity,
            "unit_amount": line.unit_amount,
            "discount_amount": line.discount_amount,
            "total_amount": line.total_amount,
        }
        for line in sorted(order.lines.all() if lines is None else lines, key=lambda line: line.pk)
    ]
    invoice = Invoice(
        order=order,
        number=document_number_next(series=INVOICE_SERIES, year=issued_at.astimezone(UTC).year),
        issued_at=issued_at,
        currency=order.currency,
        seller=_seller(),
        buyer=_buyer(order),
        lines=lines,
        tax_rate=rate,
        tax_amount=tax_included(total=order.total_amount, rate=rate),
        subtotal_amount=order.subtotal_amount,
        discount_amount=order.discount_amount,
        total_amount=order.total_amount,
        coupon_code=order.coupon_code,
        card_brand=order.card_brand,
        card_last4=order.card_last4,
        paid_at=order.paid_at,
        pdf=b"",
        pdf_sha256="",
    )
    invoice.save(force_insert=True)
    return invoice


def _refund_lines(refund: Refund) -> list[dict]:
    lines = [
        {
            "line_id": refund_line.line_id,
            "title": refund_line.line.title,
            "kind": refund_line.line.kind,
            "ref": refund_line.line.ref,
            "amount": refund_line.amount,
        }
        for refund_line in refund.lines.select_related("line").order_by("pk")
    ]
    # A refund with no line allocated (should not happen) still credits its whole amount.
    return lines or [{"line_id": None, "title": "Refund", "kind": "", "ref": "", "amount": refund.amount}]


def credit_note_issue(
    *, refund: Refund, now: datetime | None = None, render_after_commit: bool = False
) -> CreditNote | None:
    """The refund's credit note, issued now if it has none: idempotent, one per refund for ever.

    Refers to the order's invoice (issued first if it is missing). Lists the refunded lines
    and amounts (printed as negatives of the invoice's), the tax inside them at the
    invoice's own rate, and the refund's reason. Locks the order row, then the INV counter
    (only when the invoice is missing) and the CN counter. Returns None, spending no number,
    when the order has no invoice and cannot get one (a free order, or a payment still under
    review that never settled it): there is nothing to credit. Raises ValueError for a refund
    that has not succeeded.

    With `render_after_commit` (a refund being applied) the row is stored without its PDF and
    rendered on the `documents` queue once the caller's transaction commits, as fulfilment does
    for invoices: no lock of the order or the CN counter is held across a render. The render
    queues the refund e-mail with the PDF attached (credit_note_pdf_ensure). Otherwise the PDF
    is rendered before this returns.
    """
    with transaction.atomic():
        order = _lock_order(refund.order)
        existing = CreditNote.objects.defer("pdf").filter(refund=refund).first()
        if existing is not None:
            return existing if render_after_commit else credit_note_pdf_ensure(credit_note=existing)
        refund = Refund.objects.get(pk=refund.pk)
        if refund.status != Refund.Status.SUCCEEDED:
            raise ValueError(REFUND_NOT_SUCCEEDED.format(refund=refund.pk, status=refund.status))
        invoice = invoice_issue(order=order, now=now, render_after_commit=True)
        if invoice is None:
            return None
        issued_at = now or timezone.now()
        credit_note = CreditNote(
            refund=refund,
            invoice=invoice,
            number=document_number_next(series=CREDIT_NOTE_SERIES, year=issued_at.astimezone(UTC).year),
            issued_at=issued_at,
            currency=invoice.currency,
            seller=_seller(),
            buyer=invoice.buyer,
            lines=_refund_lines(refund),
            tax_rate=invoice.tax_rate,
            tax_amount=tax_included(total=refund.amount, rate=invoice.tax_rate),
            total_amount=refund.amount,
            reason=refund.reason[:500],
        )
        if not render_after_commit:
            return _stored(credit_note, CREDIT_NOTE_TEMPLATE, {"invoice": invoice, "order_number": order.number})
        credit_note.pdf, credit_note.pdf_sha256 = b"", ""
        credit_note.save(force_insert=True)
        credit_note_id = credit_note.pk
        transaction.on_commit(lambda: _credit_note_render_task().delay(credit_note_id))
        return credit_note
