"""Disputes: opened by the bank on a paid charge (card 4000 0000 0000 0259 or the control API), then moved
through `under_review` to `won` or `lost` by the control API, as the bank's decision would; retrieve, list,
update (metadata), close (accept the dispute: lost).

Money follows Stripe: opening a chargeback withdraws the amount plus Stripe's dispute fee from the balance
(`charge.dispute.funds_withdrawn`); winning it gives the amount back (`charge.dispute.funds_reinstated`),
the fee stays taken.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from stripe_emulator import events, listing
from stripe_emulator.api import load, router
from stripe_emulator.errors import StripeError
from stripe_emulator.ids import new_id
from stripe_emulator.objects import core
from stripe_emulator.objects import disputes as objects
from stripe_emulator.params import LIST_PARAMS, Metadata, Str, Timestamps, Unsupported, merge_metadata

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

# Stripe's dispute reasons (https://docs.stripe.com/disputes/categories).
REASONS = (
    "bank_cannot_process",
    "check_returned",
    "credit_not_processed",
    "customer_initiated",
    "debit_not_authorized",
    "duplicate",
    "fraudulent",
    "general",
    "incorrect_account_details",
    "insufficient_funds",
    "noncompliant",
    "product_not_received",
    "product_unacceptable",
    "subscription_canceled",
    "unrecognized",
)
DISPUTE_FEE = 1500  # Stripe's chargeback fee, 15.00 in the charge's currency
EVIDENCE_DAYS = 7  # days the merchant has to answer (Stripe shows the network's deadline, 7-21 days)
OPEN_STATUSES = ("needs_response", "under_review", "warning_needs_response", "warning_under_review")
CLOSED_STATUSES = ("won", "lost")
ALREADY_CLOSED = "This dispute is already closed"
ALREADY_DISPUTED = "Charge {charge} has already been disputed."
CHARGE_NOT_PAID = "Charge {charge} has not succeeded, so it cannot be disputed."
NEXT_STATUSES = {"needs_response": ("under_review", "won", "lost"), "under_review": ("won", "lost")}
BAD_MOVE = "A dispute in status {status} cannot move to {target}; it can move to: {allowed}."

LIST = {**LIST_PARAMS, "charge": Str(), "created": Timestamps(), "payment_intent": Str()}
UPDATE = {"evidence": Unsupported(), "metadata": Metadata(), "submit": Unsupported()}


def _evidence_due_by(created: int) -> int:
    """The last second (UTC) of the answer window, as Stripe's `due_by` is (23:59:59)."""
    day = datetime.fromtimestamp(created, UTC).date() + timedelta(days=EVIDENCE_DAYS)
    return int(datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC).timestamp())


def _dispute_transaction(ctx: Ctx, dispute_id: str, charge: dict, *, amount: int, fee: int, category: str) -> dict:
    txn = core.balance_transaction(
        txn_id=new_id("txn"),
        created=ctx.now(),
        amount=amount,
        currency=charge["currency"],
        source=dispute_id,
        kind="adjustment",
        description=f"Chargeback {'withdrawal' if amount < 0 else 'reversal'} for {charge['id']}",
        fee=fee,
    )
    txn["reporting_category"] = category
    for detail in txn["fee_details"]:
        detail["description"] = "Dispute fee"
    ctx.store.insert("balance_transaction", txn)
    return txn


def open_dispute(ctx: Ctx, charge: dict, *, reason: str = "fraudulent") -> dict:
    """The cardholder's bank disputes a paid charge: `charge.dispute.created`, then the funds are withdrawn."""
    if charge["status"] != "succeeded":
        raise StripeError(CHARGE_NOT_PAID.format(charge=charge["id"]), param="charge")
    if charge["disputed"]:
        raise StripeError(ALREADY_DISPUTED.format(charge=charge["id"]), param="charge")
    dispute_id = new_id("dp")
    now = ctx.now()
    withdrawal = _dispute_transaction(
        ctx, dispute_id, charge, amount=-charge["amount"], fee=DISPUTE_FEE, category="dispute"
    )
    dispute = objects.dispute(
        dispute_id=dispute_id,
        created=now,
        charge=charge,
        reason=reason,
        due_by=_evidence_due_by(now),
        balance_transactions=[withdrawal],
    )
    ctx.store.insert("dispute", dispute)
    before = dict(charge)
    charge["disputed"] = True
    ctx.store.update("charge", charge)
    events.emit(ctx, "charge.dispute.created", dispute)
    events.emit(ctx, "charge.updated", charge, previous=before)
    events.emit(ctx, "charge.dispute.funds_withdrawn", dispute)
    return dispute


def move(ctx: Ctx, dispute: dict, status: str) -> dict:
    """The bank's next step: `under_review` (`charge.dispute.updated`), or `won` / `lost` (`charge.dispute.closed`)."""
    allowed = NEXT_STATUSES.get(dispute["status"], ())
    if status not in allowed:
        raise StripeError(
            BAD_MOVE.format(status=dispute["status"], target=status, allowed=", ".join(allowed) or "nothing"),
            param="status",
        )
    before = {**dispute, "evidence_details": dict(dispute["evidence_details"])}
    dispute["status"] = status
    if status == "under_review":
        dispute["evidence_details"]["has_evidence"] = True
        dispute["evidence_details"]["submission_count"] += 1
        ctx.store.update("dispute", dispute)
        events.emit(ctx, "charge.dispute.updated", dispute, previous=before)
        return dispute
    if status == "won":
        charge = ctx.store.get("charge", dispute["charge"])
        reversal = _dispute_transaction(
            ctx, dispute["id"], charge, amount=dispute["amount"], fee=0, category="dispute_reversal"
        )
        dispute["balance_transactions"] = [*dispute["balance_transactions"], reversal]
    ctx.store.update("dispute", dispute)
    events.emit(ctx, "charge.dispute.closed", dispute, previous=before)
    if status == "won":
        events.emit(ctx, "charge.dispute.funds_reinstated", dispute)
    return dispute


@router.get("/v1/disputes/{dispute_id}")
def retrieve(ctx: Ctx, dispute_id: str) -> dict:
    return load(ctx, "dispute", dispute_id)


@router.get("/v1/disputes", LIST)
def list_(ctx: Ctx) -> dict:
    params = ctx.params
    items = [
        item
        for item in ctx.store.all("dispute", created=params.get("created"))
        if listing.match_fields(item, charge=params.get("charge"), payment_intent=params.get("payment_intent"))
    ]
    return listing.paginate(ctx, items, url="/v1/disputes", noun="dispute")


@router.post("/v1/disputes/{dispute_id}", UPDATE)
def update(ctx: Ctx, dispute_id: str) -> dict:
    """Metadata only; `evidence` and `submit` are refused as not implemented."""
    dispute = load(ctx, "dispute", dispute_id)
    before = dict(dispute)
    if "metadata" in ctx.params:
        dispute["metadata"] = merge_metadata(dispute["metadata"], ctx.params["metadata"])
    if dispute != before:
        ctx.store.update("dispute", dispute)
        events.emit(ctx, "charge.dispute.updated", dispute, previous=before)
    return dispute


@router.post("/v1/disputes/{dispute_id}/close")
def close(ctx: Ctx, dispute_id: str) -> dict:
    """Accept the dispute: it is lost at once (Stripe's "close")."""
    dispute = load(ctx, "dispute", dispute_id)
    if dispute["status"] in CLOSED_STATUSES:
        raise StripeError(ALREADY_CLOSED)
    return move(ctx, dispute, "lost")
