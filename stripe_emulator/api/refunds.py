"""Refunds: create (by charge or payment intent, full or partial), retrieve, update, list; async failure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_emulator import errors, events, listing
from stripe_emulator.api import load, load_related, router
from stripe_emulator.errors import StripeError
from stripe_emulator.ids import new_id
from stripe_emulator.money import format_amount
from stripe_emulator.objects import core
from stripe_emulator.objects import payments as objects
from stripe_emulator.params import LIST_PARAMS, Enum, Int, Metadata, Str, Timestamps, Unsupported, merge_metadata

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

TARGET_REQUIRED = "You must provide either `charge` or `payment_intent`."
NOTHING_TO_REFUND = "This PaymentIntent ({intent}) does not have a successful charge to refund."
CHARGE_NOT_SUCCEEDED = "Charge {charge} has not succeeded, so it cannot be refunded."
ALREADY_REFUNDED = "Charge {charge} has already been refunded."
CHARGE_DISPUTED = "Charge {charge} has been charged back; cannot issue a refund."
AMOUNT_TOO_LARGE = "Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})"
CANNOT_FAIL = "Only a succeeded or pending refund can fail; {refund} is {status}."
DEFAULT_FAILURE_REASON = "expired_or_canceled_card"
FAILURE_REASONS = (
    "charge_for_pending_refund_disputed",
    "declined",
    "expired_or_canceled_card",
    "insufficient_funds",
    "lost_or_stolen_card",
    "merchant_request",
    "unknown",
)

CREATE = {
    "amount": Int(minimum=1),
    "charge": Str(),
    "currency": Unsupported(),
    "customer": Unsupported(),
    "instructions_email": Str(),
    "metadata": Metadata(),
    "origin": Unsupported(),
    "payment_intent": Str(),
    "reason": Enum("duplicate", "fraudulent", "requested_by_customer"),
    "refund_application_fee": Unsupported(),
    "reverse_transfer": Unsupported(),
}
UPDATE = {"metadata": Metadata()}
LIST = {**LIST_PARAMS, "charge": Str(), "created": Timestamps(), "payment_intent": Str()}


def _charge_to_refund(ctx: Ctx) -> dict:
    params = ctx.params
    if params.get("charge") and params.get("payment_intent"):
        raise errors.only_one_of("charge", "payment_intent")
    if params.get("payment_intent"):
        intent = load_related(ctx, "payment_intent", params["payment_intent"], param="payment_intent")
        if intent["status"] != "succeeded" or not intent["latest_charge"]:
            raise StripeError(
                NOTHING_TO_REFUND.format(intent=intent["id"]), param="payment_intent", code="charge_not_refundable"
            )
        return ctx.store.get("charge", intent["latest_charge"])
    if params.get("charge"):
        charge = load_related(ctx, "charge", params["charge"], param="charge")
        if charge["status"] != "succeeded":
            raise StripeError(
                CHARGE_NOT_SUCCEEDED.format(charge=charge["id"]), param="charge", code="charge_not_refundable"
            )
        return charge
    raise StripeError(TARGET_REQUIRED, param="charge", code="parameter_missing")


@router.post("/v1/refunds", CREATE)
def create(ctx: Ctx) -> dict:
    """Refund all or part of what is left of a charge; never more (Stripe's `amount_too_large`)."""
    params = ctx.params
    charge = _charge_to_refund(ctx)
    remaining = charge["amount"] - charge["amount_refunded"]
    if charge["disputed"]:
        raise StripeError(CHARGE_DISPUTED.format(charge=charge["id"]), code="charge_disputed")
    if remaining <= 0:
        raise StripeError(ALREADY_REFUNDED.format(charge=charge["id"]), code="charge_already_refunded")
    amount = params.get("amount") or remaining
    if amount > remaining:
        message = AMOUNT_TOO_LARGE.format(
            amount=format_amount(amount, charge["currency"]), remaining=format_amount(remaining, charge["currency"])
        )
        raise StripeError(message, param="amount", code="amount_too_large")
    now = ctx.now()
    refund_id = new_id("re")
    txn = core.balance_transaction(
        txn_id=new_id("txn"),
        created=now,
        amount=-amount,
        currency=charge["currency"],
        source=refund_id,
        kind="refund",
        description="REFUND FOR CHARGE" + (f" ({charge['description']})" if charge["description"] else ""),
    )
    ctx.store.insert("balance_transaction", txn)
    refund = objects.refund(
        refund_id=refund_id,
        created=now,
        amount=amount,
        charge=charge,
        balance_transaction=txn["id"],
        reason=params.get("reason"),
        metadata=params.get("metadata") or {},
        instructions_email=params.get("instructions_email"),
    )
    ctx.store.insert("refund", refund)
    before = dict(charge)
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    ctx.store.update("charge", charge)
    events.emit(ctx, "refund.created", refund)
    events.emit(ctx, "charge.refunded", charge, previous=before)
    if ctx.store.internal("charge", charge["id"]).get("refund_fails"):
        due = ctx.store.now_float() + ctx.emulator.config.refund_failure_delay
        ctx.store.schedule("refund_fail", {"refund": refund_id, "reason": DEFAULT_FAILURE_REASON}, due_at=due)
    return refund


def refund_fail(ctx: Ctx, refund: dict, *, reason: str = DEFAULT_FAILURE_REASON) -> dict:
    """Turn a refund into a failed one, as Stripe does when the bank returns it: the money goes back."""
    if refund["status"] not in ("succeeded", "pending"):
        raise StripeError(CANNOT_FAIL.format(refund=refund["id"], status=refund["status"]))
    txn = core.balance_transaction(
        txn_id=new_id("txn"),
        created=ctx.now(),
        amount=refund["amount"],
        currency=refund["currency"],
        source=refund["id"],
        kind="refund_failure",
        description="REFUND FAILURE",
    )
    ctx.store.insert("balance_transaction", txn)
    before = dict(refund)
    refund.update(status="failed", failure_reason=reason, failure_balance_transaction=txn["id"])
    ctx.store.update("refund", refund)
    charge = ctx.store.get("charge", refund["charge"])
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    ctx.store.update("charge", charge)
    events.emit(ctx, "refund.updated", refund, previous=before)
    events.emit(ctx, "refund.failed", refund, previous=before)
    events.emit(ctx, "charge.refund.updated", refund, previous=before)
    return refund


def run_scheduled_failure(ctx: Ctx, payload: dict) -> None:
    refund = ctx.store.get("refund", payload["refund"])
    if refund is not None and refund["status"] in ("succeeded", "pending"):
        refund_fail(ctx, refund, reason=payload.get("reason") or DEFAULT_FAILURE_REASON)


@router.get("/v1/refunds/{refund_id}")
def retrieve(ctx: Ctx, refund_id: str) -> dict:
    return load(ctx, "refund", refund_id)


@router.post("/v1/refunds/{refund_id}", UPDATE)
def update(ctx: Ctx, refund_id: str) -> dict:
    refund = load(ctx, "refund", refund_id)
    before = dict(refund)
    if "metadata" in ctx.params:
        refund["metadata"] = merge_metadata(refund["metadata"], ctx.params["metadata"])
    if refund != before:
        ctx.store.update("refund", refund)
        events.emit(ctx, "refund.updated", refund, previous=before)
        events.emit(ctx, "charge.refund.updated", refund, previous=before)
    return refund


@router.get("/v1/refunds", LIST)
def list_(ctx: Ctx) -> dict:
    params = ctx.params
    items = [
        item
        for item in ctx.store.all("refund", created=params.get("created"))
        if listing.match_fields(item, charge=params.get("charge"), payment_intent=params.get("payment_intent"))
    ]
    return listing.paginate(ctx, items, url="/v1/refunds", noun="refund")
