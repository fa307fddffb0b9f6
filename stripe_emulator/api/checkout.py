"""Checkout Sessions: create, retrieve, update, list, line items, expire; expiry when the clock passes."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from stripe_emulator import errors, events, listing, pricing
from stripe_emulator.api import load, load_related, router
from stripe_emulator.api.catalog import check_currency, price_create, product_create
from stripe_emulator.api.checkout_params import CREATE, LIST, UPDATE
from stripe_emulator.errors import StripeError
from stripe_emulator.expand import virtual
from stripe_emulator.ids import new_id
from stripe_emulator.objects import checkout, core, list_object
from stripe_emulator.params import LIST_PARAMS, merge_metadata

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

ONLY_PAYMENT_MODE = "The Stripe emulator supports `mode=payment` only (one-time card payments)."
ONLY_HOSTED = "The Stripe emulator supports `ui_mode=hosted_page` only."
LINE_ITEMS_REQUIRED = "line_items"
LINE_ITEM_NEEDS_PRICE = "You must specify either `price` or `price_data` in `line_items[{index}]`."
PRICE_INACTIVE = "The price specified is inactive. This field only accepts active prices."
RECURRING_IN_PAYMENT_MODE = (
    "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only "
    "one-time prices."
)
MIXED_CURRENCIES = "All line items must use the same currency; `line_items[{index}]` is in {currency}."
ONE_DISCOUNT = "You may only specify one discount per Checkout Session."
EXPIRES_TOO_SOON = "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation."
EXPIRES_TOO_LATE = "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation."
INVALID_URL = "Not a valid URL"
ONLY_OPEN_CAN_EXPIRE = 'Only Checkout Sessions with a status in ["open"] can be expired.'
MANUAL_CAPTURE = "The Stripe emulator supports automatic capture only."

MIN_LIFETIME, MAX_LIFETIME = 30 * 60, 24 * 3600


def _check_url(value: str | None, param: str) -> None:
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StripeError(INVALID_URL, param=param, code="url_invalid")


def _line(ctx: Ctx, index: int, item: dict) -> dict:
    """One line as pricing works on it, creating the inline price (and product) of `price_data`."""
    param = f"line_items[{index}]"
    if bool(item.get("price")) == bool(item.get("price_data")):
        raise StripeError(LINE_ITEM_NEEDS_PRICE.format(index=index), param=param)
    if item.get("quantity") is None:
        raise errors.missing(f"{param}[quantity]")
    if item.get("price"):
        price = load_related(ctx, "price", item["price"], param=f"{param}[price]")
        if not price["active"]:
            raise StripeError(PRICE_INACTIVE, param=f"{param}[price]")
    else:
        data = item["price_data"]
        check_currency(data["currency"], param=f"{param}[price_data][currency]")
        if bool(data.get("product")) == bool(data.get("product_data")):
            raise errors.only_one_of(f"{param}[price_data][product]", f"{param}[price_data][product_data]")
        if data.get("product"):
            product_id = load_related(ctx, "product", data["product"], param=f"{param}[price_data][product]")["id"]
        else:
            product_id = product_create(ctx, {**data["product_data"], "active": False}, emit=False)["id"]
        price = price_create(ctx, data, product_id=product_id, active=False, emit=False)
    if price["type"] == "recurring":
        raise StripeError(RECURRING_IN_PAYMENT_MODE, param=param)
    product = ctx.store.get("product", price["product"]) or {}
    return {
        "price": price,
        "product": price["product"],
        "unit_amount": price["unit_amount"],
        "quantity": item["quantity"],
        "description": product.get("name") or price.get("nickname") or "Item",
        "metadata": item.get("metadata") or {},
    }


@router.post("/v1/checkout/sessions", CREATE)
def create(ctx: Ctx) -> dict:
    params = ctx.params
    if params.get("mode") is None:
        raise errors.missing("mode")
    if params["mode"] != "payment":
        raise StripeError(ONLY_PAYMENT_MODE, param="mode")
    if params.get("ui_mode") not in (None, "hosted_page"):
        raise StripeError(ONLY_HOSTED, param="ui_mode")
    if any(kind != "card" for kind in params.get("payment_method_types") or []):
        raise StripeError(
            errors.UNSUPPORTED_BY_EMULATOR.format(param="payment_method_types"), param="payment_method_types"
        )
    intent_data = params.get("payment_intent_data") or {}
    if intent_data.get("capture_method") == "manual":
        raise StripeError(MANUAL_CAPTURE, param="payment_intent_data[capture_method]")
    _check_url(params.get("success_url"), "success_url")
    _check_url(params.get("cancel_url"), "cancel_url")
    if params.get("customer") and params.get("customer_email"):
        raise errors.only_one_of("customer", "customer_email")
    if params.get("customer") and params.get("customer_creation"):
        raise errors.only_one_of("customer", "customer_creation")
    customer = load_related(ctx, "customer", params["customer"], param="customer") if params.get("customer") else None
    if not params.get("line_items"):
        raise errors.missing(LINE_ITEMS_REQUIRED)
    now = ctx.now()
    expires_at = params.get("expires_at") or now + MAX_LIFETIME
    if expires_at < now + MIN_LIFETIME:
        raise StripeError(EXPIRES_TOO_SOON, param="expires_at")
    if expires_at > now + MAX_LIFETIME:
        raise StripeError(EXPIRES_TOO_LATE, param="expires_at")
    lines = [_line(ctx, index, item) for index, item in enumerate(params["line_items"])]
    currency = lines[0]["price"]["currency"]
    for index, line in enumerate(lines):
        if line["price"]["currency"] != currency:
            raise StripeError(
                MIXED_CURRENCIES.format(index=index, currency=line["price"]["currency"]), param="line_items"
            )
    discounts = params.get("discounts") or []
    if discounts and params.get("allow_promotion_codes"):
        raise errors.only_one_of("allow_promotion_codes", "discounts")
    if len(discounts) > 1:
        raise StripeError(ONE_DISCOUNT, param="discounts")
    coupon, promo = None, None
    if discounts:
        coupon, promo = pricing.resolve_discount(
            ctx, discounts[0], lines, currency, customer_id=customer and customer["id"], param="discounts[0]"
        )
    session_id = new_id("cs_test")
    session = checkout.session(
        session_id=session_id,
        created=now,
        expires_at=expires_at,
        url=f"{ctx.base_url}/c/pay/{session_id}",
        currency=currency,
        amount_subtotal=0,
        amount_discount=0,
        success_url=params.get("success_url"),
        cancel_url=params.get("cancel_url"),
        customer_id=customer and customer["id"],
        customer_email=params.get("customer_email"),
        customer_creation=params.get("customer_creation") or (None if customer else "if_required"),
        client_reference_id=params.get("client_reference_id"),
        metadata=params.get("metadata") or {},
        allow_promotion_codes=params.get("allow_promotion_codes"),
        discounts=[],
        locale=params.get("locale"),
        submit_type=params.get("submit_type"),
        billing_address_collection=params.get("billing_address_collection"),
        phone_number_collection=bool((params.get("phone_number_collection") or {}).get("enabled")),
        custom_text=params.get("custom_text") or {},
    )
    internal = {"payment_intent_data": intent_data, "discount_id": new_id("di"), "lines": []}
    for line in lines:
        item_id = new_id("li")
        internal["lines"].append(item_id)
        item = checkout.line_item(
            line_item_id=item_id,
            price=line["price"],
            quantity=line["quantity"],
            description=line["description"],
            amount_discount=0,
            metadata=line["metadata"],
        )
        ctx.store.insert("item", {**item, "created": now}, parent=session_id)
    ctx.store.insert("checkout.session", session, internal=internal)
    return apply_discount(ctx, session, coupon, promo)


def session_lines(ctx: Ctx, session: dict) -> list[dict]:
    return [_strip(item) for item in ctx.store.all("item", parent=session["id"], oldest_first=True)]


def _strip(item: dict) -> dict:
    item.pop("created", None)
    return item


def apply_discount(ctx: Ctx, session: dict, coupon: dict | None, promo: dict | None) -> dict:
    """Set (or clear) the session's discount and recompute every amount from prices and the coupon."""
    items = session_lines(ctx, session)
    lines = [
        {"unit_amount": i["price"]["unit_amount"], "quantity": i["quantity"], "product": i["price"]["product"]}
        for i in items
    ]
    shares = pricing.line_discounts(ctx, coupon, lines)
    for item, share in zip(items, shares, strict=True):
        item["amount_discount"] = share
        item["amount_total"] = item["amount_subtotal"] - share
        ctx.store.update("item", item)
    subtotal = sum(item["amount_subtotal"] for item in items)
    discount = sum(shares)
    session["amount_subtotal"] = subtotal
    session["amount_total"] = subtotal - discount
    session["total_details"]["amount_discount"] = discount
    session["discounts"] = [{"coupon": coupon["id"], "promotion_code": promo and promo["id"]}] if coupon else []
    ctx.store.update("checkout.session", session)
    return session


