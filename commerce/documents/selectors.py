"""Reads: who may download an order's documents, and an order's documents for its page.

A download of a document whose PDF is not rendered yet renders it then (once; see
commerce.documents.rendering).
"""

from __future__ import annotations

from django.db.models import QuerySet

from commerce.documents.rendering import credit_note_pdf_ensure, invoice_pdf_ensure
from commerce.models import CreditNote, Invoice, Order


def _downloadable_orders(*, user) -> QuerySet[Order]:
    if not user.is_authenticated:
        return Order.objects.none()
    if user.has_perm("commerce.download_documents"):
        return Order.objects.all()
    return Order.objects.filter(user=user)


def invoice_for_download(*, user, number: str) -> Invoice:
    """Order `number`'s invoice, if `user` owns the order or may download documents (staff).

    Raises Invoice.DoesNotExist otherwise, whether or not the order exists. An invoice whose
    PDF is not rendered yet is rendered now (once; see invoice_pdf_ensure).
    """
    invoice = Invoice.objects.get(order__in=_downloadable_orders(user=user), order__number=number)
    return invoice_pdf_ensure(invoice=invoice)


def credit_note_for_download(*, user, number: str, cn_number: str) -> CreditNote:
    """Credit note `cn_number` of order `number`, on the same terms as invoice_for_download (rendered if not yet)."""
    credit_note = CreditNote.objects.get(
        invoice__order__in=_downloadable_orders(user=user), invoice__order__number=number, number=cn_number
    )
    return credit_note_pdf_ensure(credit_note=credit_note)


def documents_for_order(*, order: Order) -> tuple[Invoice | None, list[CreditNote]]:
    """The order's invoice and credit notes (oldest first), without their PDF bytes, for its page."""
    invoice = Invoice.objects.defer("pdf").filter(order=order).first()
    if invoice is None:
        return None, []
    credit_notes = CreditNote.objects.defer("pdf").filter(invoice=invoice).order_by("issued_at", "pk")
    return invoice, list(credit_notes)
