"""Documents rendered off the payment path, on their own Celery queue (`documents`, see CELERY_TASK_ROUTES).

A burst of sales must never wait behind PDFs: fulfilment only numbers the invoice and queues
`invoice_render` after it commits; a refund being applied numbers its credit note and queues
`credit_note_render` the same way. The task is idempotent (the invoice row is locked while it
renders, and a rendered invoice is left alone), so a redelivered task (acks late) or a task that
races a first download renders nothing twice. A task that fails is retried; one that was lost
is picked up by `render_pending_documents`.
"""

from celery import shared_task

from commerce.documents.rendering import credit_note_render as credit_note_render_service
from commerce.documents.rendering import documents_render_pending
from commerce.documents.rendering import invoice_render as invoice_render_service


@shared_task(
    name="commerce.documents.invoice_render",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=8,
)
def invoice_render(invoice_id: int) -> None:
    invoice_render_service(invoice_id=invoice_id)


@shared_task(
    name="commerce.documents.credit_note_render",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=8,
)
def credit_note_render(credit_note_id: int) -> None:
    credit_note_render_service(credit_note_id=credit_note_id)


@shared_task(name="commerce.documents.render_pending", ignore_result=True)
def render_pending_documents() -> int:
    return documents_render_pending()
