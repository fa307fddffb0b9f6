"""What the coaching API tests share: a partner's client, its customer, POST with an Idempotency-Key, and the
partner a customer's contracts are made through. The fixtures of the same names are in conftest.py."""

from __future__ import annotations

from django.utils import timezone
from rest_framework.test import APIClient

from innerwork.api.keys import SCOPES
from innerwork.api.models import PartnerCustomer
from innerwork.api.services import partner_customer_create_or_link
from innerwork.api.tests.factories import key_for

API = "/api/v1"


def client_for(partner, *, scopes=tuple(SCOPES)) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key_for(partner, scopes=scopes)}")
    return client


def post(client, path: str, body: dict | None = None, *, key: str = ""):
    return client.post(
        path, body or {}, format="json", HTTP_IDEMPOTENCY_KEY=key or f"k-{timezone.now().timestamp()}-{path}"
    )


def customer_of(partner, user):
    return partner_customer_create_or_link(
        partner=partner, email=user.email, external_id=f"ext-{user.pk}", full_name="", time_zone="UTC"
    ).customer


def through_partner(student):
    """The partner the test's customer belongs to: contracts made through it are the ones its API shows."""
    return PartnerCustomer.objects.get(user=student).partner
