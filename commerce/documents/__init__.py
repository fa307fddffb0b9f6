"""Invoices and credit notes: gap-free numbers per year, frozen figures, one stored PDF each."""

from commerce.documents.services import (
    credit_note_for_download,
    credit_note_issue,
    documents_for_order,
    documents_render_pending,
    invoice_for_download,
    invoice_issue,
    invoice_pdf_ensure,
)

__all__ = [
    "credit_note_for_download",
    "credit_note_issue",
    "documents_for_order",
    "documents_render_pending",
    "invoice_for_download",
    "invoice_issue",
    "invoice_pdf_ensure",
]
