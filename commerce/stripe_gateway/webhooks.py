"""The site's webhook endpoint at Stripe, registered through the API so the signing secret comes from Stripe."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import stripe
from django.urls import reverse
from djstripe.models import WebhookEndpoint
from djstripe.settings import djstripe_settings

from commerce.exceptions import PaymentProviderError
from commerce.stripe_gateway.client import ProviderRequestRefused, api_key, as_dict, call, client

UNSIGNED_ENDPOINT = "the endpoint has no signing secret"
BAD_SIGNATURE = "the Stripe-Signature header does not match the body"
NOT_AN_EVENT = "the body is not a Stripe event (JSON with an id and livemode)"


def _endpoint_url(base_url: str, endpoint_uuid) -> str:
    return base_url.rstrip("/") + reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint_uuid})


def webhook_endpoint_ensure(*, base_url: str) -> tuple[WebhookEndpoint, bool]:
    """The dj-stripe WebhookEndpoint that receives every event at `base_url`; (endpoint, created).

    Idempotent: an endpoint we know and Stripe still has is kept. Endpoints Stripe has for this
    site that we do not know (a reset database) are deleted, so Stripe does not keep delivering
    to an address that answers 404; a local endpoint Stripe forgot (a reset Stripe) is replaced.
    """
    prefix = base_url.rstrip("/") + "/stripe/webhook/"
    livemode = bool(djstripe_settings.STRIPE_LIVE_MODE)
    known: WebhookEndpoint | None = None
    for local in WebhookEndpoint.objects.filter(url__startswith=prefix, livemode=livemode):
        try:
            data = as_dict(call(client().v1.webhook_endpoints.retrieve, local.id))
        except ProviderRequestRefused as exc:
            if exc.code != "resource_missing":
                raise
            local.delete()
            continue
        if known is None and data.get("status") == "enabled":
            known = local
    remote = call(client().v1.webhook_endpoints.list, params={"limit": 100})
    for item in remote.data:
        if item.url.startswith(prefix) and (known is None or item.id != known.id):
            call(client().v1.webhook_endpoints.delete, item.id)
            WebhookEndpoint.objects.filter(id=item.id).delete()
    if known is not None:
        return known, False
    endpoint_uuid = uuid.uuid4()
    data = as_dict(
        call(
            client().v1.webhook_endpoints.create,
            params={
                "url": _endpoint_url(base_url, endpoint_uuid),
                "enabled_events": ["*"],
                "api_version": djstripe_settings.STRIPE_API_VERSION,
                "metadata": {"djstripe_uuid": str(endpoint_uuid)},
                "description": "InnerWork (dj-stripe)",
            },
        )
    )
    return WebhookEndpoint.sync_from_stripe_data(data, api_key=api_key()), True


def stripe_reachable() -> bool:
    """Whether Stripe answers with our key (GET /v1/account); used to wait for a local emulator to start."""
    try:
        call(client().v1.accounts.retrieve_current)
    except PaymentProviderError:
        return False
    return True


CLI_ENDPOINT_ID = "we_stripe_cli"


def webhook_endpoint_for_cli(*, base_url: str, secret: str) -> WebhookEndpoint:
    """A local endpoint for `stripe listen` (real Stripe cannot reach 127.0.0.1): the CLI forwards to it.

    Nothing is created at Stripe; dj-stripe verifies deliveries with the secret the CLI printed.
    Idempotent: running it again updates the secret and address.
    """
    endpoint = WebhookEndpoint.objects.filter(id=CLI_ENDPOINT_ID).first() or WebhookEndpoint(id=CLI_ENDPOINT_ID)
    endpoint.url = _endpoint_url(base_url, endpoint.djstripe_uuid)
    endpoint.secret = secret
    endpoint.enabled_events = ["*"]
    endpoint.status = "enabled"
    endpoint.livemode = bool(djstripe_settings.STRIPE_LIVE_MODE)
    endpoint.api_version = djstripe_settings.STRIPE_API_VERSION
    endpoint.save()
    return endpoint


@dataclass(frozen=True)
class DeliveryCheck:
    """A delivery's signature check: `event` is the parsed body when `valid`, else `problem` says why."""

    valid: bool
    event: dict | None = None
    problem: str = ""


def webhook_delivery_check(*, body: bytes, signature: str, secret: str, tolerance: int) -> DeliveryCheck:
    """Check a delivery as Stripe signs it: HMAC-SHA256 of "t.body" with the secret, at most `tolerance` s old.

    No network and no database: this is the only check the acknowledgement path makes, so it
    stays cheap. An empty secret is a refusal (a 400), never an exception: an endpoint without
    one is a configuration error that the system check `commerce.E101` reports at start-up.
    """
    if not secret:
        return DeliveryCheck(valid=False, problem=UNSIGNED_ENDPOINT)
    try:
        stripe.WebhookSignature.verify_header(body.decode("utf-8"), signature, secret, tolerance)
    except (stripe.SignatureVerificationError, UnicodeDecodeError):
        return DeliveryCheck(valid=False, problem=BAD_SIGNATURE)
    try:
        event = json.loads(body)
    except ValueError:
        return DeliveryCheck(valid=False, problem=NOT_AN_EVENT)
    if not isinstance(event, dict) or "id" not in event or "livemode" not in event:
        return DeliveryCheck(valid=False, problem=NOT_AN_EVENT)
    return DeliveryCheck(valid=True, event=event)


def object_missing_at_stripe(exc: BaseException) -> bool:
    """Whether `exc` is Stripe answering 404 for an object it no longer has.

    Our own calls raise ProviderRequestRefused; dj-stripe's syncs raise stripe-python's error.
    Retrying such an event can never succeed, so the event path records it and moves on.
    """
    if isinstance(exc, ProviderRequestRefused):
        return exc.code == "resource_missing"
    if isinstance(exc, stripe.InvalidRequestError):
        return exc.code == "resource_missing" or exc.http_status == 404
    return False
