"""Stripe webhook handlers, run by commerce.inbox for each stored delivery (on a Celery worker, or inline).

Without a broker (the demo) the inbox runs them inside the request. The inbox runs dj-stripe's
Event.process: it stores the Event and syncs its object, then sends the event's signal, all in
one transaction; these handlers run there, so an exception rolls the whole event back and the
delivery is retried (the task's back-off, then the inbox sweep; inline, a 500 and Stripe's
retry). An event dj-stripe already stored never reaches a handler again; each handler is
idempotent anyway (the services key every effect), because the success page may have done the
same work first.

Each handler re-reads the object from Stripe through the gateway (an event's copy can be stale
or in an older API version) and calls one service. Imported by CommerceConfig.ready().

A Checkout Session event reads its session once, expanded (session_read_and_mirror), and
dj-stripe's copy is written from that same answer after commit. dj-stripe's own handler for these
events would read the session again, then its PaymentIntent and PaymentMethod (three more GETs, in
the event's transaction), so it is disconnected for the event types handled here
(SESSION_EVENTS). A declined payment's PaymentIntent is likewise read once and mirrored from that
read (PAYMENT_INTENT_EVENTS). The Event row and the delivery log are written as before: every
delivery stays visible in admin, and the Event row still makes a second delivery run no handler.
"""

from __future__ import annotations

import logging

from djstripe import event_handlers as djstripe_handlers
from djstripe.event_handlers import djstripe_receiver
from djstripe.models import Event
from djstripe.signals import WEBHOOK_SIGNALS

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import (
    order_expire_from_session,
    order_fulfil_from_session,
    order_payment_failed_from_intent,
    order_payment_failed_from_session,
)
from commerce.refunds.services import refund_record_from_stripe

logger = logging.getLogger(__name__)

SESSION_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
    "checkout.session.async_payment_failed",
)

PAYMENT_INTENT_EVENTS = ("payment_intent.payment_failed",)

for _event_type in (*SESSION_EVENTS, *PAYMENT_INTENT_EVENTS):
    # Our handlers mirror the object from their own read: dj-stripe's second read is not needed.
    WEBHOOK_SIGNALS[_event_type].disconnect(djstripe_handlers.handle_other_event, sender=Event)


def _session_of(event) -> gateway.CheckoutSessionInfo:
    return gateway.session_read_and_mirror(session_id=event.data["object"]["id"])


@djstripe_receiver(["checkout.session.completed", "checkout.session.async_payment_succeeded"])
def checkout_session_paid(sender, event, **kwargs):
    """The customer finished paying (or a delayed payment cleared): fulfil the order once."""
    order_fulfil_from_session(session=_session_of(event))


@djstripe_receiver("checkout.session.expired")
def checkout_session_expired(sender, event, **kwargs):
    """The payment page closed unpaid: the order expires and its coupon use is released."""
    order_expire_from_session(session=_session_of(event))


@djstripe_receiver("checkout.session.async_payment_failed")
def checkout_session_async_payment_failed(sender, event, **kwargs):
    """A delayed payment failed after the page closed: the order fails and lets go of what it held."""
    order_payment_failed_from_session(session=_session_of(event))


@djstripe_receiver("payment_intent.payment_failed")
def payment_intent_failed(sender, event, **kwargs):
    """A card was declined: the order shows why and stays payable."""
    payment = gateway.payment_intent_read_and_mirror(payment_intent_id=event.data["object"]["id"])
    if not payment.order_number:
        logger.info("Declined payment %s names no order; ignored", payment.id)
        return
    order_payment_failed_from_intent(payment=payment)


# dj-stripe has no handler for refund.* (it mirrors refunds only when embedded in a charge):
# the gateway mirrors each refund it reads, and our service records it.
@djstripe_receiver(["refund.created", "refund.updated", "refund.failed", "charge.refund.updated"])
def refund_changed(sender, event, **kwargs):
    """A refund was made, confirmed or failed (ours or one made in the Stripe dashboard): record it, apply once."""
    refund_record_from_stripe(info=gateway.refund_retrieve(refund_id=event.data["object"]["id"]))


@djstripe_receiver("charge.refunded")
def charge_refunded(sender, event, **kwargs):
    """Money went back on a charge: every refund of it is read from Stripe and recorded (each applied once)."""
    for info in gateway.refunds_for_charge(charge_id=event.data["object"]["id"]):
        refund_record_from_stripe(info=info)
