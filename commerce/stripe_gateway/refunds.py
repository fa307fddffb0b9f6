"""Refunds and charges at Stripe, read into plain values: create, retrieve and list refunds; list charges.

Refunds are mirrored into dj-stripe (best effort) whenever we read or make one, because dj-stripe
has no handler for `refund.*` events and only reads refunds embedded in a charge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from djstripe.models import Refund as StripeRefund

from commerce.stripe_gateway.client import as_dict, call, client, mirror

PAGE_SIZE = 100

# Stripe's own reasons; anything else is left out of the call (ours is kept on our Refund row).
STRIPE_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


def _id_of(value) -> str:
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def _when(timestamp) -> datetime:
    return datetime.fromtimestamp(int(timestamp or 0), tz=UTC)


@dataclass(frozen=True)
class RefundInfo:
    """A Stripe refund as commerce needs it. `status` is pending, succeeded, failed or canceled."""

    id: str
    charge_id: str
    payment_intent_id: str
    amount: int
    currency: str
    status: str
    reason: str
    failure_reason: str
    metadata: dict = field(default_factory=dict)
    created: datetime | None = None

    @classmethod
    def from_stripe(cls, data: dict) -> RefundInfo:
        status = data.get("status") or "pending"
        # requires_action is a pending refund waiting on the customer, as far as money is concerned.
        return cls(
            id=data["id"],
            charge_id=_id_of(data.get("charge")),
            payment_intent_id=_id_of(data.get("payment_intent")),
            amount=int(data.get("amount") or 0),
            currency=(data.get("currency") or "").lower(),
            status="pending" if status == "requires_action" else status,
            reason=data.get("reason") or "",
            failure_reason=data.get("failure_reason") or "",
            metadata=dict(data.get("metadata") or {}),
            created=_when(data.get("created")),
        )


@dataclass(frozen=True)
class ChargeInfo:
    """A Stripe charge as reconciliation compares it with our orders."""

    id: str
    payment_intent_id: str
    amount: int
    amount_refunded: int
    currency: str
    status: str
    paid: bool
    refunded: bool
    metadata: dict = field(default_factory=dict)
    created: datetime | None = None

    @classmethod
    def from_stripe(cls, data: dict) -> ChargeInfo:
        return cls(
            id=data["id"],
            payment_intent_id=_id_of(data.get("payment_intent")),
            amount=int(data.get("amount") or 0),
            amount_refunded=int(data.get("amount_refunded") or 0),
            currency=(data.get("currency") or "").lower(),
            status=data.get("status") or "",
            paid=bool(data.get("paid")),
            refunded=bool(data.get("refunded")),
            metadata=dict(data.get("metadata") or {}),
            created=_when(data.get("created")),
        )


def _refund_info(data: dict) -> RefundInfo:
    mirror(StripeRefund, data)
    return RefundInfo.from_stripe(data)


def refund_create(
    *, payment_intent_id: str, amount: int, reason: str, idempotency_key: str, metadata: dict[str, str]
) -> RefundInfo:
    """Refund `amount` of the payment's charge at Stripe, once per `idempotency_key`.

    Sending the same key again (a double click, a retry after a timeout) replays Stripe's first
    answer instead of refunding twice, as long as the parameters are the same; so callers must
    store the key and the parameters before calling. Raises PaymentProviderError (retry is safe)
    or ProviderRequestRefused (Stripe said no: nothing left to refund, amount too large).
    """
    params = {"payment_intent": payment_intent_id, "amount": amount, "metadata": metadata}
    if reason in STRIPE_REASONS:
        params["reason"] = reason
    data = as_dict(call(client().v1.refunds.create, params=params, idempotency_key=idempotency_key))
    return _refund_info(data)


def refund_retrieve(*, refund_id: str) -> RefundInfo:
    """The refund as Stripe has it now (mirrored into dj-stripe on the way)."""
    return _refund_info(as_dict(call(client().v1.refunds.retrieve, refund_id)))


def refunds_for_charge(*, charge_id: str) -> Iterator[RefundInfo]:
    """Every refund of one charge, newest first (a `charge.refunded` event names only the charge)."""
    for data in _pages(client().v1.refunds.list, {"charge": charge_id}):
        yield _refund_info(data)


def _created(created_gte: datetime, created_lt: datetime | None) -> dict:
    window = {"gte": int(created_gte.timestamp())}
    if created_lt is not None:
        window["lt"] = int(created_lt.timestamp())
    return window


def _pages(operation: Callable, params: dict) -> Iterator[dict]:
    """Every item of a Stripe list, page after page; each page goes through `call` (errors mapped)."""
    params = {**params, "limit": PAGE_SIZE}
    while True:
        page = as_dict(call(operation, params=params))
        items = page.get("data") or []
        yield from items
        if not page.get("has_more") or not items:
            return
        params = {**params, "starting_after": items[-1]["id"]}


def refunds_list(*, created_gte: datetime, created_lt: datetime | None = None) -> Iterator[RefundInfo]:
    """Every refund created in [created_gte, created_lt), newest first, all pages (not mirrored: a report reads it)."""
    for data in _pages(client().v1.refunds.list, {"created": _created(created_gte, created_lt)}):
        yield RefundInfo.from_stripe(data)


def charges_list(*, created_gte: datetime, created_lt: datetime | None = None) -> Iterator[ChargeInfo]:
    """Every charge created in [created_gte, created_lt), newest first, all pages."""
    for data in _pages(client().v1.charges.list, {"created": _created(created_gte, created_lt)}):
        yield ChargeInfo.from_stripe(data)
