"""Stripe Checkout Sessions and the payments they make, read into plain values commerce can use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from djstripe.models import PaymentIntent, Session

from commerce.stripe_gateway.client import ProviderRequestRefused, as_dict, call, client, mirror, mirror_after_commit

# A session's payment is read with the charge it made (card, receipt) in one request.
PAYMENT_EXPAND = ["payment_intent", "payment_intent.latest_charge"]
# ...and with the payment method too when the read is also mirrored: dj-stripe then has every
# object it links in the answer and fetches nothing more.
MIRROR_EXPAND = [*PAYMENT_EXPAND, "payment_intent.payment_method"]


@dataclass(frozen=True)
class StripeLine:
    """One line of a Checkout Session: our catalogue Price, or an inline price for a product."""

    quantity: int
    price_id: str = ""
    product_id: str = ""
    unit_amount: int = 0
    currency: str = ""

    def param(self) -> dict:
        if self.price_id:
            return {"price": self.price_id, "quantity": self.quantity}
        return {
            "price_data": {"currency": self.currency, "product": self.product_id, "unit_amount": self.unit_amount},
            "quantity": self.quantity,
        }


@dataclass(frozen=True)
class CheckoutSessionInfo:
    """What commerce needs to know about a Checkout Session (and its payment, once made)."""

    id: str
    status: str  # open, complete, expired
    payment_status: str  # unpaid, paid, no_payment_required
    url: str
    currency: str
    amount_subtotal: int
    amount_discount: int
    amount_total: int
    client_reference_id: str
    metadata: dict
    expires_at: datetime
    customer_id: str = ""
    payment_intent_id: str = ""
    charge_id: str = ""
    card_brand: str = ""
    card_last4: str = ""
    receipt_url: str = ""
    billing_name: str = ""
    billing_email: str = ""
    billing_address: dict = field(default_factory=dict)

    @property
    def order_number(self) -> str:
        """The order this session pays: client_reference_id, or the metadata we set beside it."""
        return self.client_reference_id or str(self.metadata.get("order_number", ""))

    @property
    def is_paid(self) -> bool:
        return self.status == "complete" and self.payment_status in ("paid", "no_payment_required")

    @classmethod
    def from_stripe(cls, data: dict) -> CheckoutSessionInfo:
        intent = data.get("payment_intent")
        intent = intent if isinstance(intent, dict) else {"id": intent or ""}
        charge = intent.get("latest_charge")
        charge = charge if isinstance(charge, dict) else {"id": charge or ""}
        card = ((charge.get("payment_method_details") or {}).get("card")) or {}
        details = data.get("customer_details") or {}
        customer = data.get("customer")
        return cls(
            id=data["id"],
            status=data.get("status") or "",
            payment_status=data.get("payment_status") or "",
            url=data.get("url") or "",
            currency=(data.get("currency") or "").lower(),
            amount_subtotal=data.get("amount_subtotal") or 0,
            amount_discount=(data.get("total_details") or {}).get("amount_discount") or 0,
            amount_total=data.get("amount_total") or 0,
            client_reference_id=data.get("client_reference_id") or "",
            metadata=dict(data.get("metadata") or {}),
            expires_at=datetime.fromtimestamp(data["expires_at"], tz=UTC),
            customer_id=(customer.get("id") if isinstance(customer, dict) else customer) or "",
            payment_intent_id=intent.get("id") or "",
            charge_id=charge.get("id") or "",
            card_brand=card.get("brand") or "",
            card_last4=card.get("last4") or "",
            receipt_url=charge.get("receipt_url") or "",
            billing_name=details.get("name") or "",
            billing_email=details.get("email") or "",
            billing_address={k: v for k, v in (details.get("address") or {}).items() if v},
        )


@dataclass(frozen=True)
class PaymentIntentInfo:
    """A PaymentIntent as a decline handler needs it: whose order, and why it failed."""

    id: str
    status: str
    metadata: dict
    failure_message: str
    failure_code: str
    charge_id: str

    @property
    def order_number(self) -> str:
        return str(self.metadata.get("order_number", ""))

    @classmethod
    def from_stripe(cls, data: dict) -> PaymentIntentInfo:
        error = data.get("last_payment_error") or {}
        charge = data.get("latest_charge")
        return cls(
            id=data["id"],
            status=data.get("status") or "",
            metadata=dict(data.get("metadata") or {}),
            failure_message=error.get("message") or "",
            failure_code=error.get("decline_code") or error.get("code") or "",
            charge_id=(charge.get("id") if isinstance(charge, dict) else charge) or "",
        )


def _unexpanded(data: dict) -> dict:
    """The session as a webhook carries it (ids, not objects), which is what dj-stripe syncs."""
    intent = data.get("payment_intent")
    return {**data, "payment_intent": intent.get("id") if isinstance(intent, dict) else intent}


def session_create(
    *,
    customer_id: str,
    lines: list[StripeLine],
    discount: dict | None,
    client_reference_id: str,
    metadata: dict[str, str],
    description: str,
    success_url: str,
    cancel_url: str,
    expires_at: datetime,
    idempotency_key: str,
) -> CheckoutSessionInfo:
    """Open a hosted Checkout Session (mode=payment); dj-stripe mirrors it after commit, off the request.

    Promotion codes cannot be typed on Stripe's page: the discount is the one we computed,
    passed in `discount` ({"promotion_code": id} or {"coupon": id}). The PaymentIntent carries
    the order in its metadata too, so a decline names its order.
    """
    params = {
        "mode": "payment",
        "customer": customer_id,
        "line_items": [line.param() for line in lines],
        "client_reference_id": client_reference_id,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata, "description": description},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
        "submit_type": "pay",
        "billing_address_collection": "auto",
    }
    if discount:
        params["discounts"] = [discount]
    data = as_dict(call(client().v1.checkout.sessions.create, params=params, idempotency_key=idempotency_key))
    mirror_after_commit(Session, data)
    return CheckoutSessionInfo.from_stripe(data)


def session_retrieve(*, session_id: str) -> CheckoutSessionInfo:
    """The session as Stripe has it now, with its payment (card, receipt) when it was paid."""
    data = as_dict(call(client().v1.checkout.sessions.retrieve, session_id, params={"expand": PAYMENT_EXPAND}))
    return CheckoutSessionInfo.from_stripe(data)


def session_read_and_mirror(*, session_id: str) -> CheckoutSessionInfo:
    """The session as Stripe has it now, read once (expanded), and mirrored into dj-stripe from that read.

    One GET instead of three or four (our read, dj-stripe's read of the session, then of its
    PaymentIntent and PaymentMethod). The mirror is written after the caller's transaction
    commits, by a worker (mirror_after_commit), and is best effort; the returned values come
    from the same answer whatever happens to it.
    """
    data = as_dict(call(client().v1.checkout.sessions.retrieve, session_id, params={"expand": MIRROR_EXPAND}))
    mirror_after_commit(Session, data)
    return CheckoutSessionInfo.from_stripe(data)


def session_mirror(*, session_id: str) -> None:
    """Refresh dj-stripe's copy of a session (and, through it, its PaymentIntent and Customer)."""
    data = as_dict(call(client().v1.checkout.sessions.retrieve, session_id))
    mirror(Session, _unexpanded(data))


