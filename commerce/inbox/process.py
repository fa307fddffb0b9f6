"""Processing a stored delivery on a worker, the sweep for deliveries whose task was lost, and the purge.

`delivery_process` is safe to run any number of times, at once or one after the other, for the
same delivery or for several deliveries of one event: see the package docstring for why the
Event row makes it exactly once. It takes no lock of its own; the handlers lock what they change.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from traceback import format_exc

from django.conf import settings
from django.utils import timezone
from djstripe.models import Event, WebhookEventTrigger
from djstripe.settings import djstripe_settings

from commerce.stripe_gateway.webhooks import object_missing_at_stripe

logger = logging.getLogger(__name__)

OBJECT_GONE = "Stripe no longer has the event's object; acknowledged without effect: {error}"
SWEEP_AFTER = timedelta(minutes=5)
SWEEP_WITHIN = timedelta(days=3)  # as long as Stripe itself retries a delivery
SWEEP_BATCH = 500
PURGE_BATCH = 1000


def delivery_process(*, trigger_id: int) -> Event | None:
    """Run every dj-stripe handler for the event in stored delivery `trigger_id`, once per event id.

    Returns the Event (None when the delivery is gone, invalid, or its object is gone at Stripe).
    An event whose object Stripe answers 404 for is logged and marked processed with the reason:
    retrying could never succeed. Any other failure is recorded on the delivery and re-raised,
    so the task retries it (and the sweep after that); nothing it did is kept.
    """
    trigger = (
        WebhookEventTrigger.objects.select_related("webhook_endpoint", "stripe_trigger_account")
        .filter(pk=trigger_id)
        .first()
    )
    if trigger is None or not trigger.valid or trigger.processed:
        return None
    try:
        event = Event.process(trigger.json_body, api_key=_api_key(trigger))
    except Exception as exc:
        if object_missing_at_stripe(exc):
            logger.warning("Stripe event %s: its object is gone at Stripe (%s)", trigger.json_body.get("id"), exc)
            _mark(trigger_id, processed=True, exception=OBJECT_GONE.format(error=exc), traceback=format_exc())
            return None
        _mark(trigger_id, processed=False, exception=f"{type(exc).__name__}: {exc}", traceback=format_exc())
        raise
    _mark(trigger_id, processed=True, event=event)
    return event


def _api_key(trigger: WebhookEventTrigger) -> str:
    account = trigger.stripe_trigger_account
    livemode = trigger.webhook_endpoint.livemode if trigger.webhook_endpoint else djstripe_settings.STRIPE_LIVE_MODE
    return (account.default_api_key if account else None) or djstripe_settings.get_default_api_key(livemode)


def _mark(trigger_id: int, *, processed: bool, event: Event | None = None, exception: str = "", traceback: str = ""):
    """Update only the outcome columns, so two runs for one delivery never overwrite each other's body."""
    max_length = WebhookEventTrigger._meta.get_field("exception").max_length
    changes = {"processed": processed, "exception": exception[:max_length], "traceback": traceback}
    if event is not None:
        changes["event"] = event
    WebhookEventTrigger.objects.filter(pk=trigger_id, processed=False).update(updated=timezone.now(), **changes)


def deliveries_due(*, now=None) -> list[int]:
    """Valid deliveries unprocessed after SWEEP_AFTER (task lost, or failing), oldest first, within Stripe's 3 days."""
    now = now or timezone.now()
    return list(
        WebhookEventTrigger.objects.filter(
            valid=True, processed=False, created__lt=now - SWEEP_AFTER, created__gte=now - SWEEP_WITHIN
        )
        .order_by("created", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def deliveries_purge(*, days: int | None = None, now=None) -> int:
    """Delete deliveries older than `days` (WEBHOOK_LOG_DAYS); returns how many.

    Only the delivery log goes: dj-stripe's Event rows stay, since they are what makes a late
    duplicate of an old event run no handler.
    """
    days = settings.WEBHOOK_LOG_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    while True:
        batch = list(WebhookEventTrigger.objects.filter(created__lt=cutoff).values_list("pk", flat=True)[:PURGE_BATCH])
        if not batch:
            return deleted
        deleted += WebhookEventTrigger.objects.filter(pk__in=batch).delete()[0]
