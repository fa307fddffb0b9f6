"""Stripe Coupons and PromotionCodes (commerce.stripe_mirror decides which one an order uses)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from djstripe.models import Coupon, PromotionCode

from commerce.stripe_gateway.client import ProviderRequestRefused, as_dict, call, client, mirror

NAME_LIMIT = 40  # Stripe's limit on a coupon's name


@dataclass(frozen=True)
class StripeCouponTerms:
    """What a Stripe Coupon takes off: a percentage, or an amount in one currency."""

    percent_off: Decimal | None = None
    amount_off: int | None = None
    currency: str | None = None

    @classmethod
    def from_stripe(cls, data: dict) -> StripeCouponTerms:
        percent = data.get("percent_off")
        return cls(
            percent_off=Decimal(str(percent)).normalize() if percent is not None else None,
            amount_off=data.get("amount_off"),
            currency=(data.get("currency") or None) if data.get("amount_off") is not None else None,
        )

    def params(self) -> dict:
        if self.percent_off is not None:
            return {"percent_off": str(self.percent_off)}
        return {"amount_off": self.amount_off, "currency": self.currency}


def coupon_create(
    *,
    terms: StripeCouponTerms,
    name: str,
    metadata: dict[str, str],
    idempotency_key: str,
    coupon_id: str = "",
    max_redemptions: int | None = None,
) -> str:
    """Create a one-time (`duration=once`) Stripe Coupon and mirror it; returns its id.

    With `coupon_id`, an existing Coupon of that id is adopted when its terms are the same
    (a retry, or a database restored behind Stripe's back); other terms raise ProviderRequestRefused.
    """
    params = {**terms.params(), "duration": "once", "name": name[:NAME_LIMIT], "metadata": metadata}
    if coupon_id:
        params["id"] = coupon_id
    if max_redemptions is not None:
        params["max_redemptions"] = max_redemptions
    try:
        data = as_dict(call(client().v1.coupons.create, params=params, idempotency_key=idempotency_key))
    except ProviderRequestRefused as exc:
        if not (coupon_id and exc.code == "resource_already_exists"):
            raise
        data = coupon_retrieve(coupon_id=coupon_id)
        if StripeCouponTerms.from_stripe(data) != terms:
            raise
    mirror(Coupon, data)
    return data["id"]


def coupon_retrieve(*, coupon_id: str) -> dict:
    return as_dict(call(client().v1.coupons.retrieve, coupon_id))


def promotion_code_create(
    *, coupon_id: str, code: str, active: bool, metadata: dict[str, str], idempotency_key: str
) -> str:
    """Create the customer-facing code for a Stripe Coupon and mirror it; returns its id.

    An active PromotionCode with the same code for the same Coupon is adopted; one for another
    Coupon is deactivated first, since Stripe allows one active code per text.
    """
    for other in promotion_codes_with_code(code=code):
        if _coupon_of(other) == coupon_id:
            if not active:
                promotion_code_set_active(promotion_code_id=other["id"], active=False)
            else:
                mirror(PromotionCode, other)
            return other["id"]
        promotion_code_set_active(promotion_code_id=other["id"], active=False)
    params = {
        "promotion": {"type": "coupon", "coupon": coupon_id},
        "code": code,
        "active": active,
        "metadata": metadata,
    }
    data = as_dict(call(client().v1.promotion_codes.create, params=params, idempotency_key=idempotency_key))
    mirror(PromotionCode, data)
    return data["id"]


def _coupon_of(promotion_code: dict) -> str:
    coupon = (promotion_code.get("promotion") or {}).get("coupon")
    return coupon.get("id", "") if isinstance(coupon, dict) else coupon or ""


def promotion_codes_with_code(*, code: str) -> list[dict]:
    """The active PromotionCodes whose text is `code`."""
    listing = call(client().v1.promotion_codes.list, params={"code": code, "active": True, "limit": 10})
    return [as_dict(item) for item in listing.data]


def promotion_code_set_active(*, promotion_code_id: str, active: bool) -> None:
    data = as_dict(call(client().v1.promotion_codes.update, promotion_code_id, params={"active": active}))
    mirror(PromotionCode, data)
