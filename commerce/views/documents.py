"""Invoice and credit-note downloads: the stored PDF, byte for byte, to the order's owner or to staff allowed to.

Anyone else, signed in or not, gets a 404 whether or not the document exists, so the URL
never confirms that an order or a document number is real.
"""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from commerce.documents.selectors import credit_note_for_download, invoice_for_download
from commerce.models import CreditNote, Invoice


def _pdf_response(document) -> HttpResponse:
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def invoice_pdf(request, number: str):
    try:
        invoice = invoice_for_download(user=request.user, number=number)
    except Invoice.DoesNotExist:
        raise Http404("No such invoice") from None
    return _pdf_response(invoice)


@require_GET
def credit_note_pdf(request, number: str, cn_number: str):
    try:
        credit_note = credit_note_for_download(user=request.user, number=number, cn_number=cn_number)
    except CreditNote.DoesNotExist:
        raise Http404("No such credit note") from None
    return _pdf_response(credit_note)
