"""Money is an integer amount in the currency's minor unit plus an ISO 4217 code.

Conversion to and from display strings happens only here.
"""

from collections.abc import Sequence
from decimal import Decimal

# Currencies whose minor unit is not 1/100 (Stripe's list of zero-decimal currencies).
_ZERO_DECIMAL = {
    "bif",
    "clp",
    "djf",
    "gnf",
    "jpy",
    "kmf",
    "krw",
    "mga",
    "pyg",
    "rwf",
    "ugx",
    "vnd",
    "vuv",
    "xaf",
    "xof",
    "xpf",
}
_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "CA$", "aud": "A$", "chf": "CHF "}


def minor_unit_exponent(currency: str) -> int:
    return 0 if currency.lower() in _ZERO_DECIMAL else 2


def to_decimal(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-minor_unit_exponent(currency))


def from_decimal(amount: Decimal | str, currency: str) -> int:
    """Parse a major-unit amount ("49.90") into minor units, refusing fractions of a cent."""
    value = Decimal(str(amount)).scaleb(minor_unit_exponent(currency))
    if value != value.to_integral_value():
        raise ValueError(f"{amount} has more precision than {currency.upper()} allows")
    return int(value)


def format_money(amount_minor: int | None, currency: str) -> str:
    if amount_minor is None:
        return ""
    exponent = minor_unit_exponent(currency)
    value = to_decimal(abs(amount_minor), currency)
    number = f"{value:,.{exponent}f}"
    symbol = _SYMBOLS.get(currency.lower())
    sign = "-" if amount_minor < 0 else ""
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {currency.upper()}"


def percent_of(amount_minor: int, percent: Decimal | int) -> int:
    """`percent` % of an amount, rounded half up to the minor unit."""
    from decimal import ROUND_HALF_UP

    return int((Decimal(amount_minor) * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate_proportionally(*, total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` across `weights` in proportion, as integers that sum exactly to `total`.

    Largest remainder: every share is first rounded down, then the units left over go,
    one each, to the shares with the largest fractional parts (ties to the earlier line).
    With total <= sum(weights) no share exceeds its weight, because a share only
    gains a unit when its exact value was not already an integer. Used for a coupon's
    discount over an order's lines and for pro-rata refunds.
    """
    weight_sum = sum(weights)
    if total < 0 or any(weight < 0 for weight in weights):
        raise ValueError("amounts to allocate must not be negative")
    if total > weight_sum:
        raise ValueError(f"cannot allocate {total} over weights summing to {weight_sum}")
    if total == 0:
        return [0 for _ in weights]
    shares = [total * weight // weight_sum for weight in weights]
    remainders = [total * weight % weight_sum for weight in weights]
    left_over = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in by_remainder[:left_over]:
        shares[index] += 1
    return shares
