"""Products and prices as services: what creating one means, shared by the API and by Checkout's inline data."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from stripe_emulator import errors, events
from stripe_emulator.ids import new_id
from stripe_emulator.objects import catalog
from stripe_emulator.params import (
    Bool,
    Enum,
    Int,
    Metadata,
    Obj,
    Str,
    Unsupported,
)

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

INVALID_CURRENCY = "Invalid currency: {currency}. Stripe currently supports these currencies: usd, eur, gbp, ..."
LOOKUP_KEY_TAKEN = "A price (`{price}`) already uses that lookup key."
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


def check_currency(currency: str, *, param: str = "currency") -> str:
    currency = currency.lower()
    if not _CURRENCY.match(currency):
        raise errors.invalid(INVALID_CURRENCY.format(currency=currency), param=param)
    return currency


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
        package_dimensions=package_dimensions_of(fields.get("package_dimensions")),
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


def package_dimensions_of(values: dict | None) -> dict | None:
    if values is None:
        return None
    for name in ("height", "length", "weight", "width"):
        if values.get(name) is None:
            raise errors.missing(f"package_dimensions[{name}]")
    return {name: float(values[name]) for name in ("height", "length", "weight", "width")}


def unit_amount_of(fields: dict) -> tuple[int, Decimal | None]:
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
    unit_amount, unit_amount_decimal = unit_amount_of(fields)
    lookup_key = fields.get("lookup_key")
    if lookup_key:
        lookup_key_claim(ctx, lookup_key, transfer=bool(fields.get("transfer_lookup_key")))
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


def lookup_key_claim(ctx: Ctx, lookup_key: str, *, transfer: bool) -> None:
    for other in ctx.store.all("price"):
        if other.get("lookup_key") == lookup_key:
            if not transfer:
                raise errors.invalid(LOOKUP_KEY_TAKEN.format(price=other["id"]), param="lookup_key")
            before = dict(other)
            other["lookup_key"] = None
            ctx.store.update("price", other)
            events.emit(ctx, "price.updated", other, previous=before)
