"""Stripe Customers: one per person, created the first time they check out, then reused.

The link lives in dj-stripe's Customer table (`subscriber` = our user), the place dj-stripe
itself looks for it. Creation carries an idempotency key naming the user, so two checkouts
racing to create the first Customer get the same one from Stripe.
"""

from __future__ import annotations

from django.utils import timezone
from djstripe.models import Customer
from djstripe.settings import djstripe_settings

from commerce.stripe_gateway.client import as_dict, call, client, mirror_after_commit


def _customer_key(user) -> str:
    # The join date tells apart two users who got the same id in two databases (a reset demo).
    joined = int(user.date_joined.timestamp()) if getattr(user, "date_joined", None) else 0
    return f"innerwork:customer:{user.pk}:{joined}"


def customer_for_user(*, user) -> str:
    """The Stripe Customer id of `user`, creating the Customer on first need.

    Idempotent and safe under concurrency: the same user always maps to one Customer.
    Raises PaymentProviderError when Stripe cannot be reached.
    """
    existing = _linked_customer(user)
    if existing:
        return existing
    return _customer_create(user=user, idempotency_key=_customer_key(user))


def customer_replace(*, user, stale_customer_id: str) -> str:
    """A new Stripe Customer for `user`, who Stripe says no longer has `stale_customer_id`.

    For a Stripe account that forgot our Customer (demo state deleted, keys switched): the stale
    link is purged the way dj-stripe purges (subscriber unlinked, date_purged set), and the new
    Customer's idempotency key names the one it replaces, so Stripe cannot answer with the old one.
    """
    Customer.objects.filter(id=stale_customer_id, subscriber=user).update(subscriber=None, date_purged=timezone.now())
    # A concurrent checkout may have replaced it already: use that one.
    return _linked_customer(user) or _customer_create(
        user=user, idempotency_key=f"{_customer_key(user)}:replaces:{stale_customer_id}"
    )


def _linked_customer(user) -> str:
    livemode = bool(djstripe_settings.STRIPE_LIVE_MODE)
    return (
        Customer.objects.filter(subscriber=user, livemode=livemode, date_purged__isnull=True)
        .order_by("created", "djstripe_id")
        .values_list("id", flat=True)
        .first()
    ) or ""


def _customer_create(*, user, idempotency_key: str) -> str:
    subscriber_key = djstripe_settings.SUBSCRIBER_CUSTOMER_KEY
    data = as_dict(
        call(
            client().v1.customers.create,
            params={
                "email": user.email,
                "name": user.get_full_name() or user.email,
                "metadata": {subscriber_key: str(user.pk), "innerwork_user_id": str(user.pk)},
            },
            idempotency_key=idempotency_key,
        )
    )
    # The bare row is what links the user; the full mirror follows after commit, off the request
    # (and customer.created syncs it too).
    Customer.objects.get_or_create(id=data["id"], defaults={"subscriber": user, "livemode": data["livemode"]})
    mirror_after_commit(Customer, data)
    return data["id"]
