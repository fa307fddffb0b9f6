"""Disputes at Stripe, read into plain values (a webhook's copy can be stale: handlers read it again here).

dj-stripe mirrors disputes itself (it has handlers for `charge.dispute.*`), so nothing is mirrored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from commerce.stripe_gateway.client import as_dict, call, client

# Stripe's statuses as ours: an inquiry (warning_*) is followed like a chargeback; one that closes
# without becoming a chargeback (warning_closed), or that the network prevented, cost nothing: won.
STATUS_OF = {
    "warning_needs_response": "needs_response",
    "warning_under_review": "under_review",
    "warning_closed": "won",
    "prevented": "won",
}


def _id_of(value) -> str:
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


@dataclass(frozen=True)
class DisputeInfo:
    """A Stripe dispute as commerce needs it. `status` is needs_response, under_review, won or lost."""

    id: str
    charge_id: str
    payment_intent_id: str
    order_number: str  # from the PaymentIntent's metadata, which checkout writes
    amount: int
    currency: str
    reason: str
    status: str
    evidence_due_by: datetime | None

    @classmethod
    def from_stripe(cls, data: dict) -> DisputeInfo:
        intent = data.get("payment_intent")
        metadata = (intent.get("metadata") or {}) if isinstance(intent, dict) else {}
        due_by = (data.get("evidence_details") or {}).get("due_by")
        status = data.get("status") or "needs_response"
        return cls(
            id=data["id"],
            charge_id=_id_of(data.get("charge")),
            payment_intent_id=_id_of(intent),
            order_number=str(metadata.get("order_number", "")),
            amount=int(data.get("amount") or 0),
            currency=(data.get("currency") or "").lower(),
            reason=data.get("reason") or "",
            status=STATUS_OF.get(status, status),
            evidence_due_by=datetime.fromtimestamp(int(due_by), tz=UTC) if due_by else None,
        )


def dispute_retrieve(*, dispute_id: str) -> DisputeInfo:
    """The dispute as Stripe has it now, with its PaymentIntent expanded (whose metadata names our order)."""
    data = as_dict(call(client().v1.disputes.retrieve, dispute_id, params={"expand": ["payment_intent"]}))
    return DisputeInfo.from_stripe(data)
