"""E-mails about orders: the confirmation with its receipt, a failed payment, and the staff alert for a flagged order.

Both go through the outbox (innerwork.core.emails.email_enqueue) with a dedup key
naming the order and the effect, so a replayed or concurrent fulfilment can call
them any number of times and the customer still gets exactly one copy. Call them
inside the transaction that records the change: the row commits with it and is
sent after commit, or not at all.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from commerce.models import Invoice, Order
from commerce.orders.selectors import order_lines_with_access
from innerwork.accounts.time_zones import in_time_zone_of
from innerwork.core.emails import email_enqueue

CONFIRMATION_TEMPLATE = "commerce/order_confirmation"
PAYMENT_FAILED_TEMPLATE = "commerce/payment_failed"
LINE_NOT_FULFILLED_TEMPLATE = "commerce/line_not_fulfilled"
STAFF_ORDER_FLAGGED_TEMPLATE = "commerce/staff_order_flagged"


def confirmation_key(*, order: Order) -> str:
    return f"order:{order.pk}:confirmation"


def staff_flag_key(*, order: Order) -> str:
    return f"order:{order.pk}:staff_flag"


def payment_failed_key(*, order: Order, attempt_key: str) -> str:
    return f"order:{order.pk}:payment_failed:{attempt_key}"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


def _order_context(order: Order) -> dict:
    lines = [
        {"line": entry.line, "access_url": _absolute(entry.access_url) if entry.access_url else ""}
        for entry in order_lines_with_access(order=order)
    ]
    return {
        "user": order.user,
        "order": order,
        "lines": lines,
        "order_url": _absolute(order.get_absolute_url()),
        "dashboard_url": _absolute("/dashboard/"),
    }


# The fulfilment effect that claims the confirmation (commerce.checkout.fulfilment).
CONFIRMATION_EFFECT = "email:confirmation"


def notify_order_paid(*, order: Order, invoice: Invoice | None = None) -> None:
    """Queue the order confirmation with its receipt (lines, discount, total, card, Stripe receipt).

    The invoice PDF is attached ("INV-2026-000042.pdf") when the order has one: pass it as
    `invoice` (rendered), or it is looked up and rendered now if it is not yet. Fulfilment
    does not call this while the invoice it just issued waits for its PDF: the render does
    (notify_order_paid_once_invoiced). Idempotent: keyed `order:<pk>:confirmation`, so however
    often it runs the customer receives one confirmation. Sent after the surrounding
    transaction commits.
    """
    if invoice is None:
        invoice = Invoice.objects.defer("pdf").filter(order=order).first()
    if invoice is not None:
        from commerce.documents.rendering import invoice_pdf_ensure

        invoice = invoice_pdf_ensure(invoice=invoice)
    attachments = [(f"{invoice.number}.pdf", bytes(invoice.pdf), "application/pdf")] if invoice else []
    with in_time_zone_of(order.user):
        email_enqueue(
            key=confirmation_key(order=order),
            to=[order.user.email],
            template=CONFIRMATION_TEMPLATE,
            context={**_order_context(order), "invoice": invoice},
            attachments=attachments,
        )


def notify_order_paid_once_invoiced(*, order: Order, invoice: Invoice) -> None:
    """The invoice's PDF was just stored: queue the confirmation fulfilment left waiting for it.

    Call in the transaction that stores the PDF, so the confirmation and its attachment commit
    together. Only for an order whose fulfilment claimed the confirmation (an invoice rendered
    for another reason sends nothing), and idempotent like notify_order_paid.
    """
    if order.effects.filter(key=CONFIRMATION_EFFECT).exists():
        notify_order_paid(order=order, invoice=invoice)


DUPLICATE_PAYMENT_TEMPLATE = "commerce/duplicate_payment"
STAFF_DUPLICATE_PAYMENT_TEMPLATE = "commerce/staff_duplicate_payment"


def notify_duplicate_payment(*, order: Order, refund) -> None:
    """Queue "you paid twice; the second payment is on its way back" to the customer, and an alert to Finance.

    Idempotent per refund (`refund:<pk>:duplicate:customer` / `:staff`), and the refund is keyed by
    the second payment, so a redelivered event tells nobody twice. Finance is the list in
    STAFF_ALERT_EMAILS (nothing is queued for them when it is empty; the order's timeline shows it).
    """
    with in_time_zone_of(order.user):
        email_enqueue(
            key=f"refund:{refund.pk}:duplicate:customer",
            to=[order.user.email],
            template=DUPLICATE_PAYMENT_TEMPLATE,
            context={**_order_context(order), "refund": refund},
        )
    recipients = list(settings.STAFF_ALERT_EMAILS)
    if recipients:
        email_enqueue(
            key=f"refund:{refund.pk}:duplicate:staff",
            to=recipients,
            template=STAFF_DUPLICATE_PAYMENT_TEMPLATE,
            context={
                "order": order,
                "refund": refund,
                "customer_name": order.user.get_full_name(),
                "review_url": _order_admin_url(order),
            },
        )


def notify_payment_failed(*, order: Order, reason: str, attempt_key: str) -> None:
    """Queue "your payment didn't go through" with the reason and a way back to pay.

    Idempotent per attempt: keyed `order:<pk>:payment_failed:<attempt_key>` (for example
    the PaymentIntent's failed charge), so a redelivered failure event sends nothing more,
    while a later failed attempt of the same order is reported again.
    """
    with in_time_zone_of(order.user):
        email_enqueue(
            key=payment_failed_key(order=order, attempt_key=attempt_key),
            to=[order.user.email],
            template=PAYMENT_FAILED_TEMPLATE,
            context={**_order_context(order), "reason": reason},
        )


def line_not_fulfilled_key(*, order: Order, line) -> str:
    return f"order:{order.pk}:line:{line.pk}:not_fulfilled"


def notify_line_not_fulfilled(*, order: Order, line, reason: str) -> None:
    """Queue "we couldn't give you this item; it is being refunded" for a line its kind refused.

    Idempotent per line (`order:<pk>:line:<pk>:not_fulfilled`): a replayed fulfilment sends nothing more.
    """
    with in_time_zone_of(order.user):
        email_enqueue(
            key=line_not_fulfilled_key(order=order, line=line),
            to=[order.user.email],
            template=LINE_NOT_FULFILLED_TEMPLATE,
            context={**_order_context(order), "line": line, "reason": reason},
        )


def notify_staff_order_flagged(*, order: Order) -> None:
    """Queue one alert to settings.STAFF_ALERT_EMAILS that `order` was flagged, with the reason and amounts.

    Idempotent: keyed `order:<pk>:staff_flag`, so an order flagged again (replayed webhook,
    a second reason) alerts staff once; the admin's flagged filter shows its current reason.
    Nothing is queued when STAFF_ALERT_EMAILS is empty. Sent after the surrounding transaction commits.
    """
    recipients = list(settings.STAFF_ALERT_EMAILS)
    if not recipients:
        return
    email_enqueue(
        key=staff_flag_key(order=order),
        to=recipients,
        template=STAFF_ORDER_FLAGGED_TEMPLATE,
        context={
            "order": order,
            "reason": order.flag_reason,
            "customer_name": order.user.get_full_name(),
            "review_url": _order_admin_url(order),
        },
    )


def receipt_resend_key(*, order: Order, request_key: str) -> str:
    return f"order:{order.pk}:receipt_resend:{request_key}"


def notify_order_receipt_resend(*, order: Order, request_key: str):
    """Queue the order confirmation again (staff "Resend receipt"), with the invoice PDF when there is one.

    A new outbox row per `request_key` (keyed `order:<pk>:receipt_resend:<request_key>`), so a
    double-submitted form sends one copy and a later resend sends another. Returns the outbox row.
    """
    from commerce.documents.rendering import invoice_pdf_ensure

    attachments = []
    invoice = Invoice.objects.defer("pdf").filter(order=order).first()
    if invoice is not None:
        invoice = invoice_pdf_ensure(invoice=invoice)
        attachments.append((f"{invoice.number}.pdf", bytes(invoice.pdf), "application/pdf"))
    with in_time_zone_of(order.user):
        return email_enqueue(
            key=receipt_resend_key(order=order, request_key=request_key),
            to=[order.user.email],
            template=CONFIRMATION_TEMPLATE,
            context=_order_context(order),
            attachments=attachments,
        )


STAFF_REFUND_REQUEST_TEMPLATE = "commerce/refund_request_staff"
REFUND_REQUEST_DECIDED_TEMPLATES = {
    "approved": "commerce/refund_request_approved",
    "denied": "commerce/refund_request_denied",
}


def notify_staff_refund_request(*, request) -> None:
    """Queue one alert to settings.STAFF_ALERT_EMAILS that a customer's refund request waits for a decision.

    Idempotent: keyed `refund_request:<pk>:staff`. Nothing is queued when nobody is listed (the
    admin's list of pending requests still shows it). Sent after the surrounding transaction commits.
    """
    recipients = list(settings.STAFF_ALERT_EMAILS)
    if not recipients:
        return
    email_enqueue(
        key=f"refund_request:{request.pk}:staff",
        to=recipients,
        template=STAFF_REFUND_REQUEST_TEMPLATE,
        context={
            "request": request,
            "order": request.order,
            "customer_name": request.user.get_full_name(),
            "quote_lines": request.quote.get("lines", []),
            "not_automatic_because": request.quote.get("not_automatic_because", ""),
            "review_url": _absolute(reverse("admin:commerce_refundrequest_change", args=[request.pk])),
        },
    )


def notify_refund_request_decided(*, request) -> None:
    """Queue the customer's e-mail about staff's decision on their refund request (approved or denied, and why).

    Idempotent: keyed `refund_request:<pk>:<status>`, one e-mail per decision. Sent after commit.
    """
    order = request.order
    with in_time_zone_of(order.user):
        email_enqueue(
            key=f"refund_request:{request.pk}:{request.status}",
            to=[order.user.email],
            template=REFUND_REQUEST_DECIDED_TEMPLATES[request.status],
            context={
                "user": order.user,
                "order": order,
                "request": request,
                "quote_lines": request.quote.get("lines", []),
                "order_url": _absolute(order.get_absolute_url()),
            },
        )


REFUNDED_TEMPLATE = "commerce/refund_issued"
STAFF_REFUND_FAILED_TEMPLATE = "commerce/staff_refund_failed"


def refunded_key(*, refund) -> str:
    return f"refund:{refund.pk}:customer"


def staff_refund_failed_key(*, refund) -> str:
    return f"refund:{refund.pk}:staff_failed"


def _order_admin_url(order: Order) -> str:
    """The order's page in the staff console, where staff review, refund and resolve it."""
    return _absolute(reverse("admin:commerce_order_change", args=[order.pk]))


def notify_refunded(*, refund, credit_note=None) -> None:
    """Queue "your refund is on its way" with the refunded lines, the amount, and the credit note PDF attached.

    Idempotent: keyed `refund:<pk>:customer`, so however often the refund is confirmed (webhooks,
    the staff request, reconciliation) the customer gets one e-mail per refund. Sent after commit.
    """
    order = refund.order
    attachments = []
    if credit_note is not None:
        attachments.append((f"{credit_note.number}.pdf", bytes(credit_note.pdf), "application/pdf"))
    with in_time_zone_of(order.user):
        email_enqueue(
            key=refunded_key(refund=refund),
            to=[order.user.email],
            template=REFUNDED_TEMPLATE,
            context={
                **_order_context(order),
                "refund": refund,
                "refund_lines": list(refund.lines.select_related("line")),
                "credit_note": credit_note,
            },
            attachments=attachments,
        )


def notify_staff_refund_failed(*, refund) -> None:
    """Queue one alert to settings.STAFF_ALERT_EMAILS that a refund failed at Stripe, with the reason and what to do.

    Idempotent: keyed `refund:<pk>:staff_failed`. Nothing is queued when nobody is listed (the order
    is flagged, so the admin shows it). Sent after the surrounding transaction commits.
    """
    recipients = list(settings.STAFF_ALERT_EMAILS)
    if not recipients:
        return
    order = refund.order
    email_enqueue(
        key=staff_refund_failed_key(refund=refund),
        to=recipients,
        template=STAFF_REFUND_FAILED_TEMPLATE,
        context={
            "order": order,
            "refund": refund,
            "customer_name": order.user.get_full_name(),
            "review_url": _order_admin_url(order),
        },
    )
