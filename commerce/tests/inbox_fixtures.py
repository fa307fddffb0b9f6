"""Signed Stripe deliveries, made by hand from the emulator's real events, for the inbox tests.

The emulator stores every event it makes; these helpers read them back (GET /v1/events), sign
them as Stripe signs a delivery, and POST them to the site's webhook address, in whatever order,
number and concurrency a test needs. The endpoint is local (as for `stripe listen`), so the
emulator itself delivers nothing and the test alone decides what arrives.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse

from commerce.stripe_gateway import webhook_endpoint_for_cli

ENDPOINT_SECRET = "whsec_inbox_tests_0123456789"


@pytest.fixture
def inbox_endpoint(emulator):
    return webhook_endpoint_for_cli(base_url="http://testserver", secret=ENDPOINT_SECRET)


def stripe_signature(payload: bytes, secret: str = ENDPOINT_SECRET, *, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send: t=…,v1=HMAC-SHA256(secret, "t.payload")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_path(endpoint) -> str:
    return reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid})


def deliver(endpoint, payload: bytes, *, signature: str | None = None, client: Client | None = None):
    """POST one delivery as Stripe does; a 500 is returned as a response, not raised."""
    client = client or Client(raise_request_exception=False)
    headers = {} if signature == "" else {"Stripe-Signature": signature or stripe_signature(payload)}
    return client.post(webhook_path(endpoint), data=payload, content_type="application/json", headers=headers)


def stripe_events(emulator, event_type: str) -> list[bytes]:
    """Every event of `event_type` the emulator made, oldest first, as the JSON body a delivery carries."""
    query = urllib.parse.urlencode({"type": event_type, "limit": 100})
    request = urllib.request.Request(
        f"{emulator.url}/v1/events?{query}", headers={"Authorization": f"Bearer {emulator.api_key}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        page = json.loads(response.read())
    return [json.dumps(event).encode() for event in reversed(page["data"])]


def stripe_event(emulator, event_type: str) -> bytes:
    [event] = stripe_events(emulator, event_type)
    return event
