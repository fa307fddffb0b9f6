"""Events: what happened, with a snapshot of the object and, on updates, the previous values."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from stripe_emulator import webhooks
from stripe_emulator.ids import new_id
from stripe_emulator.objects import core

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx


def emit(ctx: Ctx, type_: str, obj: dict, *, previous: dict | None = None) -> dict:
    """Record an event (inside the caller's transaction) and queue its delivery to every listening endpoint.

    `previous` is the object before the change; its differing values become `data.previous_attributes`.
    """
    event = core.event(
        event_id=new_id("evt"),
        created=ctx.now(),
        type_=type_,
        data_object=copy.deepcopy(obj),
        previous_attributes=previous_attributes(previous, obj) if previous is not None else None,
        request_id=ctx.request_id,
        idempotency_key=ctx.idempotency_key,
        pending_webhooks=0,
    )
    event["pending_webhooks"] = webhooks.enqueue(ctx, event)
    ctx.store.insert("event", event)
    return event


def previous_attributes(old: dict, new: dict) -> dict[str, Any]:
    """Stripe's `previous_attributes`: the old value of every changed field; for hashes, of every changed key."""
    changed: dict[str, Any] = {}
    for key, new_value in new.items():
        old_value = old.get(key)
        if old_value == new_value:
            continue
        if isinstance(old_value, dict) and isinstance(new_value, dict):
            keys = set(old_value) | set(new_value)
            changed[key] = {k: old_value.get(k) for k in sorted(keys) if old_value.get(k) != new_value.get(k)}
        else:
            changed[key] = old_value
    return changed
