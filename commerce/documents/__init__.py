"""Invoices and credit notes: gap-free numbers per year, frozen figures, one stored PDF each.

`services` issues them (figures frozen onto the row); `numbering` gives each its number from a
locked yearly counter; `rendering` renders and stores the PDF once, after commit, on the
`documents` queue (`tasks`); `selectors` are the reads behind downloads and the order page.
"""

from commerce.documents.rendering import documents_render_pending, invoice_pdf_ensure
from commerce.documents.selectors import credit_note_for_download, documents_for_order, invoice_for_download
from commerce.documents.services import credit_note_issue, invoice_issue

__all__ = [
    "credit_note_for_download",
    "credit_note_issue",
    "documents_for_order",
    "documents_render_pending",
    "invoice_for_download",
    "invoice_issue",
    "invoice_pdf_ensure",
]
