"""Events (retrieve, list with `type`/`types`/`created` filters) and webhook endpoints (CRUD)."""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

from stripe_emulator import errors, listing
from stripe_emulator.api import load, router
from stripe_emulator.api.checkout import _check_url
from stripe_emulator.errors import StripeError
from stripe_emulator.ids import new_id
from stripe_emulator.objects import core
from stripe_emulator.params import LIST_PARAMS, Arr, Bool, Metadata, Str, Timestamps, merge_metadata

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

INVALID_EVENT_TYPE = "Invalid enabled_events: {type} is not a valid event type."
CONNECT_UNSUPPORTED = "The Stripe emulator has no connected accounts; `connect` must be false."
ONE_TYPE_FILTER = "You may only specify one of these parameters: type, types."
_EVENT_TYPE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")

EVENT_LIST = {
    **LIST_PARAMS,
    "created": Timestamps(),
    "delivery_success": Bool(),
    "type": Str(),
    "types": Arr(Str(), max_items=20),
}
ENDPOINT_CREATE = {
    "api_version": Str(),
    "connect": Bool(),
    "description": Str(max_length=5000),
    "enabled_events": Arr(Str(), required=True),
    "metadata": Metadata(),
    "url": Str(required=True),
}
ENDPOINT_UPDATE = {
    "description": Str(max_length=5000),
    "disabled": Bool(),
    "enabled_events": Arr(Str()),
    "metadata": Metadata(),
    "url": Str(),
}


@router.get("/v1/events/{event_id}")
def event_retrieve(ctx: Ctx, event_id: str) -> dict:
    return load(ctx, "event", event_id)


@router.get("/v1/events", EVENT_LIST)
def event_list(ctx: Ctx) -> dict:
    params = ctx.params
    if params.get("type") and params.get("types"):
        raise StripeError(ONE_TYPE_FILTER, param="types")
    patterns = params.get("types") or ([params["type"]] if params.get("type") else None)
    items = ctx.store.all("event", created=params.get("created"))
    if patterns:
        items = [item for item in items if any(fnmatch.fnmatchcase(item["type"], p) for p in patterns)]
    if params.get("delivery_success") is not None:
        delivered = params["delivery_success"]
        items = [item for item in items if (item["pending_webhooks"] == 0) == delivered]
    return listing.paginate(ctx, items, url="/v1/events", noun="event")


def _check_events(enabled_events: list[str]) -> list[str]:
    for event_type in enabled_events:
        if event_type != "*" and not _EVENT_TYPE.match(event_type):
            raise StripeError(INVALID_EVENT_TYPE.format(type=event_type), param="enabled_events")
    return enabled_events


@router.post("/v1/webhook_endpoints", ENDPOINT_CREATE)
def endpoint_create(ctx: Ctx) -> dict:
    """Create an endpoint; only this response carries its signing `secret`, as on Stripe."""
    params = ctx.params
    _check_url(params["url"], "url")
    if params.get("connect"):
        raise StripeError(CONNECT_UNSUPPORTED, param="connect")
    secret = new_id("whsec")
    endpoint = core.webhook_endpoint(
        endpoint_id=new_id("we"),
        created=ctx.now(),
        url=params["url"],
        enabled_events=_check_events(params["enabled_events"]),
        api_version=params.get("api_version"),
        description=params.get("description"),
        metadata=params.get("metadata") or {},
        secret=None,
    )
    ctx.store.insert("webhook_endpoint", endpoint, internal={"secret": secret})
    return {**endpoint, "secret": secret}


@router.get("/v1/webhook_endpoints/{endpoint_id}")
def endpoint_retrieve(ctx: Ctx, endpoint_id: str) -> dict:
    return load(ctx, "webhook_endpoint", endpoint_id)


@router.post("/v1/webhook_endpoints/{endpoint_id}", ENDPOINT_UPDATE)
def endpoint_update(ctx: Ctx, endpoint_id: str) -> dict:
    endpoint = load(ctx, "webhook_endpoint", endpoint_id)
    params = ctx.params
    if params.get("url"):
        _check_url(params["url"], "url")
        endpoint["url"] = params["url"]
    if params.get("enabled_events"):
        endpoint["enabled_events"] = _check_events(params["enabled_events"])
    if "description" in params:
        endpoint["description"] = params["description"]
    if params.get("disabled") is not None:
        endpoint["status"] = "disabled" if params["disabled"] else "enabled"
    if "metadata" in params:
        endpoint["metadata"] = merge_metadata(endpoint["metadata"], params["metadata"])
    ctx.store.update("webhook_endpoint", endpoint)
    return endpoint


@router.delete("/v1/webhook_endpoints/{endpoint_id}")
def endpoint_delete(ctx: Ctx, endpoint_id: str) -> dict:
    load(ctx, "webhook_endpoint", endpoint_id)
    ctx.store.delete("webhook_endpoint", endpoint_id)
    return core.deleted("webhook_endpoint", endpoint_id)


@router.get("/v1/webhook_endpoints", LIST_PARAMS)
def endpoint_list(ctx: Ctx) -> dict:
    return listing.paginate(
        ctx, ctx.store.all("webhook_endpoint"), url="/v1/webhook_endpoints", noun="webhook endpoint"
    )


def endpoint_secret(ctx: Ctx, endpoint_id: str) -> str:
    if not ctx.store.exists("webhook_endpoint", endpoint_id):
        raise errors.no_such("webhook endpoint", endpoint_id)
    return ctx.store.internal("webhook_endpoint", endpoint_id)["secret"]
