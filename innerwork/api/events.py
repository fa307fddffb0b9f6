"""Telling a partner about a change to one of its customers, from any app, without knowing the partner.

Apps know users, not partners: `partner_event_for_user` finds the partners that have `user` as a
customer (one query) and emits the event to each through `partner_event_emit`, in the caller's
transaction. A user no partner acts for is the common case and costs that one query, nothing more.
"""

from __future__ import annotations

from innerwork.api.models import PartnerCustomer
from innerwork.api.webhooks.services import partner_event_emit


def partner_event_for_user(*, user, type: str, data: dict, key: str) -> None:
    """Emit `type` with `data` to every partner `user` is a customer of; nothing when there is none.

    Idempotent per (partner, key), as partner_event_emit: a repeated call queues nothing new. Call it inside
    the transaction that made the change, so a rollback tells no one. A person two partners both link
    (the same e-mail at both) is each partner's customer, so each hears of it.
    """
    links = PartnerCustomer.objects.filter(user=user).select_related("partner").order_by("pk")
    for link in links:
        partner_event_emit(partner=link.partner, type=type, data=data, idempotency_key=key)