@router.get("/v1/checkout/sessions/{session_id}")
def retrieve(ctx: Ctx, session_id: str) -> dict:
    return load(ctx, "checkout.session", session_id)


@router.post("/v1/checkout/sessions/{session_id}", UPDATE)
def update(ctx: Ctx, session_id: str) -> dict:
    session = load(ctx, "checkout.session", session_id)
    if "metadata" in ctx.params:
        session["metadata"] = merge_metadata(session["metadata"], ctx.params["metadata"])
        ctx.store.update("checkout.session", session)
    return session


@router.get("/v1/checkout/sessions", LIST)
def list_(ctx: Ctx) -> dict:
    params = ctx.params
    items = [
        item
        for item in ctx.store.all("checkout.session", created=params.get("created"))
        if listing.match_fields(
            item,
            customer=params.get("customer"),
            payment_intent=params.get("payment_intent"),
            payment_link=params.get("payment_link"),
            status=params.get("status"),
            subscription=params.get("subscription"),
            customer_details__email=(params.get("customer_details") or {}).get("email"),
        )
    ]
    return listing.paginate(ctx, items, url="/v1/checkout/sessions", noun="checkout.session")


@router.get("/v1/checkout/sessions/{session_id}/line_items", LIST_PARAMS)
def line_items(ctx: Ctx, session_id: str) -> dict:
    session = load(ctx, "checkout.session", session_id)
    url = f"/v1/checkout/sessions/{session_id}/line_items"
    return listing.paginate(ctx, session_lines(ctx, session), url=url, noun="line item")


