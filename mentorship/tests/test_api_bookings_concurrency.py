"""Duplicate booking POSTs from real threads on PostgreSQL: one booking, one hold, one order, whatever the race.

Each thread has its own API client and its own database connection; a barrier releases them together.
Two races: the same request sent N times at once (same Idempotency-Key and body: the key decides) and N
different requests for one time (different keys: the mentor's calendar lock and the database decide).
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections

from commerce.models import Order
from innerwork.scheduling.models import Appointment
from mentorship.models import Booking
from mentorship.tests.api_helpers import client_for, customer_of, day_at, new_partner, open_mentor, utc

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.PARTNER_API_RATE = "100000/min"
    settings.PARTNER_API_BURST = 100000


def post_all_at_once(requests: list[tuple]) -> list:
    """POST every (client, body, idempotency key) from its own thread, released together; the responses in order."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)
    errors: list[Exception] = []

    def send(index: int, client, body: dict, key: str) -> None:
        try:
            barrier.wait(timeout=30)
            responses[index] = client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        except Exception as error:  # reported below: a thread's crash must fail the test, not vanish
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(index, *request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return responses


@pytest.fixture
def partner_api():
    """A partner's key (one client per thread, all with that key), one customer of it, and an open mentor."""
    assert connection.vendor == "postgresql"
    open_mentor()
    partner = new_partner("Wellbeing Portal")
    first = client_for(partner)
    clients = [first] + [client_for(partner) for _ in range(THREADS - 1)]
    return {"partner": partner, "clients": clients, "customer": customer_of(first)}


def test_the_same_request_sent_at_once_makes_one_booking_and_every_other_answer_replays_it_or_is_409(
    partner_api,
):
    # given one booking request (body and Idempotency-Key) and one key of the partner, shared by all threads
    client = partner_api["clients"][0]
    body = {
        "customer": partner_api["customer"],
        "mentor": "ana",
        "start": utc(day_at(3, 10)),
        "length": 60,
        "topic": "My first team",
    }
    key = str(uuid.uuid4())

    # when eight threads send it at the same moment
    responses = post_all_at_once([(client, body, key)] * THREADS)

    # then one booking was made, with one hold on the mentor's calendar and one order
    [booking] = Booking.objects.all()
    assert Appointment.objects.filter(status=Appointment.Status.HELD).count() == 1
    assert booking.appointment.status == Appointment.Status.HELD
    assert Order.objects.count() == 1
    assert Order.objects.get().status == "pending"
    # and exactly one answer made it; every other one is its replay (same body) or 409 while it ran
    made = [r for r in responses if r.status_code == 201 and r.get("Idempotent-Replayed") is None]
    replays = [r for r in responses if r.get("Idempotent-Replayed") == "true"]
    in_progress = [r for r in responses if r.status_code == 409]
    assert len(made) == 1, [(r.status_code, r.json()) for r in responses]
    assert made[0].json()["id"] == booking.number
    assert len(made) + len(replays) + len(in_progress) == THREADS
    assert all((r.status_code, r.json()) == (201, made[0].json()) for r in replays)
    assert {r.json()["error"]["code"] for r in in_progress} <= {"idempotency_request_in_progress"}
    # and once the first has finished, sending it again replays it
    again = client.post("/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (again.status_code, again["Idempotent-Replayed"], again.json()) == (201, "true", made[0].json())
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("same_customer", [True, False], ids=["one-customer", "different-customers"])
def test_different_requests_for_one_slot_at_once_book_it_once_and_the_others_get_slot_taken(partner_api, same_customer):
    # given eight requests (each its own Idempotency-Key) for the same hour, from one customer or from eight
    clients = partner_api["clients"]
    customers = (
        [partner_api["customer"]] * THREADS
        if same_customer
        else [partner_api["customer"]] + [customer_of(clients[0], f"u-{n}") for n in range(2, THREADS + 1)]
    )
    start = utc(day_at(3, 14))
    requests = [
        (
            client,
            {"customer": customer, "mentor": "ana", "start": start, "length": 60, "topic": "Same hour"},
            str(uuid.uuid4()),
        )
        for client, customer in zip(clients, customers, strict=True)
    ]

    # when they all arrive at once
    responses = post_all_at_once(requests)

    # then exactly one booked the hour: one booking, one hold, one order
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (THREADS - 1), [(r.status_code, r.json()) for r in responses]
    [booking] = Booking.objects.all()
    [made] = [r for r in responses if r.status_code == 201]
    assert made.json()["id"] == booking.number
    assert Appointment.objects.count() == 1
    assert booking.appointment.status == Appointment.Status.HELD
    assert Order.objects.count() == 1
    # and every other request was told the slot is taken, naming the field, with other times to offer
    for refused in (r for r in responses if r.status_code == 409):
        error = refused.json()["error"]
        assert (error["code"], error["param"]) == ("slot_taken", "start")
        assert error["alternatives"]
        assert all(slot["start"] != start for slot in error["alternatives"])
        assert refused.get("Idempotent-Replayed") is None
