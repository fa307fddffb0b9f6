"""Writes for partner webhooks: emitting an event, creating an endpoint, resending, the delivery's status door.

Every app tells partners what happened through `partner_event_emit`, called inside the transaction that
made the change: the event and its deliveries commit or roll back with it, and the POSTs are queued
only after commit (Celery), so a partner never hears of a change that did not happen.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from innerwork.api.models import Partner
from innerwork.api.webhooks.models import EVENT_TYPES, PartnerEvent, WebhookDelivery, WebhookEndpoint
from innerwork.api.webhooks.signing import webhook_secret_generate
from innerwork.core.audit import staff_action_record
from innerwork.core.status import status_move

EVENT_ID_PREFIX = "evt_"
UNKNOWN_EVENT_TYPE = "Unknown partner event type {type!r}; known: " + ", ".join(EVENT_TYPES)
KEY_REUSED_FOR_OTHER_TYPE = "Idempotency key {key!r} was used for a {existing} event, not {type}"


def _event_id() -> str:
    return EVENT_ID_PREFIX + secrets.token_hex(12)


def _queue_delivery(delivery_id: int) -> None:
    from innerwork.api.tasks import deliver_partner_webhook

    transaction.on_commit(lambda: deliver_partner_webhook.delay(delivery_id))


def partner_event_emit(
    *, partner: Partner, type: str, data: dict, idempotency_key: str, data_extra: dict | None = None
) -> PartnerEvent:
    """Record that `type` happened to one of `partner`'s customers and queue it to each listening endpoint.

    Call it inside the transaction that made the change. Guarantees:
    - The event and one delivery per active endpoint of an active partner listening to `type` are
      written in the caller's transaction; the POSTs are queued after commit, so a rollback sends nothing.
    - Idempotent per (partner, idempotency_key): a second call, sequential or concurrent (the unique
      constraint decides; the loser reads the winner's row), returns the first event and queues nothing.
      Use a key naming the change, e.g. f"booking.confirmed:{booking.pk}". The same key for another type
      is a programming error (ValueError).
    - `data` is stored as JSON (DjangoJSONEncoder: datetimes, decimals and UUIDs become strings) and sent
      as the event's `data.object`. Money as integer minor units plus currency, as everywhere in the API.
      `data_extra` is sent beside it in `data` (e.g. `previous_attributes`, what the change replaced).
    """
    if type not in EVENT_TYPES:
        raise ValueError(UNKNOWN_EVENT_TYPE.format(type=type))
    try:
        with transaction.atomic():
            event = PartnerEvent.objects.create(
                public_id=_event_id(),
                partner=partner,
                type=type,
                data=data,
                data_extra=data_extra or {},
                idempotency_key=idempotency_key,
            )
    except IntegrityError as duplicate:
        event = PartnerEvent.objects.get(partner=partner, idempotency_key=idempotency_key)
        if event.type != type:
            raise ValueError(
                KEY_REUSED_FOR_OTHER_TYPE.format(key=idempotency_key, existing=event.type, type=type)
            ) from duplicate
        return event
    if partner.is_active:
        # Filtered here, not with a JSON `contains` lookup, which the demo's SQLite lacks; a partner has few endpoints.
        endpoints = WebhookEndpoint.objects.filter(partner=partner, is_active=True).order_by("pk")
        for endpoint in (endpoint for endpoint in endpoints if type in endpoint.event_types):
            delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint)
            _queue_delivery(delivery.pk)
    return event


def webhook_endpoint_create(
    *, partner: Partner, url: str, event_types: list[str], description: str = "", is_active: bool = True
) -> tuple[WebhookEndpoint, str]:
    """Create an endpoint with a new signing secret; returns it and the secret, which staff show the partner once.

    The types are checked (ValidationError names the unknown ones); an endpoint hears only events
    emitted after it exists.
    """
    secret = webhook_secret_generate()
    endpoint = WebhookEndpoint(
        partner=partner, url=url, event_types=list(event_types), description=description, is_active=is_active
    )
    endpoint.secret = secret
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


def webhook_endpoint_roll_secret(*, endpoint: WebhookEndpoint, actor) -> str:
    """Give an endpoint a new signing secret (the old one stops at once); returns it to show once. Audited."""
    secret = webhook_secret_generate()
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret, updated_at=timezone.now())
        endpoint.secret = secret
        staff_action_record(actor=actor, action="webhook_endpoint.roll_secret", subject=endpoint)
    return secret


def webhook_delivery_set_status(
    *, delivery: WebhookDelivery, status: str, changes: dict | None = None, reason: str = "", actor=None
) -> bool:
    """Move a delivery to `status` if WebhookDelivery.TRANSITIONS allows it; the only writer of its status.

    Recorded as a core.StatusChange in the same transaction. Moving to SUCCEEDED stamps `delivered_at`
    and clears the next attempt; a repeat of the current status is refused like any other move.
    Call it with the row locked (the attempt and the resend do).
    """
    changes = dict(changes or {})
    if status == WebhookDelivery.Status.SUCCEEDED:
        changes.setdefault("delivered_at", timezone.now())
    if status != WebhookDelivery.Status.PENDING:
        changes.setdefault("next_attempt_at", None)
    return status_move(delivery, status, changes=changes, reason=reason, actor=actor)


def webhook_delivery_resend(*, delivery: WebhookDelivery, actor) -> bool:
    """Staff: send a delivery again now, with the same event id, starting the retry schedule again.

    A delivered or failed one goes back to pending (recorded, audited); a pending one is tried now
    instead of at its next retry. The row is locked first, so a resend racing a worker's attempt waits
    for it. The POST is queued after commit; the partner de-duplicates on the event id. Returns whether
    the delivery was queued (False when it no longer exists).
    """
    with transaction.atomic():
        row = WebhookDelivery.objects.select_for_update().filter(pk=delivery.pk).first()
        if row is None:
            return False
        if row.status == WebhookDelivery.Status.PENDING:
            WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=None, updated_at=timezone.now())
        else:
            webhook_delivery_set_status(
                delivery=row,
                status=WebhookDelivery.Status.PENDING,
                changes={"attempts": 0, "next_attempt_at": None, "resends": row.resends + 1},
                reason="Resent by staff",
                actor=actor,
            )
        staff_action_record(actor=actor, action="webhook_delivery.resend", subject=row)
        _queue_delivery(row.pk)
    return True