@router.post("/v1/checkout/sessions/{session_id}/expire")
def expire_endpoint(ctx: Ctx, session_id: str) -> dict:
    session = load(ctx, "checkout.session", session_id)
    if session["status"] != "open":
        raise StripeError(ONLY_OPEN_CAN_EXPIRE)
    return session_expire(ctx, session)


def session_expire(ctx: Ctx, session: dict) -> dict:
    """Expire an open session: its payment intent (from a failed attempt) is canceled, as on Stripe."""
    session.update(status="expired", url=None)  # Stripe clears the URL once the session is over
    ctx.store.update("checkout.session", session)
    if session["payment_intent"]:
        intent = ctx.store.get("payment_intent", session["payment_intent"])
        if intent and intent["status"] not in ("succeeded", "canceled"):
            intent.update(status="canceled", canceled_at=ctx.now(), cancellation_reason="abandoned", next_action=None)
            ctx.store.update("payment_intent", intent)
            events.emit(ctx, "payment_intent.canceled", intent)
    events.emit(ctx, "checkout.session.expired", session)
    return session


def expire_due(ctx: Ctx) -> int:
    """Expire every open session whose `expires_at` has passed on the emulator clock.

    Runs before every API request: the index objects_open_expiry (storage.py) answers it without reading
    the sessions that are closed or not due, however many the emulator holds.
    """
    rows = ctx.store.execute(
        "SELECT id FROM objects WHERE json_extract(data, '$.status') = 'open'"
        " AND type = 'checkout.session' AND json_extract(data, '$.expires_at') <= ?",
        (ctx.now(),),
    ).fetchall()
    for row in rows:
        session_expire(ctx, ctx.store.get("checkout.session", row["id"]))
    return len(rows)


@virtual("checkout.session", "line_items")
def _expanded_line_items(ctx: Ctx, session: dict) -> dict:
    items = session_lines(ctx, session)
    url = f"/v1/checkout/sessions/{session['id']}/line_items"
    return list_object(items[:10], url, has_more=len(items) > 10)


def _discount_of(ctx: Ctx, session: dict) -> dict | None:
    """The session's Discount object (Stripe creates one per applied coupon or promotion code)."""
    if not session["discounts"]:
        return None
    applied = session["discounts"][0]
    return core.discount(
        discount_id=ctx.store.internal("checkout.session", session["id"])["discount_id"],
        coupon_id=applied["coupon"],
        promotion_code_id=applied["promotion_code"],
        start=session["created"],
        checkout_session=session["id"],
        customer_id=session["customer"],
    )


@virtual("checkout.session", "total_details.breakdown")
def _breakdown(ctx: Ctx, session: dict) -> dict:
    discount = _discount_of(ctx, session)
    amount = session["total_details"]["amount_discount"]
    return {"discounts": [{"amount": amount, "discount": discount}] if discount else [], "taxes": []}


@virtual("item", "discounts")
def _line_discounts(ctx: Ctx, item: dict) -> list[dict]:
    session = ctx.store.get("checkout.session", ctx.store.parent_of("item", item["id"]) or "")
    discount = _discount_of(ctx, session) if session else None
    return [{"amount": item["amount_discount"], "discount": discount}] if discount and item["amount_discount"] else []


@virtual("item", "taxes")
def _line_taxes(ctx: Ctx, item: dict) -> list[dict]:
    return []
