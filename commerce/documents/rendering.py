"""Rendering a document's PDF: once, from its frozen figures, after the transaction that numbered it.

An invoice issued by fulfilment is rendered after commit, not in the transaction that holds
the INV counter: WeasyPrint takes ~0.2 s of CPU, and every paid order in the system waits on
that one counter row. Its row is written without a PDF (`pdf_sha256` empty) and the task
`commerce.documents.invoice_render` (queue `documents`) renders it; a download or a resent
receipt that comes first renders it itself (`invoice_pdf_ensure`). Either way the invoice row
is locked while it renders, so it is rendered once and stored once, and every later request
gets the same bytes. The order's confirmation, which attaches the PDF, is queued in the
transaction that stores it. `documents_render_pending` picks up invoices whose task was lost.
A credit note issued when a refund is applied is rendered after commit the same way
(`credit_note_render`, `credit_note_pdf_ensure`), and its render queues the refund e-mail.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from commerce.models import CreditNote, Invoice
from innerwork.core.pdf import render_pdf

INVOICE_TEMPLATE = "commerce/documents/invoice.html"
CREDIT_NOTE_TEMPLATE = "commerce/documents/credit_note.html"

# An invoice whose render task has not stored its PDF after this long is rendered by the sweep.
RENDER_OVERDUE_AFTER = timedelta(minutes=2)


def _rendered(document, template: str, context: dict):
    """Render the document's PDF from its own copied figures and set the bytes and their hash (not saved)."""
    document.pdf = render_pdf(template, {"document": document, **context})
    document.pdf_sha256 = hashlib.sha256(document.pdf).hexdigest()
    return document


def _stored(document, template: str, context: dict):
    """Render the document's PDF from its own copied figures, store the bytes and their hash, save."""
    _rendered(document, template, context)
    document.save(force_insert=True)
    return document


def invoice_render_after_commit(*, invoice: Invoice) -> None:
    """Queue the render of `invoice`'s PDF on the `documents` queue once the caller's transaction commits."""
    from commerce.documents.tasks import invoice_render

    invoice_id = invoice.pk
    transaction.on_commit(lambda: invoice_render.delay(invoice_id))


def _credit_note_render_task():
    from commerce.documents.tasks import credit_note_render

    return credit_note_render


def invoice_pdf_ensure(*, invoice: Invoice) -> Invoice:
    """`invoice` with its PDF: the stored one, or rendered and stored now if it has none yet.

    Exactly once: the invoice row is locked while its PDF is rendered (only that row; the INV
    counter and the order are not touched), so two first downloads at the same moment, or a
    download and the render task, render it once and store one file; the one that waited gets
    the stored bytes. Rendered from the figures frozen on the row, so the document is what it
    would have been at issue. In the transaction that stores the PDF, the order's confirmation
    is queued if fulfilment left it waiting for the invoice (notify_order_paid_once_invoiced).
    """
    if invoice.pdf_sha256:
        return invoice if "pdf" not in invoice.get_deferred_fields() else Invoice.objects.get(pk=invoice.pk)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update(of=("self",)).select_related("order__user").get(pk=invoice.pk)
        if not locked.pdf_sha256:
            _rendered(locked, INVOICE_TEMPLATE, {"order_number": locked.order.number})
            locked.save(update_fields=["pdf", "pdf_sha256"])
            from commerce.orders.notifications import notify_order_paid_once_invoiced

            notify_order_paid_once_invoiced(order=locked.order, invoice=locked)
    return locked


def invoice_render(*, invoice_id: int) -> Invoice | None:
    """Render and store the PDF of invoice `invoice_id` unless it has one (the `documents` task). Idempotent."""
    invoice = Invoice.objects.defer("pdf").filter(pk=invoice_id).first()
    if invoice is None:
        return None
    return invoice_pdf_ensure(invoice=invoice)


def credit_note_pdf_ensure(*, credit_note: CreditNote) -> CreditNote:
    """`credit_note` with its PDF: the stored one, or rendered and stored now (once) if it has none yet.

    As invoice_pdf_ensure: the credit note's row alone is locked while it renders, so a download
    and the render task never render it twice, and every later request gets the same bytes.
    In the transaction that stores the PDF, the refund's e-mail is queued with it attached
    (idempotent per refund, so a second render or call sends nothing more).
    """
    if credit_note.pdf_sha256:
        deferred = "pdf" in credit_note.get_deferred_fields()
        return CreditNote.objects.get(pk=credit_note.pk) if deferred else credit_note
    with transaction.atomic():
        locked = (
            CreditNote.objects.select_for_update(of=("self",))
            .select_related("invoice__order__user", "refund")
            .get(pk=credit_note.pk)
        )
        if not locked.pdf_sha256:
            context = {"invoice": locked.invoice, "order_number": locked.invoice.order.number}
            _rendered(locked, CREDIT_NOTE_TEMPLATE, context)
            locked.save(update_fields=["pdf", "pdf_sha256"])
            from commerce.orders.notifications import notify_refunded

            notify_refunded(refund=locked.refund, credit_note=locked)
    return locked


def credit_note_render(*, credit_note_id: int) -> CreditNote | None:
    """Render and store the PDF of credit note `credit_note_id` unless it has one (the `documents` task). Idempotent."""
    credit_note = CreditNote.objects.defer("pdf").filter(pk=credit_note_id).first()
    return credit_note_pdf_ensure(credit_note=credit_note) if credit_note is not None else None


def documents_render_pending(*, now: datetime | None = None) -> int:
    """Render every invoice and credit note without a PDF RENDER_OVERDUE_AFTER after its issue (its task was lost).

    For cron or Celery beat (`manage.py render_pending_documents`). Returns how many were rendered.
    """
    due = {"pdf_sha256": "", "issued_at__lt": (now or timezone.now()) - RENDER_OVERDUE_AFTER}
    rendered = 0
    for invoice_id in Invoice.objects.filter(**due).order_by("issued_at", "pk").values_list("pk", flat=True):
        invoice_render(invoice_id=invoice_id)
        rendered += 1
    for credit_note_id in CreditNote.objects.filter(**due).order_by("issued_at", "pk").values_list("pk", flat=True):
        credit_note_render(credit_note_id=credit_note_id)
        rendered += 1
    return rendered
