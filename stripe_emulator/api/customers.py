"""Customers: create, retrieve, update, delete, list (by e-mail) and search."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from stripe_emulator import errors, events, listing
from stripe_emulator.api import live, load, router
from stripe_emulator.expand import virtual
from stripe_emulator.ids import new_id, random_chars
from stripe_emulator.objects import core, list_object
from stripe_emulator.params import (
    LIST_PARAMS,
    Arr,
    Enum,
    Metadata,
    Obj,
    Str,
    Timestamps,
    Unsupported,
    merge_metadata,
)

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

INVALID_EMAIL = "Invalid email address: {email}"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

ADDRESS = Obj({name: Str() for name in ("city", "country", "line1", "line2", "postal_code", "state")})
_WRITABLE = {
    "address": ADDRESS,
    "business_name": Str(),
    "description": Str(),
    "email": Str(max_length=512),
    "individual_name": Str(),
    "invoice_prefix": Str(max_length=12),
    "metadata": Metadata(),
    "name": Str(max_length=256),
    "phone": Str(max_length=20),
    "preferred_locales": Arr(Str()),
    "tax_exempt": Enum("exempt", "none", "reverse"),
}
_NOT_IMPLEMENTED = {
    name: Unsupported()
    for name in ("balance", "cash_balance", "invoice_settings", "next_invoice_sequence", "shipping", "source", "tax")
}
CREATE = {
    **_WRITABLE,
    **_NOT_IMPLEMENTED,
    "payment_method": Unsupported(),
    "tax_id_data": Unsupported(),
    "test_clock": Unsupported(),
    "validate": Unsupported(),
}
UPDATE = {**_WRITABLE, **_NOT_IMPLEMENTED, "default_source": Unsupported(), "validate": Unsupported()}
LIST = {**LIST_PARAMS, "created": Timestamps(), "email": Str(max_length=512), "test_clock": Unsupported()}
SEARCH = {"limit": LIST_PARAMS["limit"], "page": Str(), "query": Str(required=True)}
SEARCH_FIELDS = {"created", "email", "name", "phone"}


def _check_email(email: str | None) -> None:
    if email is not None and not _EMAIL.match(email):
        raise errors.invalid(INVALID_EMAIL.format(email=email), param="email", code="email_invalid")


def customer_create(ctx: Ctx, *, email: str | None, name: str | None, metadata: dict | None = None, **fields) -> dict:
    """Create a customer and emit `customer.created` (used by the API and by Checkout)."""
    customer = core.customer(
        customer_id=new_id("cus"),
        created=ctx.now(),
        email=email,
        name=name,
        metadata=metadata or {},
        invoice_prefix=fields.pop("invoice_prefix", None) or random_chars(8, "ABCDEF0123456789"),
        **fields,
    )
    ctx.store.insert("customer", customer)
    events.emit(ctx, "customer.created", customer)
    return customer


@router.post("/v1/customers", CREATE)
def create(ctx: Ctx) -> dict:
    params = ctx.params
    _check_email(params.get("email"))
    return customer_create(
        ctx,
        email=params.get("email"),
        name=params.get("name"),
        metadata=params.get("metadata"),
        phone=params.get("phone"),
        description=params.get("description"),
        address_values=params.get("address"),
        preferred_locales=params.get("preferred_locales"),
        invoice_prefix=params.get("invoice_prefix"),
    )


@router.get("/v1/customers/{customer_id}")
def retrieve(ctx: Ctx, customer_id: str) -> dict:
    found = ctx.store.get("customer", customer_id)
    if found is None:
        raise errors.no_such("customer", customer_id)
    return found  # a deleted customer is still retrievable, as `{"id", "object", "deleted": true}`


@router.post("/v1/customers/{customer_id}", UPDATE)
def update(ctx: Ctx, customer_id: str) -> dict:
    customer = load(ctx, "customer", customer_id)
    before = dict(customer)
    params = ctx.params
    _check_email(params.get("email"))
    for name in ("business_name", "description", "email", "individual_name", "name", "phone", "tax_exempt"):
        if name in params:
            customer[name] = params[name]
    if params.get("invoice_prefix"):
        customer["invoice_prefix"] = params["invoice_prefix"]
    if "preferred_locales" in params:
        customer["preferred_locales"] = params["preferred_locales"] or []
    if "address" in params:
        customer["address"] = core.address(params["address"]) if params["address"] is not None else None
    if "metadata" in params:
        customer["metadata"] = merge_metadata(customer["metadata"], params["metadata"])
    if customer != before:
        ctx.store.update("customer", customer)
        events.emit(ctx, "customer.updated", customer, previous=before)
    return customer


@router.delete("/v1/customers/{customer_id}")
def delete(ctx: Ctx, customer_id: str) -> dict:
    customer = load(ctx, "customer", customer_id)
    stub = core.deleted("customer", customer_id)
    ctx.store.update("customer", stub)
    events.emit(ctx, "customer.deleted", customer)
    return stub


@router.get("/v1/customers", LIST)
def list_(ctx: Ctx) -> dict:
    items = live(ctx.store.all("customer", created=ctx.params.get("created")))
    email = ctx.params.get("email")
    if email is not None:  # Stripe's e-mail filter is case-sensitive
        items = [item for item in items if item["email"] == email]
    return listing.paginate(ctx, items, url="/v1/customers", noun="customer")


@router.get("/v1/customers/search", SEARCH)
def search(ctx: Ctx) -> dict:
    items = live(ctx.store.all("customer"))
    return listing.search(ctx, items, url="/v1/customers/search", fields=SEARCH_FIELDS)


def _empty_list(suffix: str):
    def compute(ctx: Ctx, customer: dict) -> dict:
        return list_object([], f"/v1/customers/{customer['id']}/{suffix}")

    return compute


virtual("customer", "sources")(_empty_list("sources"))
virtual("customer", "subscriptions")(_empty_list("subscriptions"))
virtual("customer", "tax_ids")(_empty_list("tax_ids"))
