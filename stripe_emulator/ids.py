"""Object ids that look like Stripe's: a type prefix and random base-62 characters."""

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
_UPPER = string.ascii_uppercase + string.digits

# prefix -> number of random characters after it (Stripe's own lengths).
_LENGTHS = {
    "acct": 16,
    "cus": 14,
    "prod": 14,
    "cs_test": 58,
    "whsec": 32,
}


def random_chars(length: int, alphabet: str = _ALPHABET) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_id(prefix: str) -> str:
    """A fresh id such as `pi_3Q0x...`; ids of objects created in test mode start with `1` like Stripe's."""
    length = _LENGTHS.get(prefix, 24)
    if prefix in ("cs_test", "whsec"):
        return f"{prefix}_{random_chars(length)}"
    return f"{prefix}_1{random_chars(length - 1)}"


def coupon_id() -> str:
    return random_chars(8, _UPPER)


def promotion_code() -> str:
    return random_chars(8, _UPPER)


def request_id() -> str:
    return "req_" + random_chars(14)


def fingerprint(card_number: str) -> str:
    """A stable per-card fingerprint (the same number always gives the same value, as on Stripe)."""
    import hashlib

    digest = hashlib.sha256(("stripe-emulator:" + card_number).encode()).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:16])
