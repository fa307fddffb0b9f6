"""One timeline of everything that happened to an order, for its admin page.

Merges, oldest first: the order's own events (OrderEvent); every e-mail queued about it (outbox rows
keyed `order:<pk>:…`, `refund:<refund pk>:…` or `refund_request:<request pk>:…`); what staff did
(StaffAction); and the Stripe events dj-stripe received for its Checkout Sessions, PaymentIntent,
Charge and refunds, each linked to dj-stripe's event and webhook-log pages when the viewer may open them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from djstripe.models import Event, WebhookEventTrigger

from commerce.models import Order
from innerwork.core.audit import staff_actions_for_order
from innerwork.core.models import OutboxEmail

EVENT_TONES = {
    "paid": "success",
    "failed": "error",
    "flagged": "warning",
    "flag_resolved": "success",
    "refunded": "info",
    "partially_refunded": "info",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    source: str  # "order", "email", "staff", "stripe"
    title: str
    detail: str = ""
    actor: str = ""
    tone: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, url)
    detail_at: datetime | None = None  # a time the detail ends with, shown in the viewer's zone like `at`


def stripe_ids_of(order: Order) -> list[str]:
    """The Stripe objects that belong to the order: its sessions, payment, charge and refunds."""
    ids = list(order.checkout_sessions.values_list("stripe_id", flat=True))
    ids += [value for value in (order.payment_intent_id, order.charge_id) if value]
    ids += [value for value in order.refunds.values_list("stripe_refund_id", flat=True) if value]
    return ids


def stripe_events_for_order(*, order: Order):
    """dj-stripe's stored Events about the order's Stripe objects, oldest first."""
    ids = stripe_ids_of(order)
    if not ids:
        return Event.objects.none()
    about = Q(data__object__id__in=ids)
    if order.payment_intent_id:
        about |= Q(data__object__payment_intent=order.payment_intent_id)
    if order.charge_id:
        about |= Q(data__object__charge=order.charge_id)
    return Event.objects.filter(about).order_by("created", "djstripe_id")


def _order_entries(order: Order):
    for event in order.events.select_related("actor"):
        yield TimelineEntry(
            at=event.created_at,
            source="order",
            title=event.message,
            detail=event.type,
            actor=event.actor.email if event.actor else "",
            tone=EVENT_TONES.get(event.type, ""),
        )


def emails_for_order(*, order: Order):
    """Outbox rows about the order: keyed `order:<pk>:…`, or about its refunds or refund requests."""
    about = Q(dedup_key__startswith=f"order:{order.pk}:")
    for refund_id in order.refunds.values_list("pk", flat=True):
        about |= Q(dedup_key__startswith=f"refund:{refund_id}:")
    for request_id in order.refund_requests.values_list("pk", flat=True):
        about |= Q(dedup_key__startswith=f"refund_request:{request_id}:")
    return OutboxEmail.objects.filter(about).order_by("created_at", "id")


def _email_entries(order: Order):
    for email in emails_for_order(order=order):
        state = "Sent" if email.sent_at else email.get_status_display()
        yield TimelineEntry(
            at=email.created_at,
            source="email",
            title=f"E-mail “{email.subject}” to {', '.join(email.to)}",
            detail=f"{email.kind} · {state}",
            tone="error" if email.status == OutboxEmail.Status.FAILED else "",
            links=(("Read it", reverse("admin:core_outboxemail_change", args=[email.pk])),),
            detail_at=email.sent_at,
        )


def _staff_entries(order: Order):
    for action in staff_actions_for_order(order_number=order.number):
        yield TimelineEntry(
            at=action.created_at,
            source="staff",
            title=f"Staff: {action.action}",
            detail=action.reason,
            actor=action.actor.email,
            tone="warning",
        )


def _stripe_entries(order: Order, *, can_view_stripe: bool):
    events = list(stripe_events_for_order(order=order))
    triggers = {}
    if can_view_stripe:
        deliveries = WebhookEventTrigger.objects.filter(event__in=events).select_related("event").order_by("created")
        for trigger in deliveries:
            triggers.setdefault(trigger.event.pk, []).append(trigger)
    for event in events:
        links = []
        if can_view_stripe:
            links.append(("Event", reverse("admin:djstripe_event_change", args=[event.pk])))
            for number, trigger in enumerate(triggers.get(event.pk, []), start=1):
                label = "Webhook delivery" + (f" {number}" if number > 1 else "")
                links.append((label, reverse("admin:djstripe_webhookeventtrigger_change", args=[trigger.pk])))
        yield TimelineEntry(
            at=event.created,
            source="stripe",
            title=f"Stripe: {event.type}",
            detail=f"{event.id} · object {event.data.get('object', {}).get('id', '')}",
            links=tuple(links),
        )


def order_timeline(*, order: Order, can_view_stripe: bool = False) -> list[TimelineEntry]:
    """Everything about `order` in time order (ties keep the order: events, e-mails, staff, Stripe)."""
    entries = [
        *_order_entries(order),
        *_email_entries(order),
        *_staff_entries(order),
        *_stripe_entries(order, can_view_stripe=can_view_stripe),
    ]
    return sorted(entries, key=lambda entry: entry.at)
