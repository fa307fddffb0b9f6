"""Stripe's dispute webhooks (`charge.dispute.created / updated / closed`), received through dj-stripe.

dj-stripe mirrors the dispute itself; these handlers re-read it from Stripe (the event's copy may be
older than a later event already handled) and call dispute_record_from_stripe, which is idempotent and
order-independent. An exception fails the delivery (dj-stripe answers 500) and Stripe retries it.
Imported by CommerceConfig.ready().
"""

from __future__ import annotations

from djstripe.event_handlers import djstripe_receiver

from commerce.disputes.services import dispute_record_from_stripe
from commerce.stripe_gateway.disputes import dispute_retrieve


@djstripe_receiver(["charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed"])
def dispute_changed(sender, event, **kwargs):
    """A payment was disputed, or the dispute moved on: record it as Stripe has it now."""
    dispute_record_from_stripe(info=dispute_retrieve(dispute_id=event.data["object"]["id"]))
