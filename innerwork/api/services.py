"""Writes of the partner API that are not about keys (innerwork.api.keys) or idempotency."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from innerwork.api.exceptions import ApiError
from innerwork.api.models import Partner, PartnerCustomer

CUSTOMER_ID_PREFIX = "cus_"
EXTERNAL_ID_TAKEN = "external_id {external_id!r} is already your customer with another e-mail address."
EMAIL_TAKEN = "This e-mail address is already your customer under external_id {external_id!r}."

_ALPHABET = string.ascii_letters + string.digits


def _public_id() -> str:
    return CUSTOMER_ID_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(16))


@dataclass(frozen=True)
class CustomerResult:
    customer: PartnerCustomer
    created: bool  # a new link (201); False: this partner already had this customer (200)


def partner_customer_create_or_link(
    *, partner: Partner, email: str, external_id: str, full_name: str = "", time_zone: str = "UTC"
) -> CustomerResult:
    """The partner's customer for (external_id, email): found, or linked to the e-mail's account, or created.

    - (partner, external_id) already linked to this e-mail → that link, unchanged (repeatable);
    - linked to another e-mail, or this e-mail linked under another external_id → ApiError 409;
    - the e-mail has an InnerWork account → linked as it is (its name and zone stay the person's own); the link
      shows the partner nothing the person bought on the site or through another partner: a partner sees
      only what its own API places (orders record their partner), plus the offers (proposals) made to them;
    - otherwise a new account (no password: the person signs in by resetting it) with the name and zone.
    Two concurrent calls for one customer make one link: the loser's insert hits the unique constraints
    and it answers with the winner's link.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    for _ in range(2):
        found = _existing(partner=partner, email=email, external_id=external_id)
        if found is not None:
            return CustomerResult(customer=found, created=False)
        try:
            with transaction.atomic():
                user = User.objects.filter(email=email).first()
                created_user = user is None
                if created_user:
                    user = User.objects.create_user(email=email, full_name=full_name, time_zone=time_zone)
                customer = PartnerCustomer.objects.create(
                    public_id=_public_id(),
                    partner=partner,
                    user=user,
                    external_id=external_id,
                    created_user=created_user,
                )
            return CustomerResult(customer=customer, created=True)
        except IntegrityError:
            continue  # a concurrent call linked (or created) first: read what it made
    found = _existing(partner=partner, email=email, external_id=external_id)
    if found is None:
        raise IntegrityError("partner customer neither created nor found")
    return CustomerResult(customer=found, created=False)


def _existing(*, partner: Partner, email: str, external_id: str) -> PartnerCustomer | None:
    # One query: two (by id, then by e-mail) could see a concurrent call's link appear in between.
    links = list(
        PartnerCustomer.objects.select_related("user").filter(
            Q(external_id=external_id) | Q(user__email=email), partner=partner
        )
    )
    by_external_id = next((link for link in links if link.external_id == external_id), None)
    if by_external_id is not None:
        if by_external_id.user.email != email:
            raise ApiError(
                409,
                code="resource_conflict",
                message=EXTERNAL_ID_TAKEN.format(external_id=external_id),
                param="external_id",
            )
        return by_external_id
    if links:
        raise ApiError(
            409, code="resource_conflict", message=EMAIL_TAKEN.format(external_id=links[0].external_id), param="email"
        )
    return None
