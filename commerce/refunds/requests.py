"""A customer asks for their money back: quoted by the refund policy, then refunded at once or decided by staff.

Inside the policy for every chosen line the request is AUTOMATIC and the refund starts at once
(`refund_start(source="customer")`); otherwise it is PENDING until a member of staff with the
`commerce.refund_order` permission approves it (the refund starts, source "request") or denies it,
always with a reason the customer reads in our e-mail.

Every write locks the order (requests) or the request row (decisions) first, so a double submit, two
tabs, or two staff deciding at the same moment make one request, one decision and one refund. The
refund itself is started after that lock is released: refund_start stores its row before calling
Stripe, keyed by the request, so calling it again for the same request never refunds twice.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from commerce.exceptions import CommerceError, RefundError
from commerce.models import Order, Refund, RefundRequest
from commerce.orders.notifications import notify_refund_request_decided, notify_staff_refund_request
from commerce.orders.services import order_event_add
from commerce.refunds.policy import refund_quote
from commerce.refunds.services import refund_idempotency_key, refund_start
from commerce.refunds.status import refund_request_set_status
from innerwork.core.audit import staff_action_record
from innerwork.core.money import format_money

REFUND_PERMISSION = "commerce.refund_order"

REQUEST_NOTHING_CHOSEN = "Choose at least one item to refund."
REQUEST_UNKNOWN_LINE = "Choose items from this order only."
REQUEST_LINE_NOT_REFUNDABLE = "“{title}” can't be refunded: {reason}"
REQUEST_ALREADY_PENDING = "You already asked for a refund of this order. Our team will answer it by e-mail soon."
REQUEST_ALREADY_DECIDED = "This request was already decided ({status})."
REQUEST_NOTHING_LEFT = "Nothing is left to refund on these items."
DECISION_REASON_REQUIRED = "Say why: the customer reads it in our e-mail."
DECISION_NOT_ALLOWED = "Only staff allowed to refund orders can decide refund requests."

AUTOMATIC_REFUND_REASON = "Customer's request within the refund policy"
EVENT_PENDING = "You asked for a refund of {amount}. Our team will review it and reply by e-mail."
EVENT_APPROVED = "Your refund request was approved: {amount} is on its way back."
EVENT_DENIED = "Your refund request was declined: {reason}"


class RefundRequestError(CommerceError):
    """A refund request cannot be made or decided as asked; `message` says why, for the person who asked."""


def _refund_key(request: RefundRequest) -> str:
    """The refund_start request key of this request's refund: one refund per request, however often started."""
    return f"refund-request:{request.pk}"


def _amounts(request: RefundRequest) -> dict[int, int]:
    return {entry["line"]: entry["amount"] for entry in request.quote.get("lines", []) if entry["amount"] > 0}


def _open(*, order: Order, user, line_ids: list[int], reason: str, request_key: str) -> RefundRequest:
    """Quote and record a new request; the caller holds the order's lock.

    The request's creation path: it is created PENDING, or AUTOMATIC when the policy covers every
    line (the one place a request starts in a status other than the default).
    """
    if order.refund_requests.filter(status=RefundRequest.Status.PENDING).exists():
        raise RefundRequestError(REQUEST_ALREADY_PENDING)
    quote = refund_quote(order=order, line_ids=line_ids)
    if len(quote.lines) != len(line_ids):
        raise RefundRequestError(REQUEST_UNKNOWN_LINE)
    for line_quote in quote.lines:
        if not line_quote.refundable:
            raise RefundRequestError(
                REQUEST_LINE_NOT_REFUNDABLE.format(title=line_quote.line.title, reason=line_quote.reasons[0])
            )
    request = RefundRequest.objects.create(
        order=order,
        user=user,
        status=RefundRequest.Status.AUTOMATIC if quote.automatic else RefundRequest.Status.PENDING,
        amount=quote.total,
        currency=quote.currency,
        quote={**quote.as_record(), "request_key": request_key},
        customer_reason=reason.strip(),
    )
    request.lines.set([line_quote.line for line_quote in quote.lines])
    if request.status == RefundRequest.Status.PENDING:
        order_event_add(
            order=order,
            type="refund_request",
            message=EVENT_PENDING.format(amount=format_money(request.amount, request.currency)),
            data={"request": request.pk},
            actor=user,
        )
        notify_staff_refund_request(request=request)
    return request


