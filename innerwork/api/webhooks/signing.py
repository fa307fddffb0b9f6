"""Signing secrets and the `InnerWork-Signature` header, built like Stripe's so partners' habits carry over.

`InnerWork-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>`.
The timestamp is inside the signed text, so a captured delivery cannot be replayed later with a fresh
`t`: receivers refuse a `t` older than their tolerance (README: 5 minutes).
"""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "InnerWork-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def webhook_secret_generate() -> str:
    """A new endpoint secret: `whsec_` and 32 random URL-safe characters (192 bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(24)


def signature_compute(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """The value of the InnerWork-Signature header for `body` sent at `timestamp`."""
    return f"t={timestamp},v1={signature_compute(secret=secret, timestamp=timestamp, body=body)}"
