"""Reads of the partner API: everything a partner sees is scoped to it here."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from innerwork.api.models import Partner, PartnerCustomer

CUSTOMER_ID = re.compile(r"cus_[A-Za-z0-9]{1,28}")


def partner_customers(*, partner: Partner, email: str = "", external_id: str = "") -> QuerySet[PartnerCustomer]:
    """The partner's customers (user joined in), optionally one e-mail or external id; never another's."""
    customers = PartnerCustomer.objects.select_related("user").filter(partner=partner)
    if email:
        customers = customers.filter(user__email=email.lower())
    if external_id:
        customers = customers.filter(external_id=external_id)
    return customers


def partner_customer_get(*, partner: Partner, public_id: str) -> PartnerCustomer:
    """The partner's customer with this id; PartnerCustomer.DoesNotExist for anyone else's (the API's 404).

    Later endpoints (bookings, orders, checkout) take a `customer` id: resolve it with this function,
    so another partner's customer is a 404 exactly as here.
    """
    if not CUSTOMER_ID.fullmatch(public_id):  # e.g. a NUL byte, which PostgreSQL refuses to compare
        raise PartnerCustomer.DoesNotExist
    return partner_customers(partner=partner).get(public_id=public_id)
