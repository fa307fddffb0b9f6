"""What a partner can check out: the item types of `POST /api/v1/checkout-sessions/`, registered by product apps.

The body names its item as `{"type": "booking", "booking": "BKG-…"}`, `{"type": "courses", "customer":
"cus_…", "courses": ["slug", …]}`, and so on. commerce knows none of these types: each product app puts
a module `api_checkout.py` next to its `api.py` that registers a `CheckoutItemType`, found here by
Django's autodiscovery the first time the types are asked for. A new type (coaching's `contract`)
is one new file in its own app; commerce is not edited.

A type validates its own fields (its `InputSerializer`, which also documents them in the schema) and
resolves them, for the calling partner, to the buyer and the (product kind, ref) pairs to sell, which
commerce then prices through `commerce.registry` as everywhere else. Anything not the partner's is
NotFound (the API's 404), as with every other object.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules
from rest_framework import serializers

DISCOVERED_MODULE = "api_checkout"


@dataclass(frozen=True)
class CheckoutItems:
    """The resolved item: who pays, and what (product kind, ref) they buy, in the order given."""

    user: object
    items: list[tuple[str, str]]


class CheckoutItemType:
    """One thing a partner can check out. Set `type`, `summary` and `InputSerializer`; implement `resolve`."""

    type: str = ""
    summary: str = ""
    InputSerializer: type[serializers.Serializer] = serializers.Serializer

    def resolve(self, *, partner, data: dict) -> CheckoutItems:
        """The buyer and items of `data` (the InputSerializer's validated data) for `partner`.

        Raises rest_framework.exceptions.NotFound for anything that is not the partner's, or
        ValidationError naming the field.
        """
        raise NotImplementedError(f"{type(self).__name__} must resolve its items")


_types: dict[str, CheckoutItemType] = {}
_discovered = False


def checkout_item_type_register(item_type: CheckoutItemType) -> CheckoutItemType:
    if not item_type.type:
        raise ValueError(f"{type(item_type).__name__} has no type")
    existing = _types.get(item_type.type)
    if existing is not None and type(existing) is not type(item_type):
        raise ValueError(f"checkout item type {item_type.type!r} is already registered by {type(existing).__name__}")
    _types[item_type.type] = item_type
    return item_type


def checkout_item_types() -> dict[str, CheckoutItemType]:
    """Every registered type, by name (each app's `api_checkout` module imported once, on first use)."""
    global _discovered
    if not _discovered:
        autodiscover_modules(DISCOVERED_MODULE)
        _discovered = True
    return dict(sorted(_types.items()))
