"""Telling a partner what happened to what it sold: the one helper product apps call to emit a partner event.

A partner hears about an order, a payment, a booking, a contract or an enrollment only when its API made it
(the order's `partner`), never because the person is also its customer: one person may be the customer of
several partners and buy on the site too, and each partner hears only of its own. The caller says which
partners (commerce.orders.partner_ids_for_item, or the order's `partner_id`); this module finds the
partner's own id for the person and emits through `partner_event_emit` inside the caller's transaction.
Nothing made through a partner (a site purchase) costs no query at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from innerwork.api.models import PartnerCustomer
from innerwork.api.webhooks.models import PartnerEvent
from innerwork.api.webhooks.services import partner_event_emit


def partner_event_for_partners(
    *, partner_ids: Iterable[int | None], user, type: str, data: dict, key: str
) -> list[PartnerEvent]:
    """Emit `type` with `data` to each partner of `partner_ids` whose customer `user` is; [] for none.

    `partner_ids` are the partners the object was made through (None entries, the site, are skipped).
    Call it inside the transaction that made the change (the events commit or roll back with it).
    Idempotent per (partner, `key`): name the change, e.g. f"booking.confirmed:{booking.pk}", so a webhook
    handled twice emits once. Each partner's copy of `data` names its own customer id (`data["customer"]`).
    """
    wanted = sorted({partner_id for partner_id in partner_ids if partner_id is not None})
    if not wanted:
        return []
    links = PartnerCustomer.objects.filter(user_id=user.pk, partner_id__in=wanted).select_related("partner")
    return [
        partner_event_emit(
            partner=link.partner, type=type, data={**data, "customer": link.public_id}, idempotency_key=key
        )
        for link in links.order_by("partner_id")
    ]
