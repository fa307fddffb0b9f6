"""Amounts in minor units, shown the way Stripe's pages show them."""

from decimal import ROUND_HALF_UP, Decimal

ZERO_DECIMAL = set(
    ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]
)
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "CA$", "aud": "A$", "chf": "CHF ", "inr": "₹"}


def format_amount(amount: int, currency: str) -> str:
    exponent = 0 if currency.lower() in ZERO_DECIMAL else 2
    value = Decimal(abs(amount)).scaleb(-exponent)
    number = f"{value:,.{exponent}f}"
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(currency.lower())
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency.upper()}"


def percent_of(amount: int, percent: float | Decimal) -> int:
    """`percent` % of `amount`, rounded half up to the minor unit."""
    return int((Decimal(amount) * Decimal(str(percent)) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), so the shares sum exactly to `total`."""
    weight_sum = sum(weights)
    if weight_sum == 0 or total == 0:
        return [0] * len(weights)
    exact = [Decimal(total) * weight / weight_sum for weight in weights]
    shares = [int(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda i: (exact[i] - shares[i], weights[i]), reverse=True)
    for index in order[: total - sum(shares)]:
        shares[index] += 1
    return shares
