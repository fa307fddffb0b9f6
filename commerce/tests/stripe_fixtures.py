"""Fixtures and helpers for tests that pay through the Stripe emulator (imported by commerce/tests/conftest.py).

- `emulator`: the emulator (reset for the test) with Django and stripe-python pointed at it; our
  own Stripe client makes no automatic retries and times out after 5 s unless a test says otherwise.
- `webhooks`: the site's dj-stripe webhook endpoint registered at the emulator for `live_server`,
  the way `manage.py stripe_demo_setup` registers it; needs `django_db(transaction=True)`.
- `buyer`: a signed-in customer on the test `client`.
"""

from __future__ import annotations

import re
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import get_messages
from django.db import connections
from django.test import Client
from django.urls import reverse

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import order_fulfil_from_session
from commerce.models import Order
from commerce.stripe_gateway import webhook_endpoint_ensure
from commerce.tests.factories import CartFactory, CartItemFactory
from innerwork.accounts.tests.factories import UserFactory

DECLINED = "4000000000000002"

PAY_URL = re.compile(r"/c/pay/(cs_test_[A-Za-z0-9]+)$")


@pytest.fixture
def emulator(stripe_emulator_django, settings):
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_SECONDS = 5
    return stripe_emulator_django


@pytest.fixture
def webhooks(emulator, live_server):
    endpoint, _ = webhook_endpoint_ensure(base_url=live_server.url)
    yield endpoint
    # Deliveries still due (retries) must not reach the database while it is being emptied,
    # and one already on its way must have finished before the test database is flushed.
    emulator.pause_webhooks()
    wait_until_no_delivery_is_sending(emulator)


def wait_until_no_delivery_is_sending(emulator, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while any(delivery["status"] == "sending" for delivery in emulator.deliveries()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"a webhook delivery was still being sent after {timeout}s")
        time.sleep(0.05)


@pytest.fixture
def buyer(client):
    user = UserFactory(email="maya@example.com", full_name="Maya Buyer")
    client.force_login(user)
    return user


def cart_for(user, *courses, coupon=None):
    """The user's cart holding `courses` (and `coupon`)."""
    cart = CartFactory(user=user, coupon=coupon)
    for course in courses:
        CartItemFactory(cart=cart, kind="course", ref=str(course.pk))
    return cart


def checkout(client, **extra):
    return client.post(reverse("commerce:checkout"), extra)


def session_id_of(response) -> str:
    """The Checkout Session id in a 303 to the emulator's hosted payment page."""
    assert response.status_code == 303, (response.status_code, getattr(response, "content", b"")[:500])
    match = PAY_URL.search(urlsplit(response["Location"]).path)
    assert match, response["Location"]
    return match.group(1)


def order_paid(emulator, client, buyer, *courses, card: str = "4242424242424242") -> Order:
    """An order of `courses` paid at the emulator and fulfilled (as the success page does)."""
    cart_for(buyer, *courses)
    session_id = session_id_of(checkout(client))
    emulator.pay_checkout_session(session_id, card=card)
    order = order_fulfil_from_session(session=gateway.session_retrieve(session_id=session_id))
    order.refresh_from_db()
    assert order.status == "paid"
    return order


def success_path(order, session_id: str) -> str:
    return reverse("commerce:order_success", kwargs={"number": order.number}) + f"?session_id={session_id}"


def run_at_once(*tasks):
    """Run each task in its own thread, released together; return what each returned (or raised)."""
    barrier = threading.Barrier(len(tasks))
    results: list[object] = [None] * len(tasks)

    def run(index, task):
        try:
            barrier.wait(timeout=30)
            results[index] = task()
        except Exception as exc:  # surfaces in the caller's assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, task)) for i, task in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    return results


def signed_in_client(user, address="127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    """The flash messages a response carries, as text."""
    return [str(message) for message in get_messages(response.wsgi_request)]
