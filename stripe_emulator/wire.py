"""What leaves the emulator: objects as Stripe sends them, without the keys Stripe leaves out.

The builders (stripe_emulator.objects) give every object every field, null where unset, so the code can
read `obj["x"]` without caring. Stripe does not send null for everything: a field that is conditional
(`deleted` only on deleted objects, another payment method type's hash, `failure_reason` on a refund that
has not failed, fields only filled when expanded) is absent until it has a value. Each API answer, control
answer and webhook payload goes through `on_the_wire`, which drops those keys while they are null; the
lists below are the keys Stripe's own examples (fixtures3.json, generated from its API specification)
leave out. `tests/test_shapes.py` checks that every null key we still send is one Stripe sends.
"""

from __future__ import annotations

from typing import Any

from stripe_emulator.objects.payments import PAYMENT_METHOD_TYPES

_CARD_EXTRAS = {"capture_before", "description", "iin", "issuer", "moto"}

# object type -> keys (dotted for nested hashes of that object) dropped while their value is null.
ABSENT_WHEN_NULL: dict[str, set[str]] = {
    "account": {"company", "deleted", "groups", "individual"},
    "charge": {
        "authorization_code",
        "level3",
        "presentment_details",
        "radar_options",
        "transfer",
        *(f"payment_method_details.card.{key}" for key in _CARD_EXTRAS),
    },
    "checkout.session": {
        "branding_settings",
        "excluded_payment_method_types",
        "line_items",
        "name_collection",
        "optional_items",
        "presentment_details",
        "redirect_on_completion",
        "return_url",
    },
    "coupon": {"applies_to", "currency_options", "deleted"},
    "customer": {
        "business_name",
        "cash_balance",
        "customer_account",
        "deleted",
        "individual_name",
        "invoice_credit_balance",
        "sources",
        "subscriptions",
        "tax",
        "tax_ids",
    },
    "discount": {"deleted"},
    "dispute": {"network_reason_code"},
    "event": {"account", "context"},
    "item": {"discounts", "taxes"},
    "payment_intent": {
        "allowed_payment_method_types",
        "hooks",
        "payment_details",
        "presentment_details",
        *(f"last_payment_error.{key}" for key in ("advice_code", "network_advice_code", "network_decline_code")),
        "last_payment_error.param",
    },
    "payment_method": {
        *(name for name in PAYMENT_METHOD_TYPES if name != "card"),
        "radar_options",
        *(f"card.{key}" for key in ("description", "iin", "issuer")),
    },
    "price": {"currency_options", "deleted", "tiers"},
    "product": {"deleted"},
    "refund": {
        "description",
        "failure_balance_transaction",
        "failure_reason",
        "instructions_email",
        "next_action",
        "pending_reason",
        "presentment_details",
        "destination_details.card.reference",
    },
    "webhook_endpoint": {"deleted", "secret"},
}


def _drop(node: dict, dotted: str) -> None:
    head, _, rest = dotted.partition(".")
    if rest:
        child = node.get(head)
        if isinstance(child, dict):
            _drop(child, rest)
    elif head in node and node[head] is None:
        del node[head]


def on_the_wire(value: Any) -> Any:
    """A copy of `value` with every object's null, conditional keys removed (objects nested anywhere)."""
    if isinstance(value, list):
        return [on_the_wire(item) for item in value]
    if not isinstance(value, dict):
        return value
    copied = {key: on_the_wire(item) for key, item in value.items()}
    kind = copied.get("object")  # an event's `data` has an `object` too: the object itself
    for dotted in ABSENT_WHEN_NULL.get(kind, ()) if isinstance(kind, str) else ():
        _drop(copied, dotted)
    return copied
