"""Prices: create, retrieve, update, list (by `lookup_keys`), search; `currency_options` on expansion."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from stripe_emulator import errors, events, listing
from stripe_emulator.api import live, load, load_related, router
from stripe_emulator.expand import virtual
from stripe_emulator.params import (
    LIST_PARAMS,
    Arr,
    Bool,
    Dec,
    Enum,
    Int,
    Metadata,
    Obj,
    Str,
    Timestamps,
    Unsupported,
    merge_metadata,
)

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx
from stripe_emulator.api.catalog import (
    PRODUCT_DATA,
    RECURRING,
    check_currency,
    lookup_key_claim,
    price_create,
    product_create,
    unit_amount_of,
)

SEARCH = {"limit": LIST_PARAMS["limit"], "page": Str(), "query": Str(required=True)}

PRICE_CREATE = {
    "active": Bool(),
    "billing_scheme": Enum("per_unit"),
    "currency": Str(required=True),
    "currency_options": Unsupported(),
    "custom_unit_amount": Unsupported(),
    "lookup_key": Str(max_length=200),
    "metadata": Metadata(),
    "nickname": Str(),
    "product": Str(),
    "product_data": PRODUCT_DATA,
    "recurring": RECURRING,
    "tax_behavior": Enum("exclusive", "inclusive", "unspecified"),
    "tiers": Unsupported(),
    "tiers_mode": Unsupported(),
    "transfer_lookup_key": Bool(),
    "transform_quantity": Unsupported(),
    "unit_amount": Int(minimum=0),
    "unit_amount_decimal": Dec(minimum=Decimal(0)),
}
PRICE_UPDATE = {
    "active": Bool(),
    "currency_options": Unsupported(),
    "lookup_key": Str(max_length=200),
    "metadata": Metadata(),
    "nickname": Str(),
    "tax_behavior": Enum("exclusive", "inclusive", "unspecified"),
    "transfer_lookup_key": Bool(),
}
PRICE_LIST = {
    **LIST_PARAMS,
    "active": Bool(),
    "created": Timestamps(),
    "currency": Str(),
    "lookup_keys": Arr(Str(max_length=200), max_items=10),
    "product": Str(),
    "recurring": Obj({"interval": Enum("day", "week", "month", "year"), "meter": Str(), "usage_type": Str()}),
    "type": Enum("one_time", "recurring"),
}


@router.post("/v1/prices", PRICE_CREATE)
def price_create_endpoint(ctx: Ctx) -> dict:
    params = ctx.params
    if params.get("product") and params.get("product_data"):
        raise errors.only_one_of("product", "product_data")
    unit_amount_of(params)
    check_currency(params["currency"])
    if params.get("product"):
        product_id = load_related(ctx, "product", params["product"], param="product")["id"]
    elif params.get("product_data"):
        product_id = product_create(ctx, params["product_data"], product_id=params["product_data"].get("id"))["id"]
    else:
        raise errors.missing("product")
    return price_create(ctx, params, product_id=product_id)


@router.get("/v1/prices/{price_id}")
def price_retrieve(ctx: Ctx, price_id: str) -> dict:
    return load(ctx, "price", price_id)


@router.post("/v1/prices/{price_id}", PRICE_UPDATE)
def price_update(ctx: Ctx, price_id: str) -> dict:
    price = load(ctx, "price", price_id)
    before = dict(price)
    params = ctx.params
    for name in ("active", "nickname", "tax_behavior"):
        if name in params:
            price[name] = params[name]
    if "lookup_key" in params and params["lookup_key"] != price["lookup_key"]:
        if params["lookup_key"]:
            lookup_key_claim(ctx, params["lookup_key"], transfer=bool(params.get("transfer_lookup_key")))
        price["lookup_key"] = params["lookup_key"]
    if "metadata" in params:
        price["metadata"] = merge_metadata(price["metadata"], params["metadata"])
    if price != before:
        ctx.store.update("price", price)
        events.emit(ctx, "price.updated", price, previous=before)
    return price


@router.get("/v1/prices", PRICE_LIST)
def price_list(ctx: Ctx) -> dict:
    params = ctx.params
    items = live(ctx.store.all("price", created=params.get("created")))
    recurring = params.get("recurring") or {}
    items = [
        item
        for item in items
        if listing.match_fields(
            item,
            active=params.get("active"),
            currency=params.get("currency"),
            product=params.get("product"),
            type=params.get("type"),
            recurring__interval=recurring.get("interval"),
            recurring__usage_type=recurring.get("usage_type"),
        )
        and (not params.get("lookup_keys") or item["lookup_key"] in params["lookup_keys"])
    ]
    return listing.paginate(ctx, items, url="/v1/prices", noun="price")


@virtual("price", "currency_options")
def _currency_options(ctx: Ctx, price: dict) -> dict:
    """Expanded `currency_options`: the price's own currency (the emulator has no multi-currency prices)."""
    return {
        price["currency"]: {
            "custom_unit_amount": None,
            "tax_behavior": price["tax_behavior"],
            "tiers": None,
            "unit_amount": price["unit_amount"],
            "unit_amount_decimal": price["unit_amount_decimal"],
        }
    }


@virtual("price", "tiers")
def _tiers(ctx: Ctx, price: dict) -> None:
    return None  # only tiered prices have tiers; the emulator's are per-unit


@router.get("/v1/prices/search", SEARCH)
def price_search(ctx: Ctx) -> dict:
    fields = {"active", "created", "currency", "lookup_key", "product", "type"}
    return listing.search(ctx, live(ctx.store.all("price")), url="/v1/prices/search", fields=fields)