def _saved_refund(request: RefundRequest) -> Refund | None:
    """The refund refund_start recorded for this request, if it got that far."""
    key = refund_idempotency_key(order=request.order, request_key=_refund_key(request))
    return Refund.objects.filter(idempotency_key=key).first()


def _start_automatic_refund(request: RefundRequest) -> RefundRequest:
    """Start (or retry) the refund of an AUTOMATIC request.

    If Stripe did not answer, the refund stays saved as pending and linked: submitting the same form
    again retries it with the same key. If it was refused (something changed since the quote, such as
    a refund by staff a moment before, or Stripe said no), the request goes to staff instead.
    """
    try:
        refund = refund_start(
            order=request.order,
            amounts=_amounts(request),
            reason=AUTOMATIC_REFUND_REASON,
            actor=request.user,
            source=Refund.Source.CUSTOMER,
            request_key=_refund_key(request),
        )
    except RefundError as error:
        refund = _saved_refund(request)
        if refund is None or refund.status != Refund.Status.PENDING:
            return _send_to_staff(request, because=error.message)
    RefundRequest.objects.filter(pk=request.pk).update(refund=refund)
    request.refund = refund
    return request


def _send_to_staff(request: RefundRequest, *, because: str) -> RefundRequest:
    """An AUTOMATIC request whose refund could not be made becomes an ordinary one, with the reason for staff."""
    with transaction.atomic():
        request = RefundRequest.objects.select_for_update().select_related("order", "user").get(pk=request.pk)
        if request.status == RefundRequest.Status.AUTOMATIC and request.refund_id is None:
            refund_request_set_status(
                request=request,
                status=RefundRequest.Status.PENDING,
                changes={"quote": {**request.quote, "automatic": False, "not_automatic_because": because}},
                reason=because,
            )
            notify_staff_refund_request(request=request)
    return request


def _needs_refund_started(request: RefundRequest) -> bool:
    if request.status != RefundRequest.Status.AUTOMATIC:
        return False
    refund = request.refund
    return refund is None or (refund.status == Refund.Status.PENDING and not refund.stripe_refund_id)


def refund_request_create(*, order: Order, user, line_ids, reason: str, request_key: str) -> RefundRequest:
    """Ask for a refund of the order's lines `line_ids` with the customer's optional `reason`.

    The request is quoted by the refund policy under the order's lock. Within the policy for every
    line it is AUTOMATIC and its refund starts at once (source "customer"); otherwise it is PENDING
    and staff (settings.STAFF_ALERT_EMAILS) are e-mailed. Idempotent per `request_key` (the form's
    key): a double submit returns the first request, and finishes starting its refund if the first
    attempt stopped short. One pending request per order. Raises RefundRequestError when a line is
    not this order's, has nothing left to refund, or a request is already waiting;
    Order.DoesNotExist when `order` is not `user`'s.
    """
    line_ids = sorted({int(line_id) for line_id in line_ids})
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk, user=user)
        request = order.refund_requests.filter(quote__request_key=request_key).first()
        if request is None:
            if not line_ids:
                raise RefundRequestError(REQUEST_NOTHING_CHOSEN)
            request = _open(order=order, user=user, line_ids=line_ids, reason=reason, request_key=request_key)
    request.order = order
    if _needs_refund_started(request):
        request = _start_automatic_refund(request)
    return request


def _check_decider(actor, reason: str) -> str:
    if actor is None or not actor.is_active or not actor.is_staff or not actor.has_perm(REFUND_PERMISSION):
        raise PermissionDenied(DECISION_NOT_ALLOWED)
    reason = (reason or "").strip()
    if not reason:
        raise RefundRequestError(DECISION_REASON_REQUIRED)
    return reason[:500]


