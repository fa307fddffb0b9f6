"""Refunds: started by staff or a customer, confirmed by Stripe, applied once, undone if they fail.

`services` starts a refund and records Stripe's word on it; `apply` does what a succeeded or failed
refund does to the order; `pending` resends refunds whose Stripe call failed; `policy` quotes what
a customer gets back; `requests` turns a customer's request into a refund or a decision for staff.
"""

from commerce.refunds.apply import refundable_by_line, refundable_for_order
from commerce.refunds.pending import refunds_send_pending
from commerce.refunds.policy import LineQuote, RefundQuote, refund_quote
from commerce.refunds.requests import (
    RefundRequestError,
    refund_request_approve,
    refund_request_create,
    refund_request_deny,
)
from commerce.refunds.services import refund_record_from_stripe, refund_start, send_pending_refund

__all__ = [
    "LineQuote",
    "RefundQuote",
    "RefundRequestError",
    "refund_quote",
    "refund_record_from_stripe",
    "refund_request_approve",
    "refund_request_create",
    "refund_request_deny",
    "refund_start",
    "refundable_by_line",
    "refundable_for_order",
    "refunds_send_pending",
    "send_pending_refund",
]
