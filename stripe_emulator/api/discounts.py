"""Coupons and promotion codes: create, retrieve, update, list (coupons also delete)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from stripe_emulator import errors, events, listing
from stripe_emulator.api import live, load, load_related, render, router
from stripe_emulator.api.catalog import check_currency
from stripe_emulator.expand import virtual
from stripe_emulator.ids import coupon_id as random_coupon_id
from stripe_emulator.ids import new_id
from stripe_emulator.ids import promotion_code as random_code
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

COUPON_NEEDS_AMOUNT = "Coupons must have either a percent_off or an amount_off."
COUPON_EXISTS = "Coupon already exists."
COUPON_CURRENCY_REQUIRED = "You must specify `currency` when specifying `amount_off`."
COUPON_MONTHS_REQUIRED = "You must specify `duration_in_months` when `duration` is `repeating`."
REDEEM_BY_PAST = "Invalid `redeem_by`: must be in the future."
CODE_TAKEN = "An active promotion code with `code: {code}` already exists."
INVALID_CODE = "Invalid code: promotion codes may contain only letters, digits, `-` and `_`."

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,500}$")

COUPON_CREATE = {
    "amount_off": Int(minimum=1),
    "applies_to": Obj({"products": Arr(Str())}),
    "currency": Str(),
    "currency_options": Unsupported(),
    "duration": Enum("forever", "once", "repeating"),
    "duration_in_months": Int(minimum=1),
    "id": Str(max_length=200),
    "max_redemptions": Int(minimum=1),
    "metadata": Metadata(),
    "name": Str(max_length=40),
    "percent_off": Dec(minimum=Decimal("0.01"), maximum=Decimal(100)),
    "redeem_by": Int(),
}
COUPON_UPDATE = {"currency_options": Unsupported(), "metadata": Metadata(), "name": Str(max_length=40)}
COUPON_LIST = {**LIST_PARAMS, "created": Timestamps()}

RESTRICTIONS = {
    "currency_options": Unsupported(),
    "first_time_transaction": Bool(),
    "minimum_amount": Int(minimum=1),
    "minimum_amount_currency": Str(),
}
PROMO_CREATE = {
    "active": Bool(),
    "code": Str(max_length=500),
    "customer": Str(),
    "customer_account": Unsupported(),
    "expires_at": Int(),
    "max_redemptions": Int(minimum=1),
    "metadata": Metadata(),
    "promotion": Obj({"coupon": Str(), "type": Enum("coupon", required=True)}, required=True),
    "restrictions": Obj(RESTRICTIONS),
}
PROMO_UPDATE = {"active": Bool(), "metadata": Metadata(), "restrictions": Obj({"currency_options": Unsupported()})}
PROMO_LIST = {
    **LIST_PARAMS,
    "active": Bool(),
    "code": Str(),
    "coupon": Str(),
    "created": Timestamps(),
    "customer": Str(),
    "customer_account": Str(),
}


# -- coupons -----------------------------------------------------------------------------------
@router.post("/v1/coupons", COUPON_CREATE)
def coupon_create(ctx: Ctx) -> dict:
    params = ctx.params
    if (params.get("amount_off") is None) == (params.get("percent_off") is None):
        raise errors.invalid(COUPON_NEEDS_AMOUNT)
    currency = params.get("currency")
    if params.get("amount_off") is not None and not currency:
        raise errors.invalid(COUPON_CURRENCY_REQUIRED, param="currency")
    duration = params.get("duration") or "once"
    if duration == "repeating" and not params.get("duration_in_months"):
        raise errors.invalid(COUPON_MONTHS_REQUIRED, param="duration_in_months")
    if params.get("redeem_by") is not None and params["redeem_by"] <= ctx.now():
        raise errors.invalid(REDEEM_BY_PAST, param="redeem_by")
    coupon_id = params.get("id") or random_coupon_id()
    if ctx.store.exists("coupon", coupon_id):
        raise errors.invalid(COUPON_EXISTS, param="id", code="resource_already_exists")
    for product_id in (params.get("applies_to") or {}).get("products") or []:
        load_related(ctx, "product", product_id, param="applies_to[products]")
    percent_off = params.get("percent_off")
    coupon = catalog.coupon(
        coupon_id=coupon_id,
        created=ctx.now(),
        duration=duration,
        amount_off=params.get("amount_off"),
        currency=check_currency(currency) if currency else None,
        percent_off=float(percent_off) if percent_off is not None else None,
        duration_in_months=params.get("duration_in_months") if duration == "repeating" else None,
        max_redemptions=params.get("max_redemptions"),
        metadata=params.get("metadata"),
        name=params.get("name"),
        redeem_by=params.get("redeem_by"),
    )
    products = (params.get("applies_to") or {}).get("products")
    ctx.store.insert("coupon", coupon, internal={"applies_to_products": products})
    events.emit(ctx, "coupon.created", coupon)
    return render(ctx, coupon)


@router.get("/v1/coupons/{coupon_id}")
def coupon_retrieve(ctx: Ctx, coupon_id: str) -> dict:
    return load(ctx, "coupon", coupon_id)


@router.post("/v1/coupons/{coupon_id}", COUPON_UPDATE)
def coupon_update(ctx: Ctx, coupon_id: str) -> dict:
    coupon = load(ctx, "coupon", coupon_id)
    before = dict(coupon)
    if "name" in ctx.params:
        coupon["name"] = ctx.params["name"]
    if "metadata" in ctx.params:
        coupon["metadata"] = merge_metadata(coupon["metadata"], ctx.params["metadata"])
    if coupon != before:
        ctx.store.update("coupon", coupon)
        events.emit(ctx, "coupon.updated", coupon, previous=before)
    return coupon


@router.delete("/v1/coupons/{coupon_id}")
def coupon_delete(ctx: Ctx, coupon_id: str) -> dict:
    coupon = load(ctx, "coupon", coupon_id)
    ctx.store.update("coupon", core.deleted("coupon", coupon_id))
    events.emit(ctx, "coupon.deleted", coupon)
    return core.deleted("coupon", coupon_id)


@router.get("/v1/coupons", COUPON_LIST)
def coupon_list(ctx: Ctx) -> dict:
    items = [render(ctx, item) for item in live(ctx.store.all("coupon", created=ctx.params.get("created")))]
    return listing.paginate(ctx, items, url="/v1/coupons", noun="coupon")


@virtual("coupon", "applies_to")
def _expanded_applies_to(ctx: Ctx, coupon: dict) -> dict:
    return {"products": ctx.store.internal("coupon", coupon["id"]).get("applies_to_products") or []}


# -- promotion codes ---------------------------------------------------------------------------
def _code_taken(ctx: Ctx, code: str, *, except_id: str | None = None) -> bool:
    return any(
        other["active"] and other["code"].lower() == code.lower() and other["id"] != except_id
        for other in ctx.store.all("promotion_code")
    )


@router.post("/v1/promotion_codes", PROMO_CREATE)
def promotion_code_create(ctx: Ctx) -> dict:
    params = ctx.params
    promotion = params["promotion"]
    if not promotion.get("coupon"):
        raise errors.missing("promotion[coupon]")
    coupon = load_related(ctx, "coupon", promotion["coupon"], param="promotion[coupon]")
    code = params.get("code") or random_code()
    if not _CODE.match(code):
        raise errors.invalid(INVALID_CODE, param="code")
    active = params.get("active") if params.get("active") is not None else True
    if active and _code_taken(ctx, code):
        raise errors.invalid(CODE_TAKEN.format(code=code), param="code")
    if params.get("customer"):
        load_related(ctx, "customer", params["customer"], param="customer")
    restrictions = params.get("restrictions") or {}
    minimum_currency = restrictions.get("minimum_amount_currency")
    if restrictions.get("minimum_amount") is not None and not minimum_currency:
        raise errors.missing("restrictions[minimum_amount_currency]")
    promotion_code = catalog.promotion_code(
        promotion_code_id=new_id("promo"),
        created=ctx.now(),
        code=code,
        coupon_id=coupon["id"],
        active=active,
        customer_id=params.get("customer"),
        expires_at=params.get("expires_at"),
        max_redemptions=params.get("max_redemptions"),
        metadata=params.get("metadata"),
        first_time_transaction=bool(restrictions.get("first_time_transaction")),
        minimum_amount=restrictions.get("minimum_amount"),
        minimum_amount_currency=check_currency(minimum_currency) if minimum_currency else None,
    )
    ctx.store.insert("promotion_code", promotion_code)
    events.emit(ctx, "promotion_code.created", promotion_code)
    return promotion_code


@router.get("/v1/promotion_codes/{promotion_code_id}")
def promotion_code_retrieve(ctx: Ctx, promotion_code_id: str) -> dict:
    return load(ctx, "promotion_code", promotion_code_id)


@router.post("/v1/promotion_codes/{promotion_code_id}", PROMO_UPDATE)
def promotion_code_update(ctx: Ctx, promotion_code_id: str) -> dict:
    promotion_code = load(ctx, "promotion_code", promotion_code_id)
    before = dict(promotion_code)
    if ctx.params.get("active") and not promotion_code["active"] and _code_taken(ctx, promotion_code["code"]):
        raise errors.invalid(CODE_TAKEN.format(code=promotion_code["code"]), param="active")
    if ctx.params.get("active") is not None:
        promotion_code["active"] = ctx.params["active"]
    if "metadata" in ctx.params:
        promotion_code["metadata"] = merge_metadata(promotion_code["metadata"], ctx.params["metadata"])
    if promotion_code != before:
        ctx.store.update("promotion_code", promotion_code)
        events.emit(ctx, "promotion_code.updated", promotion_code, previous=before)
    return promotion_code


@router.get("/v1/promotion_codes", PROMO_LIST)
def promotion_code_list(ctx: Ctx) -> dict:
    params = ctx.params
    items = [
        item
        for item in ctx.store.all("promotion_code", created=params.get("created"))
        if listing.match_fields(
            item,
            active=params.get("active"),
            code=params.get("code"),
            customer=params.get("customer"),
            promotion__coupon=params.get("coupon"),
        )
    ]
    return listing.paginate(ctx, items, url="/v1/promotion_codes", noun="promotion code")