def _decide(*, request: RefundRequest, status: str, actor, reason: str) -> RefundRequest:
    """Move a PENDING request to `status` under its lock, with who, when and why (and the audit entry)."""
    with transaction.atomic():
        locked = RefundRequest.objects.select_for_update().select_related("order", "user").get(pk=request.pk)
        if locked.status != RefundRequest.Status.PENDING:
            raise RefundRequestError(REQUEST_ALREADY_DECIDED.format(status=locked.get_status_display().lower()))
        refund_request_set_status(
            request=locked,
            status=status,
            changes={"decided_by": actor, "decided_at": timezone.now(), "decision_reason": reason},
            actor=actor,
            reason=reason,
        )
        verb = "approve" if status == RefundRequest.Status.APPROVED else "deny"
        staff_action_record(
            actor=actor,
            action=f"refund_request.{verb}",
            subject=locked,
            reason=reason,
            order_number=locked.order.number,
            data={"amount": locked.amount, "currency": locked.currency, "lines": sorted(_amounts(locked))},
        )
    return locked


def refund_request_approve(*, request: RefundRequest, actor, reason: str) -> RefundRequest:
    """Approve a PENDING request: refund what is still refundable on its lines (source "request").

    Only active staff with commerce.refund_order (PermissionDenied otherwise); `reason` is required
    (RefundRequestError). The decision and its StaffAction are committed first, under the request's
    lock, so of two staff deciding at once one wins and the other gets REQUEST_ALREADY_DECIDED. If the
    refund is refused (nothing left, Stripe said no), the request is pending again and the RefundError
    is raised; if Stripe did not answer, the refund stays saved as pending (refund_start's retry rules)
    and the request approved. The customer is e-mailed once the refund is recorded.
    """
    reason = _check_decider(actor, reason)
    quote = refund_quote(order=request.order, line_ids=request.lines.values_list("pk", flat=True))
    if quote.total == 0:
        raise RefundRequestError(REQUEST_NOTHING_LEFT)
    request = _decide(request=request, status=RefundRequest.Status.APPROVED, actor=actor, reason=reason)
    amounts = {line_quote.line.pk: line_quote.amount for line_quote in quote.refundable_lines}
    try:
        refund = refund_start(
            order=request.order,
            amounts=amounts,
            reason=reason,
            actor=actor,
            source=Refund.Source.REQUEST,
            request_key=_refund_key(request),
        )
    except RefundError as error:
        refund = _saved_refund(request)
        if refund is None or refund.status != Refund.Status.PENDING:
            _reopen(request, actor=actor, because=error.message)
            raise
    with transaction.atomic():
        RefundRequest.objects.filter(pk=request.pk).update(refund=refund, amount=refund.amount)
        request.refund, request.amount = refund, refund.amount
        order_event_add(
            order=request.order,
            type="refund_request_approved",
            message=EVENT_APPROVED.format(amount=format_money(refund.amount, refund.currency)),
            data={"request": request.pk, "refund": refund.pk},
            actor=actor,
        )
        notify_refund_request_decided(request=request)
    return request


def _reopen(request: RefundRequest, *, actor, because: str) -> None:
    """The approved refund was refused, so no money moved: the request waits again, and the log says why.

    Locks the request row; a request that has a refund linked meanwhile stays approved.
    """
    with transaction.atomic():
        locked = RefundRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == RefundRequest.Status.APPROVED and locked.refund_id is None:
            refund_request_set_status(
                request=locked,
                status=RefundRequest.Status.PENDING,
                changes={"decided_by": None, "decided_at": None, "decision_reason": ""},
                actor=actor,
                reason=because,
            )
        staff_action_record(
            actor=actor,
            action="refund_request.reopen",
            subject=request,
            reason=because,
            order_number=request.order.number,
        )


def refund_request_deny(*, request: RefundRequest, actor, reason: str) -> RefundRequest:
    """Deny a PENDING request with a reason the customer reads; nothing is refunded.

    Only active staff with commerce.refund_order (PermissionDenied otherwise); `reason` is required.
    Under the request's lock: a request already decided raises REQUEST_ALREADY_DECIDED. Records a
    StaffAction and an order event, and e-mails the customer once (after commit).
    """
    reason = _check_decider(actor, reason)
    with transaction.atomic():
        request = _decide(request=request, status=RefundRequest.Status.DENIED, actor=actor, reason=reason)
        order_event_add(
            order=request.order,
            type="refund_request_denied",
            message=EVENT_DENIED.format(reason=reason),
            data={"request": request.pk},
            actor=actor,
        )
        notify_refund_request_decided(request=request)
    return request
