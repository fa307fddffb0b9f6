"""The partner API's bookings over HTTP: book, read, list, reschedule, cancel (with its quote), as the site does."""

from __future__ import annotations

import pytest

from commerce.models import Order
from innerwork.api.webhooks.models import PartnerEvent
from mentorship.bookings import BOOKING_KIND
from mentorship.models import Booking
from mentorship.tests.api_helpers import (
    book,
    client_for,
    customer_of,
    day_at,
    new_partner,
    open_mentor,
    pay,
    post,
    utc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.BOOKING_CANCEL_REFUND_TIERS = "48:100,24:50"
    settings.PARTNER_API_RATE = "100000/min"


@pytest.fixture
def mentor():
    return open_mentor()


@pytest.fixture
def partner():
    return new_partner("Wellbeing Portal")


@pytest.fixture
def api(partner):
    return client_for(partner)


@pytest.fixture
def customer(api):
    return customer_of(api)


def test_booking_holds_the_slot_priced_on_our_side_and_reads_back(api, mentor, customer):
    # given a free hour in three days
    start = day_at(3, 10)
    # when the partner books it for its customer
    created = book(api, customer, start)
    # then the booking waits for payment, priced from the mentor's rate, holding that time
    assert created.status_code == 201, created.data
    data = created.data
    assert (data["status"], data["customer"], data["mentor"], data["start"]) == (
        "pending_payment",
        customer,
        "ana",
        utc(start),
    )
    assert data["price"] == {"amount": 12000, "currency": "usd", "display": "$120.00"}
    assert Booking.objects.get(number=data["id"]).appointment.status == "held"
    # and it reads back, alone and in the customer's list
    assert api.get(f"/api/v1/bookings/{data['id']}").data == data
    listed = api.get("/api/v1/bookings/", {"customer": customer}).data
    assert [booking["id"] for booking in listed["data"]] == [data["id"]]


def test_a_taken_time_is_409_slot_taken_with_free_times_nearby(api, mentor, customer):
    start = day_at(3, 11)
    assert book(api, customer, start).status_code == 201
    other = customer_of(api, "u-2")
    # when another customer asks for the same hour
    response = book(api, other, start)
    # then it is refused with alternatives to offer instead
    assert response.status_code == 409
    error = response.data["error"]
    assert (error["code"], error["param"]) == ("slot_taken", "start")
    assert error["alternatives"]
    assert all(slot["start"] != utc(start) for slot in error["alternatives"])


@pytest.mark.parametrize(
    ("change", "status", "code", "param"),
    [
        ({"length": 45}, 400, "parameter_invalid", "length"),
        ({"mentor": "nobody"}, 400, "parameter_invalid", "mentor"),
        ({"start": "2026-12-07T09:00:00"}, 400, "parameter_invalid", "start"),
        ({"topic": ""}, 400, "parameter_invalid", "topic"),
        ({"customer": "cus_doesnotexist"}, 404, "resource_missing", None),
    ],
    ids=["length-not-offered", "unknown-mentor", "naive-time", "no-topic", "unknown-customer"],
)
def test_invalid_bookings_are_refused_with_the_field_named(api, mentor, customer, change, status, code, param):
    body = {"customer": customer, "mentor": "ana", "start": utc(day_at(3, 12)), "length": 60, "topic": "Hi"}
    response = post(api, "/api/v1/bookings/", {**body, **change})
    assert response.status_code == status, response.data
    assert (response.data["error"]["code"], response.data["error"]["param"]) == (code, param)
    assert not Booking.objects.exists()


def test_the_same_idempotency_key_replays_the_booking_and_books_once(api, mentor, customer):
    body = {"customer": customer, "mentor": "ana", "start": utc(day_at(4, 9)), "length": 30, "topic": "Hi"}
    first = post(api, "/api/v1/bookings/", body, key="book-1")
    again = post(api, "/api/v1/bookings/", body, key="book-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.data == first.data
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1
    assert post(api, "/api/v1/bookings/", {**body, "topic": "Other"}, key="book-1").status_code == 422


def test_reschedule_moves_a_paid_booking_and_tells_the_partner(
    api, partner, mentor, customer, emulator, django_capture_on_commit_callbacks
):
    number = book(api, customer, day_at(5, 10)).data["id"]
    pay(emulator, api, number, django_capture_on_commit_callbacks)
    # when the partner moves it a day later
    new_start = day_at(6, 14)
    moved = post(api, f"/api/v1/bookings/{number}/reschedule", {"start": utc(new_start)})
    # then it is there, and booking.confirmed then booking.rescheduled were emitted for this partner's customer
    assert moved.status_code == 200, moved.data
    assert (moved.data["start"], moved.data["reschedule_count"]) == (utc(new_start), 1)
    events = list(PartnerEvent.objects.filter(partner=partner).order_by("pk").values_list("type", "data"))
    assert [event_type for event_type, _ in events] == ["booking.confirmed", "order.paid", "booking.rescheduled"]
    assert all(data["customer"] == customer for _, data in events)


def test_reschedule_of_an_unpaid_booking_is_refused(api, mentor, customer):
    number = book(api, customer, day_at(5, 11)).data["id"]
    response = post(api, f"/api/v1/bookings/{number}/reschedule", {"start": utc(day_at(6, 11))})
    assert (response.status_code, response.data["error"]["code"]) == (409, "booking_refused")


@pytest.mark.parametrize(
    ("tiers", "refund"),
    [("48:100", 12000), ("150:100,48:50", 6000), ("200:100,150:50", 0)],
    ids=["enough-notice:all", "middle-tier:half", "too-late:nothing"],
)
def test_cancel_preview_quotes_the_policy_and_cancel_refunds_exactly_that(
    settings, api, partner, mentor, customer, emulator, django_capture_on_commit_callbacks, tiers, refund
):
    # given a paid 60-minute booking 84 to 108 hours from now, under these notice tiers
    settings.BOOKING_CANCEL_REFUND_TIERS = tiers
    number = book(api, customer, day_at(4, 12)).data["id"]
    order = pay(emulator, api, number, django_capture_on_commit_callbacks)
    # when the partner previews the cancellation
    preview = post(api, f"/api/v1/bookings/{number}/cancel?preview=true")
    # then the quote is the policy's, and nothing happened
    assert preview.status_code == 200, preview.data
    assert (preview.data["preview"], preview.data["refund"]["amount"]) == (True, refund)
    assert Booking.objects.get(number=number).status == "confirmed"
    # when it cancels
    with django_capture_on_commit_callbacks(execute=True):
        done = post(api, f"/api/v1/bookings/{number}/cancel", {"reason": "Plans changed"})
    # then the booking is cancelled, exactly the quoted amount is refunded, and the partner hears booking.canceled
    assert done.status_code == 200, done.data
    assert (done.data["booking"]["status"], done.data["refund"]["amount"]) == ("canceled", refund)
    assert sum(order.refunds.values_list("amount", flat=True)) == refund
    assert PartnerEvent.objects.filter(partner=partner, type="booking.canceled").count() == 1


def test_a_canceled_booking_cannot_be_canceled_again(api, mentor, customer):
    number = book(api, customer, day_at(5, 12)).data["id"]
    assert post(api, f"/api/v1/bookings/{number}/cancel").status_code == 200
    again = post(api, f"/api/v1/bookings/{number}/cancel")
    assert (again.status_code, again.data["error"]["code"]) == (409, "booking_refused")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/bookings/{number}"),
        ("post", "/api/v1/bookings/{number}/reschedule"),
        ("post", "/api/v1/bookings/{number}/cancel"),
        ("post", "/api/v1/bookings/{number}/cancel?preview=true"),
        ("get", "/api/v1/bookings/?customer={customer}"),
    ],
)
def test_another_partners_booking_and_customer_are_404(api, mentor, customer, method, path):
    number = book(api, customer, day_at(5, 13)).data["id"]
    stranger = client_for(new_partner("Stranger"))
    url = path.format(number=number, customer=customer)
    response = stranger.get(url) if method == "get" else post(stranger, url, {"start": utc(day_at(6, 13))})
    assert (response.status_code, response.data["error"]["code"]) == (404, "resource_missing")
    assert Booking.objects.get(number=number).status == "pending_payment"
    assert stranger.get("/api/v1/bookings/").data["data"] == []


