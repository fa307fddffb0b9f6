"""The two status doors of refunds: `refund_set_status` and `refund_request_set_status`.

Nothing else writes Refund.status or RefundRequest.status. Each checks the move against the
model's TRANSITIONS map and records it (core.StatusChange) in the caller's transaction, through
innerwork.core.status.status_move.
"""

from __future__ import annotations

from django.utils import timezone

from commerce.models import Refund, RefundRequest
from innerwork.core.status import status_move


def refund_set_status(*, refund: Refund, status: str, failure_reason: str = "") -> bool:
    """Move a refund to `status` if Refund.TRANSITIONS allows it, and record the move.

    SUCCEEDED stamps `succeeded_at`; FAILED and CANCELED stamp `failed_at` and store
    `failure_reason` (also the record's reason). Idempotent, because Stripe reports a refund's
    status more than once: asking for the status it already has changes and records nothing.
    Raises StatusTransitionError for any other move the map refuses. Call it with the refund row
    locked, after the order row when both are (refund_record_from_stripe's order).
    Returns whether the status moved.
    """
    changes: dict = {}
    if status == Refund.Status.SUCCEEDED:
        changes["succeeded_at"] = timezone.now()
    elif status in (Refund.Status.FAILED, Refund.Status.CANCELED):
        changes.update(failed_at=timezone.now(), failure_reason=failure_reason[:255])
    return status_move(refund, status, changes=changes, reason=failure_reason, same_is_noop=True)


def refund_request_set_status(
    *, request: RefundRequest, status: str, changes: dict | None = None, actor=None, reason: str = ""
) -> bool:
    """Move a refund request to `status` if RefundRequest.TRANSITIONS allows it, and record who and why.

    `changes` are the other fields written with the move (the decision, the quote). Not
    idempotent: a request asked to take the status it has raises StatusTransitionError, as a
    second decision must not pass unnoticed. Call it with the request row locked.
    """
    return status_move(request, status, changes=changes, actor=actor, reason=reason)
