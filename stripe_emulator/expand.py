"""`expand[]`: replace an id by its object, following dotted paths such as `payment_intent.latest_charge`.

Each object type lists the fields Stripe lets you expand; asking for anything else is an error, as on
Stripe. Some fields are only filled when expanded (`line_items` of a session, `refunds` of a charge,
`total_details.breakdown`): those are computed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from stripe_emulator import errors
from stripe_emulator.errors import StripeError

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

MAX_DEPTH = 4
_BY_PREFIX = "by_prefix"
_PREFIX_TYPES = {"ch_": "charge", "re_": "refund", "pi_": "payment_intent", "cus_": "customer", "dp_": "dispute"}

Virtual = Callable[["Ctx", dict], Any]
_VIRTUAL: dict[tuple[str, str], Virtual] = {}


def virtual(object_name: str, field: str):
    """Register a field computed on expansion (the API modules register theirs at import)."""

    def decorator(function: Virtual) -> Virtual:
        _VIRTUAL[(object_name, field)] = function
        return function

    return decorator


# object -> field path -> object type the id refers to (None: a type the emulator never creates).
EXPANDABLE: dict[str, dict[str, str | None]] = {
    "checkout.session": {
        "customer": "customer",
        "payment_intent": "payment_intent",
        "invoice": None,
        "payment_link": None,
        "setup_intent": None,
        "subscription": None,
        "discounts.coupon": "coupon",
        "discounts.promotion_code": "promotion_code",
        "shipping_cost.shipping_rate": None,
    },
    "payment_intent": {
        "customer": "customer",
        "latest_charge": "charge",
        "payment_method": "payment_method",
        "application": None,
        "on_behalf_of": None,
        "review": None,
        "source": None,
        "transfer_data.destination": None,
    },
    "charge": {
        "customer": "customer",
        "payment_intent": "payment_intent",
        "balance_transaction": "balance_transaction",
        "failure_balance_transaction": "balance_transaction",
        "application": None,
        "application_fee": None,
        "on_behalf_of": None,
        "review": None,
        "source_transfer": None,
        "transfer": None,
        "transfer_data.destination": None,
    },
    "refund": {
        "charge": "charge",
        "payment_intent": "payment_intent",
        "balance_transaction": "balance_transaction",
        "failure_balance_transaction": "balance_transaction",
        "customer": "customer",
        "payment_method": "payment_method",
        "source_transfer_reversal": None,
        "transfer_reversal": None,
    },
    "dispute": {"charge": "charge", "payment_intent": "payment_intent"},
    "payment_method": {"customer": "customer"},
    "balance_transaction": {"source": _BY_PREFIX},
    "customer": {
        "default_source": None,
        "test_clock": None,
        "invoice_settings.default_payment_method": "payment_method",
    },
    "product": {"default_price": "price", "tax_code": None},
    "price": {"product": "product"},
    "promotion_code": {"customer": "customer", "promotion.coupon": "coupon"},
    "discount": {"customer": "customer", "promotion_code": "promotion_code", "source.coupon": "coupon"},
    "item": {},
}


def not_expandable(path: str) -> StripeError:
    return StripeError(errors.NOT_EXPANDABLE.format(path=path), param="expand")


def fetch(ctx: Ctx, type_: str, object_id: str) -> dict | str:
    from stripe_emulator.api import render

    if type_ == _BY_PREFIX:
        type_ = next((t for prefix, t in _PREFIX_TYPES.items() if object_id.startswith(prefix)), "")
    found = ctx.store.get(type_, object_id) if type_ else None
    return render(ctx, found) if found is not None else object_id


def expand(ctx: Ctx, obj: dict, paths: list[str]) -> dict:
    for path in paths:
        segments = path.split(".")
        if len(segments) > MAX_DEPTH:
            raise StripeError(
                f"You cannot expand more than {MAX_DEPTH} levels of a property. Property: {path}", param="expand"
            )
        _walk(ctx, obj, segments, path, obj, "")
    return obj


def _walk(ctx: Ctx, node: Any, segments: list[str], full: str, owner: dict, rel: str) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(ctx, item, segments, full, owner, rel)
        return
    if not isinstance(node, dict) or not segments:
        return
    if node.get("object") in ("list", "search_result"):
        if segments[0] != "data" or len(segments) == 1:
            raise not_expandable(full)
        for item in node["data"]:
            _walk(ctx, item, segments[1:], full, item, "")
        return
    head, rest = segments[0], segments[1:]
    key = f"{rel}.{head}" if rel else head
    object_name = owner.get("object", "")
    computed = _VIRTUAL.get((object_name, key))
    registry = EXPANDABLE.get(object_name, {})
    if computed is None and key not in registry:
        child = node.get(head)
        if rest and isinstance(child, (dict, list)):
            is_object = isinstance(child, dict) and "object" in child
            _walk(ctx, child, rest, full, child if is_object else owner, "" if is_object else key)
            return
        raise not_expandable(full)
    if computed is not None:
        value = computed(ctx, owner)
    else:
        value = node.get(head)
        target = registry[key]
        if isinstance(value, str) and target is not None:
            value = fetch(ctx, target, value)
    node[head] = value
    if rest and isinstance(value, (dict, list)):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                is_object = "object" in item
                _walk(ctx, item, rest, full, item if is_object else owner, "" if is_object else key)
