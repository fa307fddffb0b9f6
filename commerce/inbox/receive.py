"""The acknowledgement path: verify, store, queue, answer. No Stripe call and no lock on the way.

Invalid deliveries (a wrong signature, a body that is no event) are answered 400 and kept for
staff to see, but only in part (INVALID_BODY_KEPT characters of body, the headers that explain
it) and at most INVALID_KEPT_PER_MINUTE a minute: anyone can post to the address, and a flood
must not grow the table without bound. The rest are only logged.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from djstripe.models import WebhookEndpoint, WebhookEventTrigger

from commerce.inbox.tasks import delivery_enqueue
from commerce.stripe_gateway.webhooks import webhook_delivery_check

logger = logging.getLogger(__name__)

INVALID_BODY_KEPT = 2000
INVALID_KEPT_PER_MINUTE = 60
INVALID_HEADERS_KEPT = ("Content-Type", "Content-Length", "Stripe-Signature", "User-Agent")
ENDPOINT_CACHE_SECONDS = 60

# Each process keeps the endpoints it has seen: a delivery then costs one INSERT and no SELECT.
# A change saved in this process forgets them at once; one saved elsewhere is seen within
# ENDPOINT_CACHE_SECONDS (Stripe signs with both secrets while one is being rolled).
_endpoints: dict[str, tuple[float, WebhookEndpoint | None]] = {}


def webhook_endpoint_for(*, uuid) -> WebhookEndpoint | None:
    """The endpoint at /stripe/webhook/<uuid>/, or None; read from the database at most once a minute."""
    key = str(uuid)
    cached = _endpoints.get(key)
    if cached is not None and time.monotonic() - cached[0] < ENDPOINT_CACHE_SECONDS:
        return cached[1]
    endpoint = WebhookEndpoint.objects.filter(djstripe_uuid=uuid).first()
    _endpoints[key] = (time.monotonic(), endpoint)
    return endpoint


@receiver([post_save, post_delete], sender=WebhookEndpoint, dispatch_uid="commerce.inbox.forget_endpoints")
def _forget_endpoints(**kwargs) -> None:
    _endpoints.clear()


@dataclass(frozen=True)
class Received:
    """What became of one delivery: `trigger_id` is None when an invalid one was not stored."""

    valid: bool
    trigger_id: int | None = None
    problem: str = ""


def delivery_receive(*, endpoint: WebhookEndpoint, body: bytes, headers: dict[str, str], remote_ip: str) -> Received:
    """Store one delivery to `endpoint` and queue its processing if its signature holds.

    A valid delivery is committed (autocommit: one INSERT) before its task is queued (see
    delivery_enqueue), so a worker always finds it, and a queue that refuses the task loses nothing:
    the sweep finds the row. Without a broker the task runs here, and its exception reaches the
    caller (a 500, Stripe retries).
    """
    check = webhook_delivery_check(
        body=body,
        signature=headers.get("Stripe-Signature", ""),
        secret=endpoint.secret or "",
        tolerance=endpoint.djstripe_tolerance,
    )
    if not check.valid:
        logger.warning("Stripe webhook refused on endpoint %s from %s: %s", endpoint.id, remote_ip, check.problem)
        return Received(
            valid=False,
            trigger_id=_invalid_kept(endpoint, body, headers, remote_ip, check.problem),
            problem=check.problem,
        )
    trigger = WebhookEventTrigger.objects.create(
        headers=headers,
        body=body.decode("utf-8"),
        remote_ip=remote_ip,
        valid=True,
        webhook_endpoint=endpoint,
        stripe_trigger_account_id=endpoint.djstripe_owner_account_id,
    )
    delivery_enqueue(trigger_id=trigger.pk)
    return Received(valid=True, trigger_id=trigger.pk)


def _invalid_kept(endpoint, body: bytes, headers: dict[str, str], remote_ip: str, problem: str) -> int | None:
    """Store a shortened invalid delivery, unless INVALID_KEPT_PER_MINUTE were stored this minute."""
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = f"stripe-webhook-invalid:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    if count > INVALID_KEPT_PER_MINUTE:
        return None
    trigger = WebhookEventTrigger.objects.create(
        headers={name: headers[name][:500] for name in INVALID_HEADERS_KEPT if name in headers},
        body=body[:INVALID_BODY_KEPT].decode("utf-8", errors="replace"),
        remote_ip=remote_ip,
        valid=False,
        exception=problem[:128],
        webhook_endpoint=endpoint,
        stripe_trigger_account_id=endpoint.djstripe_owner_account_id,
    )
    return trigger.pk
