"""Stripe Products and Prices for what we sell (the policy of when to make them is commerce.stripe_mirror's)."""

from __future__ import annotations

from djstripe.models import Price, Product

from commerce.stripe_gateway.client import as_dict, call, client, mirror

NAME_LIMIT = 250


def product_create(*, name: str, metadata: dict[str, str], idempotency_key: str) -> str:
    """Create a Stripe Product and mirror it; returns its id."""
    data = as_dict(
        call(
            client().v1.products.create,
            params={"name": name[:NAME_LIMIT], "metadata": metadata},
            idempotency_key=idempotency_key,
        )
    )
    mirror(Product, data)
    return data["id"]


def product_update(*, product_id: str, name: str, active: bool = True) -> None:
    """Rename (or archive) a Stripe Product; updating to the same values is harmless."""
    data = as_dict(call(client().v1.products.update, product_id, params={"name": name[:NAME_LIMIT], "active": active}))
    mirror(Product, data)


def price_create(
    *, product_id: str, unit_amount: int, currency: str, metadata: dict[str, str], idempotency_key: str
) -> str:
    """Create a one-time Price of `unit_amount` minor units for the product; returns its id."""
    data = as_dict(
        call(
            client().v1.prices.create,
            params={"product": product_id, "unit_amount": unit_amount, "currency": currency, "metadata": metadata},
            idempotency_key=idempotency_key,
        )
    )
    mirror(Price, data)
    return data["id"]


def price_archive(*, price_id: str) -> None:
    """Archive a Price (Stripe prices are immutable: a new amount is a new Price). Idempotent."""
    data = as_dict(call(client().v1.prices.update, price_id, params={"active": False}))
    mirror(Price, data)
