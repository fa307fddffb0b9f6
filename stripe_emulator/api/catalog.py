"""Products and prices: create, retrieve, update, list, search; prices by `lookup_key`."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from stripe_emulator import errors, events, listing
from stripe_emulator.api import live, load, load_related, router
from stripe_emulator.ids import new_id
from stripe_emulator.objects import catalog, core
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

INVALID_CURRENCY = "Invalid currency: {currency}. Stripe currently supports these currencies: usd, eur, gbp, ..."
LOOKUP_KEY_TAKEN = "A price (`{price}`) already uses that lookup key."
PRICE_NOT_OF_PRODUCT = "The price `{price}` does not belong to product `{product}`."
PRODUCT_HAS_PRICES = "This product cannot be deleted because it has one or more user-created prices."
PRODUCT_EXISTS = "Product already exists."
AMOUNT_REQUIRED = "unit_amount"

_CURRENCY = re.compile(r"^[a-z]{3}$")

RECURRING = Obj(
    {
        "interval": Enum("day", "week", "month", "year", required=True),
        "interval_count": Int(minimum=1),
        "meter": Unsupported(),
        "trial_period_days": Int(minimum=1),
        "usage_type": Enum("licensed", "metered"),
    }
)
PRODUCT_DATA = Obj(
    {
        "active": Bool(),
        "id": Str(),
        "metadata": Metadata(),
        "name": Str(required=True),
        "statement_descriptor": Str(max_length=22),
        "tax_code": Str(),
        "tax_details": Unsupported(),
        "unit_label": Str(max_length=12),
    }
)
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


def check_currency(currency: str, *, param: str = "currency") -> str:
    currency = currency.lower()
    if not _CURRENCY.match(currency):
        raise errors.invalid(INVALID_CURRENCY.format(currency=currency), param=param)
    return currency


# -- products ----------------------------------------------------------------------------------
def product_create(
    ctx: Ctx, fields: dict, *, product_id: str | None = None, default_price_data: dict | None = None, emit: bool = True
) -> dict:
    """Create a product (with its default price when asked); `emit=False` for Checkout's inline `product_data`."""
    product = catalog.product(
        product_id=product_id or new_id("prod"),
        created=ctx.now(),
        name=fields["name"],
        active=fields.get("active") if fields.get("active") is not None else True,
        description=fields.get("description"),
        images=fields.get("images"),
        metadata=fields.get("metadata"),
        marketing_features=fields.get("marketing_features"),
        package_dimensions=_dimensions(fields.get("package_dimensions")),
        shippable=fields.get("shippable"),
        statement_descriptor=fields.get("statement_descriptor"),
        tax_code=fields.get("tax_code"),
        type_=fields.get("type") or "service",
        unit_label=fields.get("unit_label"),
        url=fields.get("url"),
    )
    ctx.store.insert("product", product)
    if default_price_data is not None:
        product["default_price"] = price_create(ctx, default_price_data, product_id=product["id"])["id"]
        ctx.store.update("product", product)
    if emit:
        events.emit(ctx, "product.created", product)
    return product


def _dimensions(values: dict | None) -> dict | None:
    if values is None:
        return None
    for name in ("height", "length", "weight", "width"):
        if values.get(name) is None:
            raise errors.missing(f"package_dimensions[{name}]")
    return {name: float(values[name]) for name in ("height", "length", "weight", "width")}


@router.post("/v1/products", PRODUCT_CREATE)
def product_create_endpoint(ctx: Ctx) -> dict:
    params = ctx.params
    if params.get("id") and ctx.store.exists("product", params["id"]):
        raise errors.invalid(PRODUCT_EXISTS, param="id", code="resource_already_exists")
    price_data = params.get("default_price_data")
    if price_data is not None:
        _amount_of(price_data)
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
        product["package_dimensions"] = _dimensions(params["package_dimensions"])
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


@router.get("/v1/products/search", SEARCH)
def product_search(ctx: Ctx) -> dict:
    fields = {"active", "created", "description", "name", "shippable", "url"}
    return listing.search(ctx, live(ctx.store.all("product")), url="/v1/products/search", fields=fields)


# -- prices ------------------------------------------------------------------------------------
def _amount_of(fields: dict) -> tuple[int, Decimal | None]:
    if fields.get("unit_amount") is not None and fields.get("unit_amount_decimal") is not None:
        raise errors.only_one_of("unit_amount", "unit_amount_decimal")
    if fields.get("unit_amount") is not None:
        return fields["unit_amount"], None
    if fields.get("unit_amount_decimal") is not None:
        decimal_amount = fields["unit_amount_decimal"]
        if decimal_amount != decimal_amount.to_integral_value():
            raise errors.invalid(
                "The emulator charges whole minor units only; use an integral unit_amount_decimal.",
                param="unit_amount_decimal",
            )
        return int(decimal_amount), decimal_amount
    raise errors.missing(AMOUNT_REQUIRED)


def price_create(ctx: Ctx, fields: dict, *, product_id: str, active: bool = True, emit: bool = True) -> dict:
    """Create a price from validated parameters; `emit=False` for Checkout's inline `price_data`."""
    unit_amount, unit_amount_decimal = _amount_of(fields)
    lookup_key = fields.get("lookup_key")
    if lookup_key:
        _claim_lookup_key(ctx, lookup_key, transfer=bool(fields.get("transfer_lookup_key")))
    recurring = fields.get("recurring")
    if recurring is not None:
        recurring = {
            "interval": recurring["interval"],
            "interval_count": recurring.get("interval_count") or 1,
            "meter": None,
            "trial_period_days": recurring.get("trial_period_days"),
            "usage_type": recurring.get("usage_type") or "licensed",
        }
    price = catalog.price(
        price_id=new_id("price"),
        created=ctx.now(),
        product_id=product_id,
        currency=check_currency(fields["currency"]),
        unit_amount=unit_amount,
        unit_amount_decimal=unit_amount_decimal,
        active=active if fields.get("active") is None else fields["active"],
        lookup_key=lookup_key,
        metadata=fields.get("metadata"),
        nickname=fields.get("nickname"),
        recurring=recurring,
        tax_behavior=fields.get("tax_behavior") or "unspecified",
    )
    ctx.store.insert("price", price)
    if emit:
        events.emit(ctx, "price.created", price)
    return price


def _claim_lookup_key(ctx: Ctx, lookup_key: str, *, transfer: bool) -> None:
    for other in ctx.store.all("price"):
        if other.get("lookup_key") == lookup_key:
            if not transfer:
                raise errors.invalid(LOOKUP_KEY_TAKEN.format(price=other["id"]), param="lookup_key")
            before = dict(other)
            other["lookup_key"] = None
            ctx.store.update("price", other)
            events.emit(ctx, "price.updated", other, previous=before)


@router.post("/v1/prices", PRICE_CREATE)
def price_create_endpoint(ctx: Ctx) -> dict:
    params = ctx.params
    if params.get("product") and params.get("product_data"):
        raise errors.only_one_of("product", "product_data")
    _amount_of(params)
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
            _claim_lookup_key(ctx, params["lookup_key"], transfer=bool(params.get("transfer_lookup_key")))
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


@router.get("/v1/prices/search", SEARCH)
def price_search(ctx: Ctx) -> dict:
    fields = {"active", "created", "currency", "lookup_key", "product", "type"}
    return listing.search(ctx, live(ctx.store.all("price")), url="/v1/prices/search", fields=fields)
