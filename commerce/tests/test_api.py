"""The partner API's money endpoints over HTTP with the Stripe emulator: checkout, payments, orders, refunds."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from commerce.checkout import order_fulfil_from_return
from commerce.models import Order, RefundRequest
from courses.tests.factories import course_with_lessons
from innerwork.api.tests.webhooks.conftest import receiver  # noqa: F401  (the partner's webhook server, by name)
from innerwork.api.tests.webhooks.test_signature import readme_verify
from innerwork.api.webhooks.models import EVENT_TYPES, PartnerEvent
from innerwork.api.webhooks.services import webhook_endpoint_create
from innerwork.api.webhooks.signing import SIGNATURE_HEADER
from mentorship.tests.api_helpers import (
    CANCEL_URL,
    SUCCESS_URL,
    book,
    checkout_booking,
    client_for,
    customer_of,
    day_at,
    new_partner,
    open_mentor,
    pay,
    post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PARTNER_API_RATE = "100000/min"
    settings.COURSE_REFUND_DAYS = 14


@pytest.fixture
def partner():
    return new_partner("Wellbeing Portal")


@pytest.fixture
def api(partner):
    return client_for(partner)


@pytest.fixture
def customer(api):
    return customer_of(api)


def checkout_courses(client, customer: str, *slugs: str, **urls):
    body = {"item": {"type": "courses", "customer": customer, "courses": list(slugs)}}
    return post(
        client, "/api/v1/checkout-sessions/", {"success_url": SUCCESS_URL, "cancel_url": CANCEL_URL, **body, **urls}
    )


def pay_courses(emulator, client, customer, *slugs, capture) -> Order:
    started = checkout_courses(client, customer, *slugs)
    assert started.status_code == 201, started.data
    emulator.pay_checkout_session(started.data["session_id"], card="4242424242424242")
    order = Order.objects.get(number=started.data["payment_id"])
    with capture(execute=True):
        order_fulfil_from_return(order=order, session_id=started.data["session_id"])
    order.refresh_from_db()
    return order


# --- The quick start, end to end ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_quick_start_customer_slots_book_checkout_pay_webhook_and_payment_status(
    partner,
    api,
    emulator,
    webhooks,
    receiver,  # noqa: F811
):
    # given a partner listening to every event, and a mentor with free time
    _endpoint, secret = webhook_endpoint_create(partner=partner, url=receiver.url, event_types=list(EVENT_TYPES))
    open_mentor()
    # when it creates a customer, reads the slots, books the first one and starts checkout
    customer = customer_of(api, "maya")
    slots = api.get("/api/v1/mentors/ana/slots/", {"length": 60, "from": (timezone.now() + timedelta(days=2)).date()})
    assert slots.status_code == 200, slots.data
    start = slots.data["slots"][0]["start"]
    booked = post(
        api, "/api/v1/bookings/", {"customer": customer, "mentor": "ana", "start": start, "length": 60, "topic": "Hi"}
    )
    assert booked.status_code == 201, booked.data
    started = checkout_booking(api, booked.data["id"])
    assert started.status_code == 201, started.data
    assert (started.data["amount"], started.data["currency"]) == (12000, "usd")
    assert started.data["url"].startswith(emulator.url)
    payment_id = started.data["payment_id"]
    assert api.get(f"/api/v1/payments/{payment_id}").data["status"] == "pending"
    # and the customer pays on Stripe's page (Stripe then calls our webhook, which fulfils the order)
    assert emulator.pay_checkout_session(started.data["session_id"], card="4242424242424242")["status"] == "succeeded"
    # then the payment is succeeded, the booking confirmed
    deadline = time.monotonic() + 20
    while api.get(f"/api/v1/payments/{payment_id}").data["status"] != "succeeded":
        assert time.monotonic() < deadline, "the payment was never recorded"
        time.sleep(0.1)
    assert api.get(f"/api/v1/bookings/{booked.data['id']}").data["status"] == "confirmed"
    # and the partner's server received order.paid and booking.confirmed, each signed with its secret
    deadline = time.monotonic() + 20
    while len(receiver.requests) < 2:
        assert time.monotonic() < deadline, f"only {len(receiver.requests)} deliveries arrived"
        time.sleep(0.1)
    verify = readme_verify()
    received = {}
    for request in receiver.requests:
        assert verify(request.body, request.headers[SIGNATURE_HEADER], secret)
        event = json.loads(request.body)
        received[event["type"]] = event["data"]["object"]
    assert set(received) == {"order.paid", "booking.confirmed"}
    assert (received["order.paid"]["payment_id"], received["order.paid"]["customer"]) == (payment_id, customer)
    assert received["booking.confirmed"]["id"] == booked.data["id"]


# --- Checkout sessions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("success_url", "cancel_url", "allowed"),
    [
        ("https://portal.example.com/paid?s={CHECKOUT_SESSION_ID}", "https://portal.example.com/back", True),
        ("https://PORTAL.example.com/paid", "https://portal.example.com:8443/back", True),
        ("https://evil.example.com/paid", "https://portal.example.com/back", False),
        ("https://portal.example.com/paid", "https://portal.example.com.evil.example/back", False),
        ("https://sub.portal.example.com/paid", "https://portal.example.com/back", False),
        ("https://user:pw@portal.example.com/paid", "https://portal.example.com/back", False),
        ("ftp://portal.example.com/paid", "https://portal.example.com/back", False),
    ],
    ids=["allowed", "case-and-port", "other-host", "suffix-trick", "subdomain", "credentials", "ftp"],
)
def test_redirects_only_to_the_partners_allowed_hosts(api, customer, emulator, success_url, cancel_url, allowed):
    course_with_lessons(slug="calm")
    response = checkout_courses(api, customer, "calm", success_url=success_url, cancel_url=cancel_url)
    if allowed:
        assert response.status_code == 201, response.data
        assert response.data["session_id"].startswith("cs_")
    else:
        assert response.status_code == 400
        assert response.data["error"]["code"] in ("url_not_allowed", "parameter_invalid")
        assert response.data["error"]["param"] in ("success_url", "cancel_url")
        assert not Order.objects.exists()


def test_courses_checkout_prices_on_our_side_and_replays_with_its_key(api, customer, emulator):
    course_with_lessons(slug="calm", price_amount=4900)
    course_with_lessons(slug="focus", price_amount=2500)
    body = {
        "item": {"type": "courses", "customer": customer, "courses": ["calm", "focus"]},
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
    }
    first = post(api, "/api/v1/checkout-sessions/", body, key="co-1")
    again = post(api, "/api/v1/checkout-sessions/", body, key="co-1")
    assert first.status_code == 201, first.data
    assert (first.data["amount"], first.data["currency"], first.data["display"]) == (7400, "usd", "$74.00")
    assert again.data == first.data
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("item", "status", "code"),
    [
        ({"type": "contract-that-does-not-exist"}, 400, "parameter_invalid"),
        ({"type": "courses", "customer": "{customer}", "courses": ["no-such-course"]}, 400, "parameter_invalid"),
        ({"type": "courses", "customer": "cus_unknown", "courses": ["calm"]}, 404, "resource_missing"),
        ({"type": "booking", "booking": "BKG-20260101-AAAAAA"}, 404, "resource_missing"),
        ({"type": "booking"}, 400, "parameter_missing"),
    ],
    ids=["unknown-type", "unknown-course", "unknown-customer", "unknown-booking", "no-booking"],
)
def test_checkout_item_errors(api, customer, item, status, code):
    course_with_lessons(slug="calm")
    item = {key: value.format(customer=customer) if isinstance(value, str) else value for key, value in item.items()}
    response = post(
        api, "/api/v1/checkout-sessions/", {"item": item, "success_url": SUCCESS_URL, "cancel_url": CANCEL_URL}
    )
    assert (response.status_code, response.data["error"]["code"]) == (status, code)


# --- Payments, orders, refunds ----------------------------------------------------------------------------


def test_payment_status_follows_the_order_through_refund(api, customer, emulator, django_capture_on_commit_callbacks):
    course_with_lessons(slug="calm", price_amount=4900)
    order = pay_courses(emulator, api, customer, "calm", capture=django_capture_on_commit_callbacks)
    payment = api.get(f"/api/v1/payments/{order.number}").data
    assert (payment["status"], payment["amount_received"], payment["customer"]) == ("succeeded", 4900, customer)
    assert [item["type"] for item in payment["items"]] == ["course"]
    listed = api.get("/api/v1/orders/", {"customer": customer}).data
    assert [row["id"] for row in listed["data"]] == [order.number]
    # when the partner asks for a refund within the policy
    with django_capture_on_commit_callbacks(execute=True):
        refund = post(api, "/api/v1/refunds/", {"order": order.number, "reason": "Not for me"})
    assert refund.status_code == 201, refund.data
    assert (refund.data["status"], refund.data["amount"]) == ("automatic", 4900)


@pytest.mark.parametrize(
    ("paid_days_ago", "status", "amount"),
    [(0, "automatic", 4900), (13, "automatic", 4900), (30, "pending", 4900)],
    ids=["today:automatic", "within-14-days:automatic", "after-14-days:staff-decide"],
)
def test_refund_requests_follow_the_sites_policy(
    api, customer, emulator, django_capture_on_commit_callbacks, paid_days_ago, status, amount
):
    course_with_lessons(slug="calm", price_amount=4900)
    order = pay_courses(emulator, api, customer, "calm", capture=django_capture_on_commit_callbacks)
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=paid_days_ago))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, "/api/v1/refunds/", {"order": order.number})
    assert response.status_code == 201, response.data
    assert (response.data["status"], response.data["amount"]) == (status, amount)
    assert RefundRequest.objects.get(order=order).status == status
    # and a second request while one is waiting or nothing is left is refused
    again = post(api, "/api/v1/refunds/", {"order": order.number})
    assert (again.status_code, again.data["error"]["code"]) == (409, "refund_refused")


def test_a_refund_replays_with_its_idempotency_key(api, customer, emulator, django_capture_on_commit_callbacks):
    course_with_lessons(slug="calm")
    order = pay_courses(emulator, api, customer, "calm", capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        first = post(api, "/api/v1/refunds/", {"order": order.number}, key="refund-1")
    again = post(api, "/api/v1/refunds/", {"order": order.number}, key="refund-1")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert RefundRequest.objects.filter(order=order).count() == 1


def test_a_refund_tells_the_partner_order_refunded_once(
    partner, api, customer, emulator, django_capture_on_commit_callbacks
):
    course_with_lessons(slug="calm", price_amount=4900)
    order = pay_courses(emulator, api, customer, "calm", capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        post(api, "/api/v1/refunds/", {"order": order.number})
    order.refresh_from_db()
    assert order.status == "refunded"
    all_events = list(PartnerEvent.objects.filter(partner=partner).order_by("pk").values_list("type", "data"))
    # the course it bought tells the partner too (enrollment.created); the order's own events come once each
    assert sorted(event_type for event_type, _ in all_events) == ["enrollment.created", "order.paid", "order.refunded"]
    events = [(event_type, data) for event_type, data in all_events if event_type.startswith("order.")]
    assert [event_type for event_type, _ in events] == ["order.paid", "order.refunded"]
    refunded = events[1][1]
    assert (refunded["status"], refunded["amount_refunded"], refunded["customer"]) == ("refunded", 4900, customer)


# --- Who sees what ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/payments/{order}"),
        ("get", "/api/v1/orders/{order}"),
        ("get", "/api/v1/orders/?customer={customer}"),
        ("post", "/api/v1/refunds/"),
        ("post", "/api/v1/checkout-sessions/"),
    ],
)
def test_another_partners_payment_order_refund_and_booking_are_404(
    api, customer, emulator, django_capture_on_commit_callbacks, method, path
):
    open_mentor()
    number = book(api, customer, day_at(4, 10)).data["id"]
    order = pay(emulator, api, number, django_capture_on_commit_callbacks)
    stranger = client_for(new_partner("Stranger"))
    url = path.format(order=order.number, customer=customer)
    body = {"order": order.number}
    if "checkout" in path:
        body = {"item": {"type": "booking", "booking": number}, "success_url": SUCCESS_URL, "cancel_url": CANCEL_URL}
    response = stranger.get(url) if method == "get" else post(stranger, url, body)
    assert (response.status_code, response.data["error"]["code"]) == (404, "resource_missing")
    assert stranger.get("/api/v1/orders/").data["data"] == []
    assert not RefundRequest.objects.exists()


@pytest.mark.parametrize(
    ("scopes", "method", "path", "allowed"),
    [
        (("orders:read",), "get", "/api/v1/orders/", True),
        (("checkout:write",), "get", "/api/v1/orders/", False),
        (("orders:read",), "get", "/api/v1/orders/{order}", True),
        (("bookings:write",), "get", "/api/v1/orders/{order}", False),
        (("checkout:write",), "get", "/api/v1/payments/{order}", True),
        (("orders:read",), "get", "/api/v1/payments/{order}", False),
        (("orders:read", "bookings:write"), "post", "/api/v1/checkout-sessions/", False),
        (("orders:read",), "post", "/api/v1/refunds/", False),
    ],
)
def test_each_money_endpoint_needs_its_scope(partner, api, customer, emulator, scopes, method, path, allowed):
    course_with_lessons(slug="calm")
    order_number = checkout_courses(api, customer, "calm").data["payment_id"]
    client = client_for(partner, scopes=scopes)
    url = path.format(order=order_number)
    response = client.get(url) if method == "get" else post(client, url, {})
    if allowed:
        assert response.status_code == 200, response.data
    else:
        assert (response.status_code, response.data["error"]["code"]) == (403, "scope_missing")