@pytest.mark.parametrize(
    ("scopes", "method", "path", "allowed"),
    [
        (("bookings:write",), "post", "/api/v1/bookings/", True),
        (("orders:read", "checkout:write"), "post", "/api/v1/bookings/", False),
        (("bookings:write",), "get", "/api/v1/bookings/", True),
        (("orders:read",), "get", "/api/v1/bookings/", False),
        (("catalogue:read",), "post", "/api/v1/bookings/{number}/cancel", False),
        (("catalogue:read",), "get", "/api/v1/bookings/{number}", False),
    ],
)
def test_bookings_need_the_bookings_write_scope(partner, api, mentor, customer, scopes, method, path, allowed):
    number = book(api, customer, day_at(5, 14)).data["id"]
    client = client_for(partner, scopes=scopes)
    url = path.format(number=number)
    body = {"customer": customer, "mentor": "ana", "start": utc(day_at(5, 16)), "length": 30, "topic": "Hi"}
    response = client.get(url) if method == "get" else post(client, url, body)
    if allowed:
        assert response.status_code in (200, 201), response.data
    else:
        assert (response.status_code, response.data["error"]["code"]) == (403, "scope_missing")


def _listed(api, django_assert_max_num_queries) -> tuple[dict, int]:
    with django_assert_max_num_queries(50) as counted:
        response = api.get("/api/v1/bookings/")
    assert response.status_code == 200, response.data
    return {item["id"]: item["payment_id"] for item in response.data["data"]}, len(counted.captured_queries)


def test_the_bookings_list_costs_as_many_queries_for_five_bookings_as_for_one(
    api, mentor, customer, django_assert_max_num_queries
):
    # given one booking, listed
    numbers = [book(api, customer, day_at(3, 6)).data["id"]]
    _, queries_for_one = _listed(api, django_assert_max_num_queries)
    # when four more are booked and the list is read again
    numbers += [book(api, customer, day_at(3, 7 + hour)).data["id"] for hour in range(4)]
    listed, queries_for_five = _listed(api, django_assert_max_num_queries)
    # then it took the same queries, and each row names its own payment (its order's number)
    assert queries_for_five == queries_for_one
    assert sorted(listed) == sorted(numbers)
    for number, payment_id in listed.items():
        booking = Booking.objects.get(number=number)
        assert payment_id == Order.objects.get(lines__kind=BOOKING_KIND, lines__ref=str(booking.pk)).number
