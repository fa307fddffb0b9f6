"""Telling a partner what happened to what it sold: the one helper product apps call to emit a partner event.

A partner hears about an order, a payment, a booking, a contract or an enrollment only when its API made it
(the order's `partner`), never because the person is also its customer: one person may be the customer of
several partners and buy on the site too, and each partner hears only of its own. The caller says which
partners (commerce.orders.partner_ids_for_item, or the order's `partner_id`); this module checks the person
is the partner's customer and emits through `partner_event_emit` inside the caller's transaction.
Nothing made through a partner (a site purchase) costs no query at all.

As on Stripe, an event's `data.object` is exactly the object the API answers for the resource (GET
/bookings/{id}, /contracts/{id}, /orders/{id}, /enrollments/{id}), rendered by the same serializer as that
partner sees it (its own customer id, its payment id), so one parser reads both. What only the event says
(`previous_attributes`, an order's `refund`) goes beside the object in `data`, never inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from innerwork.api.models import Partner, PartnerCustomer
from innerwork.api.webhooks.models import PartnerEvent
from innerwork.api.webhooks.services import partner_event_emit

# Renders the object as the API answers it to one partner; None when that partner cannot see it.
ObjectRenderer = Callable[[Partner], dict | None]


def partner_event_for_partners(
    *,
    partner_ids: Iterable[int | None],
    user,
    type: str,
    render: ObjectRenderer,
    key: str,
    data_extra: dict | None = None,
) -> list[PartnerEvent]:
    """Emit `type` to each partner of `partner_ids` whose customer `user` is, with `render(partner)` as its
    `data.object` and `data_extra` beside it; [] for none.

    `partner_ids` are the partners the object was made through (None entries, the site, are skipped).
    Call it inside the transaction that made the change, after the change is written (the object is read
    back as the API reads it, and the events commit or roll back with the change). Idempotent per
    (partner, `key`): name the change, e.g. f"booking.confirmed:{booking.pk}", so a webhook handled twice
    emits once.
    """
    wanted = sorted({partner_id for partner_id in partner_ids if partner_id is not None})
    if not wanted:
        return []
    links = PartnerCustomer.objects.filter(user_id=user.pk, partner_id__in=wanted).select_related("partner")
    events = []
    for link in links.order_by("partner_id"):
        api_object = render(link.partner)
        if api_object is not None:
            events.append(
                partner_event_emit(
                    partner=link.partner, type=type, data=api_object, idempotency_key=key, data_extra=data_extra
                )
            )
    return events
