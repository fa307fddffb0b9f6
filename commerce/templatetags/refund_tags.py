"""The refund panel of an order page: its refunds, the customer's refund requests, and whether they may ask for one."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from commerce.models import Order, Refund, RefundRequest
from commerce.refunds.policy import refund_quote

register = template.Library()

_REFUND_TONES = {
    Refund.Status.PENDING: "warning",
    Refund.Status.SUCCEEDED: "success",
    Refund.Status.FAILED: "danger",
    Refund.Status.CANCELED: "muted",
}
# What the customer reads for each refund status (staff see the model's own labels in admin).
_REFUND_LABELS = {
    Refund.Status.PENDING: "On its way",
    Refund.Status.SUCCEEDED: "Refunded",
    Refund.Status.FAILED: "Failed",
    Refund.Status.CANCELED: "Canceled",
}


@dataclass(frozen=True)
class RefundPanel:
    refunds: list[Refund]
    pending_request: RefundRequest | None
    declined_request: RefundRequest | None
    can_request: bool

    @property
    def visible(self) -> bool:
        return bool(self.refunds or self.pending_request or self.declined_request or self.can_request)


@register.simple_tag
def refund_panel_for(order: Order) -> RefundPanel:
    """What the order page shows about refunds; nothing at all for an order never paid."""
    if order.paid_at is None:
        return RefundPanel(refunds=[], pending_request=None, declined_request=None, can_request=False)
    refunds = list(order.refunds.all())
    requests = list(order.refund_requests.all())
    pending = next((r for r in requests if r.status == RefundRequest.Status.PENDING), None)
    latest = requests[0] if requests else None
    declined = latest if latest is not None and latest.status == RefundRequest.Status.DENIED else None
    can_request = pending is None and refund_quote(order=order).total > 0
    return RefundPanel(refunds=refunds, pending_request=pending, declined_request=declined, can_request=can_request)


@register.filter
def refund_tone(status: str) -> str:
    return _REFUND_TONES.get(status, "muted")


@register.filter
def refund_label(status: str) -> str:
    return _REFUND_LABELS.get(status, str(status).capitalize())
