"""Builders for every object the emulator serves, each with every field stripe-python 15 declares.

Stored and read whole (null where unset); what is sent drops the keys Stripe leaves out while they are
null (`deleted`, other payment method types, fields filled only when expanded): see stripe_emulator.wire.

Values follow Stripe's own examples (`fixtures3.json`): realistic where the emulator knows them, null
where Stripe would send null for a test-mode card payment. Builders are pure: they take what the flow
decided and return the JSON-ready dict; storing and emitting events is the caller's job.
"""

API_VERSION = "2026-08-26.dahlia"


def empty_address() -> dict:
    return {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None, "state": None}


def address(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {**empty_address(), **{key: values.get(key) for key in empty_address() if key in values}}


def list_object(data: list, url: str, *, has_more: bool = False) -> dict:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}
