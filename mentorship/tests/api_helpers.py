"""Helpers for the partner API's booking and checkout tests: a partner's client, its customers, a paid booking."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from commerce.checkout import order_fulfil_from_return
from commerce.models import CheckoutSession, Order
from innerwork.api.keys import SCOPES
from innerwork.api.tests.factories import PartnerFactory, key_for
from innerwork.scheduling.services import calendar_for
from mentorship.models import MentorProfile
from mentorship.tests.factories import MentorProfileFactory

SUCCESS_URL = "https://portal.example.com/paid?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://portal.example.com/cancelled"


def client_for(partner, *, scopes=tuple(SCOPES)) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key_for(partner, scopes=scopes)}")
    return client


def post(client: APIClient, path: str, body: dict | None = None, *, key: str | None = None):
    """A POST with its Idempotency-Key (a fresh one unless given)."""
    return client.post(path, body or {}, format="json", HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex)


def day_at(days: int, hour: int) -> datetime:
    return datetime.combine(timezone.now().date() + timedelta(days=days), time(hour), tzinfo=UTC)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_mentor(slug: str = "ana") -> MentorProfile:
    """An approved mentor at 120.00 an hour, free 06:00-22:00 UTC every day, no notice."""
    profile = MentorProfileFactory(
        slug=slug,
        status=MentorProfile.Status.APPROVED,
        meeting_url="https://meet.example/ana",
        session_lengths=[30, 60],
    )
    calendar = calendar_for(profile.user)
    calendar.min_notice_minutes = 0
    calendar.save()
    for weekday in range(7):
        calendar.weekly_rules.create(weekday=weekday, start_time=time(6), end_time=time(22))
    return profile


def customer_of(client: APIClient, external_id: str = "u-1") -> str:
    response = post(
        client, "/api/v1/customers/", {"email": f"{external_id}@portal.example", "external_id": external_id}
    )
    assert response.status_code == 201, response.data
    return response.data["id"]


def book(client: APIClient, customer: str, start: datetime, *, mentor: str = "ana", length: int = 60):
    body = {"customer": customer, "mentor": mentor, "start": utc(start), "length": length, "topic": "My first team"}
    return post(client, "/api/v1/bookings/", body)


def checkout_booking(client: APIClient, number: str):
    body = {"item": {"type": "booking", "booking": number}, "success_url": SUCCESS_URL, "cancel_url": CANCEL_URL}
    return post(client, "/api/v1/checkout-sessions/", body)


def pay(emulator, client: APIClient, number: str, django_capture_on_commit_callbacks) -> Order:
    """Check the booking out through the API, pay at the emulator, and apply the payment as the return page does."""
    started = checkout_booking(client, number)
    assert started.status_code == 201, started.data
    emulator.pay_checkout_session(started.data["session_id"], card="4242424242424242")
    order = Order.objects.get(number=started.data["payment_id"])
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil_from_return(order=order, session_id=started.data["session_id"])
    assert not order.checkout_sessions.filter(status=CheckoutSession.Status.OPEN).exists()
    order.refresh_from_db()
    return order


def new_partner(name: str = "Other Portal"):
    return PartnerFactory(name=name)
