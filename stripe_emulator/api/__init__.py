"""The REST API (`/v1/...`): one module per family, all registered on one router."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_emulator import errors
from stripe_emulator.routing import Router

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

router = Router()

# Stripe's noun in "No such <noun>: 'id'" for each object type.
NOUNS = {
    "checkout.session": "checkout.session",
    "payment_intent": "payment_intent",
    "payment_method": "PaymentMethod",
    "balance_transaction": "balance transaction",
    "webhook_endpoint": "webhook endpoint",
    "promotion_code": "promotion code",
}


def noun(type_: str) -> str:
    return NOUNS.get(type_, type_)


def render(ctx: Ctx, obj: dict) -> dict:
    """Fields Stripe computes when you read an object rather than storing them."""
    if obj.get("object") == "coupon" and not obj.get("deleted"):
        exhausted = obj["max_redemptions"] is not None and obj["times_redeemed"] >= obj["max_redemptions"]
        expired = obj["redeem_by"] is not None and ctx.now() > obj["redeem_by"]
        obj["valid"] = not (exhausted or expired)
    return obj


def load(ctx: Ctx, type_: str, object_id: str, *, param: str = "id") -> dict:
    """The object, or Stripe's 404 `resource_missing` error."""
    found = ctx.store.get(type_, object_id)
    if found is None or found.get("deleted"):
        raise errors.no_such(noun(type_), object_id, param=param)
    return render(ctx, found)


def load_related(ctx: Ctx, type_: str, object_id: str, *, param: str) -> dict:
    """An object named by a parameter (`customer=cus_...`): missing ones are a 400 naming the parameter."""
    found = ctx.store.get(type_, object_id)
    if found is None or found.get("deleted"):
        error = errors.no_such(noun(type_), object_id, param=param)
        error.status = 400
        raise error
    return render(ctx, found)


def live(objects: list[dict]) -> list[dict]:
    return [obj for obj in objects if not obj.get("deleted")]


from stripe_emulator.api import (  # noqa: E402  (registers the routes)
    account,
    checkout,
    customers,
    discounts,
    disputes,
    events,
    payments,
    prices,
    products,
    refunds,
)

__all__ = [
    "account",
    "checkout",
    "customers",
    "discounts",
    "disputes",
    "events",
    "payments",
    "prices",
    "products",
    "refunds",
    "router",
]
