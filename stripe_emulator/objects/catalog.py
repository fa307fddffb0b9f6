"""Product, price, coupon and promotion code."""

from __future__ import annotations

from decimal import Decimal


def product(
    *,
    product_id: str,
    created: int,
    name: str,
    active: bool = True,
    description: str | None = None,
    images: list[str] | None = None,
    metadata: dict | None = None,
    marketing_features: list[dict] | None = None,
    package_dimensions: dict | None = None,
    shippable: bool | None = None,
    statement_descriptor: str | None = None,
    tax_code: str | None = None,
    type_: str = "service",
    unit_label: str | None = None,
    url: str | None = None,
) -> dict:
    return {
        "id": product_id,
        "object": "product",
        "active": active,
        "created": created,
        "default_price": None,
        "deleted": None,
        "description": description,
        "images": images or [],
        "livemode": False,
        "marketing_features": marketing_features or [],
        "metadata": metadata or {},
        "name": name,
        "package_dimensions": package_dimensions,
        "shippable": shippable,
        "statement_descriptor": statement_descriptor,
        "tax_code": tax_code,
        "type": type_,
        "unit_label": unit_label,
        "updated": created,
        "url": url,
    }


def decimal_string(value: Decimal | int) -> str:
    """Stripe's decimal fields are strings without exponent or trailing zeros: "2000", "12.5"."""
    text = format(Decimal(value).normalize(), "f")
    return text


def price(
    *,
    price_id: str,
    created: int,
    product_id: str,
    currency: str,
    unit_amount: int | None,
    unit_amount_decimal: Decimal | None = None,
    active: bool = True,
    lookup_key: str | None = None,
    metadata: dict | None = None,
    nickname: str | None = None,
    recurring: dict | None = None,
    tax_behavior: str | None = "unspecified",
) -> dict:
    decimal_value = unit_amount_decimal if unit_amount_decimal is not None else unit_amount
    return {
        "id": price_id,
        "object": "price",
        "active": active,
        "billing_scheme": "per_unit",
        "created": created,
        "currency": currency,
        "currency_options": None,
        "custom_unit_amount": None,
        "deleted": None,
        "livemode": False,
        "lookup_key": lookup_key,
        "metadata": metadata or {},
        "nickname": nickname,
        "product": product_id,
        "recurring": recurring,
        "tax_behavior": tax_behavior,
        "tiers": None,
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "recurring" if recurring else "one_time",
        "unit_amount": unit_amount,
        "unit_amount_decimal": decimal_string(decimal_value) if decimal_value is not None else None,
    }


def coupon(
    *,
    coupon_id: str,
    created: int,
    duration: str,
    amount_off: int | None = None,
    currency: str | None = None,
    percent_off: float | None = None,
    duration_in_months: int | None = None,
    max_redemptions: int | None = None,
    metadata: dict | None = None,
    name: str | None = None,
    redeem_by: int | None = None,
) -> dict:
    return {
        "id": coupon_id,
        "object": "coupon",
        "amount_off": amount_off,
        "applies_to": None,  # only filled when expanded, as on Stripe
        "created": created,
        "currency": currency,
        "currency_options": None,
        "deleted": None,
        "duration": duration,
        "duration_in_months": duration_in_months,
        "livemode": False,
        "max_redemptions": max_redemptions,
        "metadata": metadata or {},
        "name": name,
        "percent_off": percent_off,
        "redeem_by": redeem_by,
        "times_redeemed": 0,
        "valid": True,
    }


def promotion_code(
    *,
    promotion_code_id: str,
    created: int,
    code: str,
    coupon_id: str,
    active: bool = True,
    customer_id: str | None = None,
    expires_at: int | None = None,
    max_redemptions: int | None = None,
    metadata: dict | None = None,
    first_time_transaction: bool = False,
    minimum_amount: int | None = None,
    minimum_amount_currency: str | None = None,
) -> dict:
    return {
        "id": promotion_code_id,
        "object": "promotion_code",
        "active": active,
        "code": code,
        "created": created,
        "customer": customer_id,
        "customer_account": None,
        "expires_at": expires_at,
        "livemode": False,
        "max_redemptions": max_redemptions,
        "metadata": metadata or {},
        "promotion": {"coupon": coupon_id, "type": "coupon"},
        "restrictions": {
            "currency_options": {},
            "first_time_transaction": first_time_transaction,
            "minimum_amount": minimum_amount,
            "minimum_amount_currency": minimum_amount_currency,
        },
        "times_redeemed": 0,
    }
