"""The demo's coupon codes: one percent, one fixed amount and one expired, as README's demo section lists them.

Seeded by commerce's demo seed (`commerce.demo.seed`), found by its code (the natural key; stored in upper
case as the model saves it) and written only when missing or different, so a second run changes nothing.
The expired code's dates are fixed calendar dates, not "now minus a month", for the same reason: a date
that moved with every run would rewrite the row each time.

Rows only, no Stripe call: checkout mirrors a coupon in Stripe when an order first uses it
(commerce.stripe_mirror), as it does for a code staff create in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from commerce.models import Coupon
from innerwork.core.demo_seeding import DemoSeed


@dataclass(frozen=True)
class CouponSpec:
    code: str
    description: str
    note: str  # what it does, in the command's report (README's demo section says the same)
    percent_off: int | None = None  # a percent coupon, or
    amount_off: int | None = None  # a fixed one: USD cents off the order
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    @property
    def discount_type(self) -> str:
        return Coupon.DiscountType.PERCENT if self.percent_off is not None else Coupon.DiscountType.FIXED


# 10:00 UTC: the same calendar day from Honolulu (UTC-10) to Auckland (UTC+12), so the expiry date reads
# alike in every demo account's time zone (the refusal names it in the viewer's).
SUMMER_STARTS = datetime(2026, 6, 1, 10, tzinfo=UTC)
SUMMER_ENDS = datetime(2026, 8, 31, 10, tzinfo=UTC)

DEMO_COUPONS = (
    CouponSpec("WELCOME20", "Welcome offer: 20 % off the whole cart", "20 % off", percent_off=20),
    CouponSpec("TENOFF", "$10 off any order", "$10 off", amount_off=1000),
    CouponSpec(
        "SUMMER25",
        "Summer campaign 2026: 25 % off (ended)",
        "expired on 31 August 2026, refused",
        percent_off=25,
        valid_from=SUMMER_STARTS,
        valid_until=SUMMER_ENDS,
    ),
)


def coupons_seed(*, demo: DemoSeed) -> None:
    """Make every demo coupon say what its spec says; idempotent, counted in `demo.counts`."""
    for spec in DEMO_COUPONS:
        demo.sync(
            Coupon,
            {"code": spec.code},
            {
                "description": spec.description,
                "discount_type": spec.discount_type,
                "percent_off": spec.percent_off,
                "amount_off": spec.amount_off,
                "currency": "usd",
                "is_active": True,
                "valid_from": spec.valid_from,
                "valid_until": spec.valid_until,
            },
        )
    demo.notes.append("coupons: " + ", ".join(f"{spec.code} ({spec.note})" for spec in DEMO_COUPONS))
