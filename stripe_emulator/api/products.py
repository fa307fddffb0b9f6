"""Products: create, retrieve, update, delete, list, search, and their (empty) feature list."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from stripe_emulator import errors, events, listing
from stripe_emulator.api import live, load, load_related, router
from stripe_emulator.objects import core
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
from stripe_emulator.api.catalog import RECURRING, check_currency, package_dimensions_of, product_create, unit_amount_of

PRICE_NOT_OF_PRODUCT = "The price `{price}` does not belong to product `{product}`."
PRODUCT_HAS_PRICES = "This product cannot be deleted because it has one or more user-created prices."
PRODUCT_EXISTS = "Product already exists."

_PRODUCT_FIELDS = {
    "active": Bool(),
    "description": Str(max_length=40000),
    "images": Arr(Str(max_length=2048), max_items=8),
    "marketing_features": Arr(Obj({"name": Str(max_length=80, required=True)}), max_items=15),
    "metadata": Metadata(),
    "name": Str(),
    "package_dimensions": Obj({name: Dec(minimum=Decimal(0)) for name in ("height", "length", "weight", "width")}),
    "shippable": Bool(),
    "statement_descriptor": Str(max_length=22),
    "tax_code": Str(),
    "unit_label": Str(max_length=12),
    "url": Str(max_length=5000),
}
PRODUCT_CREATE = {
    **_PRODUCT_FIELDS,
    "name": Str(required=True),
    "id": Str(),
    "type": Enum("good", "service"),
    "default_price_data": Obj(
        {
            "currency": Str(required=True),
            "currency_options": Unsupported(),
            "custom_unit_amount": Unsupported(),
            "metadata": Metadata(),
            "recurring": RECURRING,
            "tax_behavior": Enum("exclusive", "inclusive", "unspecified"),
            "unit_amount": Int(minimum=0),
            "unit_amount_decimal": Dec(minimum=Decimal(0)),
        }
    ),
}
PRODUCT_UPDATE = {**_PRODUCT_FIELDS, "default_price": Str()}
PRODUCT_LIST = {
    **LIST_PARAMS,
    "active": Bool(),
    "created": Timestamps(),
    "ids": Arr(Str()),
    "shippable": Bool(),
    "type": Enum("good", "service"),
    "url": Str(),
}
SEARCH = {"limit": LIST_PARAMS["limit"], "page": Str(), "query": Str(required=True)}


@router.post("/v1/products", PRODUCT_CREATE)
def product_create_endpoint(ctx: Ctx) -> dict:
    params = ctx.params
    if params.get("id") and ctx.store.exists("product", params["id"]):
        raise errors.invalid(PRODUCT_EXISTS, param="id", code="resource_already_exists")
    price_data = params.get("default_price_data")
    if price_data is not None:
        unit_amount_of(price_data)
        check_currency(price_data["currency"], param="default_price_data[currency]")
    return product_create(ctx, params, product_id=params.get("id"), default_price_data=price_data)


@router.get("/v1/products/{product_id}")
def product_retrieve(ctx: Ctx, product_id: str) -> dict:
    return load(ctx, "product", product_id)


@router.post("/v1/products/{product_id}", PRODUCT_UPDATE)
def product_update(ctx: Ctx, product_id: str) -> dict:
    product = load(ctx, "product", product_id)
    before = dict(product)
    params = ctx.params
    for name in ("active", "description", "name", "shippable", "statement_descriptor", "tax_code", "unit_label", "url"):
        if name in params:
            product[name] = params[name]
    if product["name"] is None:
        raise errors.missing("name")
    for name in ("images", "marketing_features"):
        if name in params:
            product[name] = params[name] or []
    if "package_dimensions" in params:
        product["package_dimensions"] = package_dimensions_of(params["package_dimensions"])
    if "metadata" in params:
        product["metadata"] = merge_metadata(product["metadata"], params["metadata"])
    if params.get("default_price"):
        price = load_related(ctx, "price", params["default_price"], param="default_price")
        if price["product"] != product_id:
            raise errors.invalid(
                PRICE_NOT_OF_PRODUCT.format(price=price["id"], product=product_id), param="default_price"
            )
        product["default_price"] = price["id"]
    elif "default_price" in params:
        product["default_price"] = None
    if product != before:
        product["updated"] = ctx.now()
        ctx.store.update("product", product)
        events.emit(ctx, "product.updated", product, previous=before)
    return product


@router.delete("/v1/products/{product_id}")
def product_delete(ctx: Ctx, product_id: str) -> dict:
    product = load(ctx, "product", product_id)
    if any(price["product"] == product_id for price in ctx.store.all("price")):
        raise errors.invalid(PRODUCT_HAS_PRICES)
    ctx.store.update("product", core.deleted("product", product_id))
    events.emit(ctx, "product.deleted", product)
    return core.deleted("product", product_id)


@router.get("/v1/products", PRODUCT_LIST)
def product_list(ctx: Ctx) -> dict:
    params = ctx.params
    items = live(ctx.store.all("product", created=params.get("created")))
    items = [
        item
        for item in items
        if listing.match_fields(
            item, active=params.get("active"), shippable=params.get("shippable"), url=params.get("url")
        )
        and listing.match_fields(item, type=params.get("type"))
        and (not params.get("ids") or item["id"] in params["ids"])
    ]
    return listing.paginate(ctx, items, url="/v1/products", noun="product")


@router.get("/v1/products/{product_id}/features", LIST_PARAMS)
def product_features(ctx: Ctx, product_id: str) -> dict:
    """A product's entitlement features: dj-stripe lists them when it syncs a product; the emulator has none."""
    load(ctx, "product", product_id)
    return listing.paginate(ctx, [], url=f"/v1/products/{product_id}/features", noun="product feature")


@router.get("/v1/products/search", SEARCH)
def product_search(ctx: Ctx) -> dict:
    fields = {"active", "created", "description", "name", "shippable", "url"}
    return listing.search(ctx, live(ctx.store.all("product")), url="/v1/products/search", fields=fields)
