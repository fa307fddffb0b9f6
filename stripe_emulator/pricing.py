"""What a Checkout Session costs: line subtotals, one coupon or promotion code, discount split per line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_emulator import errors
from stripe_emulator.api import render
from stripe_emulator.errors import StripeError
from stripe_emulator.money import allocate, format_amount, percent_of

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

COUPON_NOT_VALID = "This coupon is no longer valid: `{coupon}`."
COUPON_CURRENCY = "The coupon `{coupon}` is in {coupon_currency} but the line items are in {currency}."
COUPON_NOT_APPLICABLE = "The coupon `{coupon}` does not apply to any of the line items."
PROMO_INVALID = "This code is invalid."
PROMO_EXPIRED = "This code has expired."
PROMO_USED_UP = "This code has reached its redemption limit."
PROMO_MINIMUM = "This code requires a minimum order of {amount}."
PROMO_FIRST_TIME = "This code is only valid for first-time customers."


def coupon_check(ctx: Ctx, coupon: dict, lines: list[dict], currency: str, *, param: str) -> None:
    coupon = render(ctx, coupon)
    if not coupon["valid"]:
        raise StripeError(COUPON_NOT_VALID.format(coupon=coupon["id"]), param=param, code="coupon_expired")
    if coupon["amount_off"] is not None and coupon["currency"] != currency:
        raise StripeError(
            COUPON_CURRENCY.format(coupon=coupon["id"], coupon_currency=coupon["currency"], currency=currency),
            param=param,
        )
    if not any(weight for weight in eligible_weights(ctx, coupon, lines)):
        raise StripeError(COUPON_NOT_APPLICABLE.format(coupon=coupon["id"]), param=param)


def promotion_code_check(
    ctx: Ctx, promo: dict, *, subtotal: int, currency: str, customer_id: str | None, param: str
) -> None:
    """Why a promotion code cannot be used for this purchase (its message is what the hosted page shows)."""
    if not promo["active"] or (promo["customer"] and promo["customer"] != customer_id):
        raise StripeError(PROMO_INVALID, param=param, code="promotion_code_invalid")
    if promo["expires_at"] is not None and ctx.now() > promo["expires_at"]:
        raise StripeError(PROMO_EXPIRED, param=param, code="promotion_code_expired")
    if promo["max_redemptions"] is not None and promo["times_redeemed"] >= promo["max_redemptions"]:
        raise StripeError(PROMO_USED_UP, param=param, code="promotion_code_invalid")
    restrictions = promo["restrictions"]
    minimum = restrictions["minimum_amount"]
    if minimum is not None and (restrictions["minimum_amount_currency"] != currency or subtotal < minimum):
        message = PROMO_MINIMUM.format(amount=format_amount(minimum, restrictions["minimum_amount_currency"]))
        raise StripeError(message, param=param, code="promotion_code_invalid")
    if restrictions["first_time_transaction"] and customer_id and _has_paid_before(ctx, customer_id):
        raise StripeError(PROMO_FIRST_TIME, param=param, code="promotion_code_invalid")


def _has_paid_before(ctx: Ctx, customer_id: str) -> bool:
    return any(c["customer"] == customer_id and c["status"] == "succeeded" for c in ctx.store.all("charge"))


def eligible_weights(ctx: Ctx, coupon: dict, lines: list[dict]) -> list[int]:
    """Each line's subtotal if the coupon applies to it (`applies_to[products]`), else 0."""
    products = ctx.store.internal("coupon", coupon["id"]).get("applies_to_products")
    return [
        line["unit_amount"] * line["quantity"] if products is None or line["product"] in products else 0
        for line in lines
    ]


def line_discounts(ctx: Ctx, coupon: dict | None, lines: list[dict]) -> list[int]:
    """The discount on each line: percent-off rounds on the eligible subtotal, amount-off caps at it."""
    if coupon is None:
        return [0] * len(lines)
    weights = eligible_weights(ctx, coupon, lines)
    eligible = sum(weights)
    if coupon["percent_off"] is not None:
        total = percent_of(eligible, coupon["percent_off"])
    else:
        total = min(coupon["amount_off"], eligible)
    return allocate(total, weights)


def resolve_discount(
    ctx: Ctx, discount: dict, lines: list[dict], currency: str, *, customer_id: str | None, param: str
):
    """(coupon, promotion code or None) for one `discounts[]` entry, checked against the purchase."""
    from stripe_emulator.api import load_related

    subtotal = sum(line["unit_amount"] * line["quantity"] for line in lines)
    if discount.get("coupon") and discount.get("promotion_code"):
        raise errors.only_one_of(f"{param}[coupon]", f"{param}[promotion_code]")
    if discount.get("promotion_code"):
        promo = load_related(ctx, "promotion_code", discount["promotion_code"], param=f"{param}[promotion_code]")
        promotion_code_check(
            ctx, promo, subtotal=subtotal, currency=currency, customer_id=customer_id, param=f"{param}[promotion_code]"
        )
        coupon = load_related(ctx, "coupon", promo["promotion"]["coupon"], param=f"{param}[promotion_code]")
        coupon_check(ctx, coupon, lines, currency, param=f"{param}[promotion_code]")
        return coupon, promo
    if discount.get("coupon"):
        coupon = load_related(ctx, "coupon", discount["coupon"], param=f"{param}[coupon]")
        coupon_check(ctx, coupon, lines, currency, param=f"{param}[coupon]")
        return coupon, None
    raise errors.missing(f"{param}[coupon]")


def find_promotion_code(ctx: Ctx, code: str) -> dict:
    """The active promotion code a customer typed (case-insensitive, as on Stripe's page)."""
    for promo in ctx.store.all("promotion_code"):
        if promo["active"] and promo["code"].lower() == code.strip().lower():
            return promo
    raise StripeError(PROMO_INVALID, param="promotion_code", code="promotion_code_invalid")