def session_expire(*, session_id: str) -> CheckoutSessionInfo:
    """Close an open session so it can no longer take money; returns the session as it ends.

    Idempotent: a session that is already expired or complete is returned as it is, so the
    caller learns if the customer paid just before (status `complete`).
    """
    try:
        call(client().v1.checkout.sessions.expire, session_id)
    except ProviderRequestRefused as exc:
        if exc.code == "resource_missing":
            raise
    return session_retrieve(session_id=session_id)


def payment_intent_retrieve(*, payment_intent_id: str) -> PaymentIntentInfo:
    data = as_dict(call(client().v1.payment_intents.retrieve, payment_intent_id))
    return PaymentIntentInfo.from_stripe(data)


def payment_intent_read_and_mirror(*, payment_intent_id: str) -> PaymentIntentInfo:
    """The PaymentIntent as Stripe has it now, read once, and mirrored into dj-stripe from that read.

    One GET, expanded with its payment method, instead of three (ours, then dj-stripe's own read of
    the intent and of its payment method). The mirror is written after the caller's transaction
    commits, by a worker (mirror_after_commit), and is best effort; the returned values come from
    the same answer whatever happens to it.
    """
    data = as_dict(call(client().v1.payment_intents.retrieve, payment_intent_id, params={"expand": ["payment_method"]}))
    mirror_after_commit(PaymentIntent, data)
    return PaymentIntentInfo.from_stripe(data)


def session_for_payment_intent(*, payment_intent_id: str) -> CheckoutSessionInfo | None:
    """The Checkout Session that created `payment_intent_id` (with its payment), or None if no session did."""
    page = as_dict(
        call(
            client().v1.checkout.sessions.list,
            params={"payment_intent": payment_intent_id, "limit": 1, "expand": [f"data.{p}" for p in PAYMENT_EXPAND]},
        )
    )
    sessions = page.get("data") or []
    return CheckoutSessionInfo.from_stripe(sessions[0]) if sessions else None
