"""Telling partners about their customers: the one helper product apps call to emit a partner event.

Apps know users, not partners. `partner_event_for_user` finds the partners that own the user (one query
on PartnerCustomer) and emits the event to each through `partner_event_emit`, inside the caller's
transaction. A user no partner owns (nearly everyone who buys on the site) costs that one query and
nothing else.
"""

from __future__ import annotations

from innerwork.api.models import PartnerCustomer
from innerwork.api.webhooks.models import PartnerEvent
from innerwork.api.webhooks.services import partner_event_emit


def partner_event_for_user(*, user, type: str, data: dict, key: str) -> list[PartnerEvent]:
    """Emit `type` with `data` to every partner whose customer `user` is; [] when no partner owns them.

    Call it inside the transaction that made the change (the events commit or roll back with it).
    Idempotent per (partner, `key`): name the change, e.g. f"booking.confirmed:{booking.pk}", so a
    webhook handled twice emits once. Each partner's copy of `data` names its own customer id
    (`data["customer"]`), never another partner's.
    """
    links = PartnerCustomer.objects.filter(user_id=user.pk).select_related("partner").order_by("pk")
    return [
        partner_event_emit(
            partner=link.partner, type=type, data={**data, "customer": link.public_id}, idempotency_key=key
        )
        for link in links
    ]
