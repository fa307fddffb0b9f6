"""What a customer's refund request page reads: the request and where its money is now.

The page is the customer's answer to "where is my refund?", so it is worked out from the database on
every visit: the request's decision and, once a refund was started, that refund's status as Stripe
last reported it (the call's answer, a webhook or reconciliation, all through
refund_record_from_stripe). Nothing is remembered from the moment the customer confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commerce.models import Order, Refund, RefundRequest


class RefundStage:
    """Where a refund request stands, in the order a customer lives through it."""

    WITH_TEAM = "with-team"  # outside the policy: waiting for staff
    PROCESSING = "processing"  # approved, or within the policy: the refund is started, Stripe has not confirmed it
    REFUNDED = "refunded"  # Stripe confirmed the refund
    FAILED = "failed"  # Stripe (or the bank) could not make it: nothing came back
    DECLINED = "declined"  # staff said no
    CLOSED = "closed"  # withdrawn: nothing to follow


@dataclass(frozen=True)
class RefundRequestProgress:
    request: RefundRequest
    stage: str
    refund: Refund | None

    @property
    def amount(self) -> int:
        """What comes back: the refund's own amount once there is one, else what the policy quoted."""
        return self.refund.amount if self.refund is not None else self.request.amount

    @property
    def currency(self) -> str:
        return self.refund.currency if self.refund is not None else self.request.currency

    @property
    def refunded_at(self) -> datetime | None:
        return self.refund.succeeded_at if self.stage == RefundStage.REFUNDED else None

    @property
    def decided_by_staff(self) -> bool:
        return self.request.status == RefundRequest.Status.APPROVED


def _stage(request: RefundRequest) -> str:
    if request.status == RefundRequest.Status.PENDING:
        return RefundStage.WITH_TEAM
    if request.status == RefundRequest.Status.DENIED:
        return RefundStage.DECLINED
    if request.status == RefundRequest.Status.WITHDRAWN:
        return RefundStage.CLOSED
    refund = request.refund  # AUTOMATIC or APPROVED: started, or about to be
    if refund is None or refund.status == Refund.Status.PENDING:
        return RefundStage.PROCESSING
    if refund.status == Refund.Status.SUCCEEDED:
        return RefundStage.REFUNDED
    return RefundStage.FAILED


def refund_request_progress(*, order: Order, user, pk: int) -> RefundRequestProgress:
    """The `user`'s request `pk` on `order` with its stage, read afresh.

    Raises RefundRequest.DoesNotExist for a request that is not theirs (the view's 404).
    """
    request = order.refund_requests.select_related("refund").get(pk=pk, user=user)
    return RefundRequestProgress(request=request, stage=_stage(request), refund=request.refund)
