"""Payment intents, charges, payment methods and balance transactions: retrieve, list, search.

They are created by paying a Checkout Session (see `stripe_emulator.payflow`), never directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_emulator import listing
from stripe_emulator.api import load, router
from stripe_emulator.expand import virtual
from stripe_emulator.objects.payments import refunds_list
from stripe_emulator.params import LIST_PARAMS, Enum, Str, Timestamps, Unsupported

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

SEARCH = {"limit": LIST_PARAMS["limit"], "page": Str(), "query": Str(required=True)}
PI_LIST = {**LIST_PARAMS, "created": Timestamps(), "customer": Str(), "customer_account": Str()}
PI_RETRIEVE = {"client_secret": Str()}
CHARGE_LIST = {
    **LIST_PARAMS,
    "created": Timestamps(),
    "customer": Str(),
    "payment_intent": Str(),
    "transfer_group": Str(),
}
PM_LIST = {
    **LIST_PARAMS,
    "allow_redisplay": Enum("always", "limited", "unspecified"),
    "customer": Str(),
    "customer_account": Str(),
    "type": Str(),
}
BT_LIST = {
    **LIST_PARAMS,
    "created": Timestamps(),
    "currency": Str(),
    "payout": Unsupported(),
    "source": Str(),
    "type": Str(),
}


# -- payment intents ---------------------------------------------------------------------------
@router.get("/v1/payment_intents/{intent_id}", PI_RETRIEVE)
def intent_retrieve(ctx: Ctx, intent_id: str) -> dict:
    return load(ctx, "payment_intent", intent_id)


@router.get("/v1/payment_intents", PI_LIST)
def intent_list(ctx: Ctx) -> dict:
    params = ctx.params
    items = [
        item
        for item in ctx.store.all("payment_intent", created=params.get("created"))
        if listing.match_fields(item, customer=params.get("customer"), customer_account=params.get("customer_account"))
    ]
    return listing.paginate(ctx, items, url="/v1/payment_intents", noun="payment_intent")


@router.get("/v1/payment_intents/search", SEARCH)
def intent_search(ctx: Ctx) -> dict:
    fields = {"amount", "created", "currency", "customer", "status"}
    return listing.search(ctx, ctx.store.all("payment_intent"), url="/v1/payment_intents/search", fields=fields)


# -- charges -----------------------------------------------------------------------------------
@router.get("/v1/charges/{charge_id}")
def charge_retrieve(ctx: Ctx, charge_id: str) -> dict:
    return load(ctx, "charge", charge_id)


@router.get("/v1/charges", CHARGE_LIST)
def charge_list(ctx: Ctx) -> dict:
    params = ctx.params
    items = [
        item
        for item in ctx.store.all("charge", created=params.get("created"))
        if listing.match_fields(
            item,
            customer=params.get("customer"),
            payment_intent=params.get("payment_intent"),
            transfer_group=params.get("transfer_group"),
        )
    ]
    return listing.paginate(ctx, items, url="/v1/charges", noun="charge")


@router.get("/v1/charges/search", SEARCH)
def charge_search(ctx: Ctx) -> dict:
    fields = {"amount", "created", "currency", "customer", "disputed", "payment_intent", "refunded", "status"}
    return listing.search(ctx, ctx.store.all("charge"), url="/v1/charges/search", fields=fields)


@router.get("/v1/charges/{charge_id}/refunds", LIST_PARAMS)
def charge_refunds(ctx: Ctx, charge_id: str) -> dict:
    load(ctx, "charge", charge_id)
    items = [refund for refund in ctx.store.all("refund") if refund["charge"] == charge_id]
    return listing.paginate(ctx, items, url=f"/v1/charges/{charge_id}/refunds", noun="refund")


@virtual("charge", "refunds")
def _expanded_refunds(ctx: Ctx, charge: dict) -> dict:
    return refunds_list(
        charge["id"], [refund for refund in ctx.store.all("refund") if refund["charge"] == charge["id"]]
    )


# -- payment methods ---------------------------------------------------------------------------
@router.get("/v1/payment_methods/{method_id}")
def method_retrieve(ctx: Ctx, method_id: str) -> dict:
    return load(ctx, "payment_method", method_id)


@router.get("/v1/payment_methods", PM_LIST)
def method_list(ctx: Ctx) -> dict:
    params = ctx.params
    items = [
        item
        for item in ctx.store.all("payment_method")
        if listing.match_fields(
            item,
            customer=params.get("customer"),
            type=params.get("type"),
            allow_redisplay=params.get("allow_redisplay"),
        )
    ]
    return listing.paginate(ctx, items, url="/v1/payment_methods", noun="PaymentMethod")


CUSTOMER_PM_LIST = {**LIST_PARAMS, "allow_redisplay": Enum("always", "limited", "unspecified"), "type": Str()}


@router.get("/v1/customers/{customer_id}/payment_methods", CUSTOMER_PM_LIST)
def customer_methods(ctx: Ctx, customer_id: str) -> dict:
    load(ctx, "customer", customer_id)
    items = [
        item
        for item in ctx.store.all("payment_method")
        if item["customer"] == customer_id and listing.match_fields(item, type=ctx.params.get("type"))
    ]
    return listing.paginate(ctx, items, url=f"/v1/customers/{customer_id}/payment_methods", noun="PaymentMethod")


# -- balance transactions ----------------------------------------------------------------------
@router.get("/v1/balance_transactions/{txn_id}")
def balance_transaction_retrieve(ctx: Ctx, txn_id: str) -> dict:
    return load(ctx, "balance_transaction", txn_id)


@router.get("/v1/balance_transactions", BT_LIST)
def balance_transaction_list(ctx: Ctx) -> dict:
    params = ctx.params
    items = [
        item
        for item in ctx.store.all("balance_transaction", created=params.get("created"))
        if listing.match_fields(
            item, currency=params.get("currency"), source=params.get("source"), type=params.get("type")
        )
    ]
    return listing.paginate(ctx, items, url="/v1/balance_transactions", noun="balance transaction")
