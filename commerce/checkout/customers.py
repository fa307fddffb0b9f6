"""The buyer's Stripe Customer, made before they click "Check out", so the click waits for one Stripe call less.

A signed-in person's first cart item queues `commerce.checkout.customer_prepare` after its
transaction commits; the task makes (or finds) their Stripe Customer through the gateway, which
keys the creation by the user, so it and a checkout racing it get the same Customer. It is best
effort: when Stripe cannot be reached the task gives up quietly and the checkout creates the
Customer inline, as it always could.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from commerce import stripe_gateway as gateway
from commerce.exceptions import PaymentProviderError
from commerce.models import CartItem

logger = logging.getLogger(__name__)


def customer_prepare(*, user_id: int) -> str:
    """The Stripe Customer id of user `user_id`, created now if they have none; "" if Stripe cannot be reached."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return ""
    try:
        return gateway.customer_for_user(user=user)
    except PaymentProviderError as exc:
        logger.info("Stripe Customer of user %s not prepared (%s); the checkout will make it", user_id, exc)
        return ""


def customer_prepare_after_commit(*, user_id: int) -> None:
    """Queue customer_prepare for after the caller's transaction commits (a worker does it, not the request)."""
    from commerce.checkout.tasks import prepare_customer

    transaction.on_commit(lambda: prepare_customer.delay(user_id))


@receiver(post_save, sender=CartItem, dispatch_uid="commerce.checkout.customers.cart_item_added")
def _cart_item_added(sender, instance: CartItem, created=False, raw=False, **kwargs):
    if raw or not created:
        return
    user_id = instance.cart.user_id if instance.cart_id else None
    if user_id is not None:
        customer_prepare_after_commit(user_id=user_id)
