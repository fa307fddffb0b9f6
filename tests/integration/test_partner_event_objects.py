"""Every partner event carries the API's own object: `data.object` is exactly what GET on the resource answers.

For each event type, the event is made to happen through the partner API and the Stripe emulator (the return
page applies the payment, as the site does); then the event's delivered body (the bytes partners receive)
and the API's answer for the resource are compared as JSON, whole. The moment is chosen so nothing about the
object changes between the event and the GET. What only the event says sits beside the object in `data`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction

from coaching.models import Contract
from coaching.tests.factories_sessions import coach_open_every_day, contract_waiting
from commerce.checkout import order_fulfil_from_return
from commerce.models import Order
from commerce.refunds.requests import AUTOMATIC_REFUND_REASON as AUTOMATIC
from courses.models import Enrollment, Lesson
from courses.services import lesson_complete
from courses.tests.factories import course_with_lessons
from innerwork.api.models import PartnerCustomer
from innerwork.api.tests.factories import PartnerFactory
from innerwork.api.webhooks.deliveries import event_payload
from innerwork.api.webhooks.models import PartnerEvent
from mentorship.tests.api_helpers import (
    CANCEL_URL,
    SUCCESS_URL,
    book,
    client_for,
    customer_of,
    day_at,
    open_mentor,
    pay,
    post,
    utc,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
CARD = "4242424242424242"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PARTNER_API_RATE = "100000/min"
    settings.COURSE_REFUND_DAYS = 14


@dataclass
class World:
    """The partner, its API client and its customer, the emulator, and Django's on_commit capture."""

    partner: object
    api: object
    customer: str
    emulator: object
    capture: Callable

    def checkout_and_pay(self, item: dict) -> Order:
        started = post(
            self.api, f"{API}/checkout-sessions/", {"item": item, "success_url": SUCCESS_URL, "cancel_url": CANCEL_URL}
        )
        assert started.status_code == 201, started.data
        self.emulator.pay_checkout_session(started.data["session_id"], card=CARD)
        order = Order.objects.get(number=started.data["payment_id"])
        with self.capture(execute=True):
            order_fulfil_from_return(order=order, session_id=started.data["session_id"])
        order.refresh_from_db()
        return order

    def refund(self, order: Order) -> None:
        with self.capture(execute=True):
            response = post(self.api, f"{API}/refunds/", {"order": order.number, "reason": "Not for me"})
        assert response.status_code == 201, response.data


# Each scenario makes its event happen and answers the path of the resource the event is about.


def booking_paid(world: World) -> str:
    open_mentor()
    booked = book(world.api, world.customer, day_at(4, 10))
    assert booked.status_code == 201, booked.data
    pay(world.emulator, world.api, booked.data["id"], world.capture)
    return f"{API}/bookings/{booked.data['id']}"


def booking_rescheduled(world: World) -> str:
    path = booking_paid(world)
    moved = post(world.api, f"{path}/reschedule", {"start": utc(day_at(5, 11))})
    assert moved.status_code == 200, moved.data
    return path


def booking_canceled(world: World) -> str:
    open_mentor()
    booked = book(world.api, world.customer, day_at(4, 10))
    assert booked.status_code == 201, booked.data
    canceled = post(world.api, f"{API}/bookings/{booked.data['id']}/cancel", {"reason": "Changed my mind"})
    assert canceled.status_code == 200, canceled.data
    return f"{API}/bookings/{booked.data['id']}"


def booking_order_paid(world: World) -> str:
    open_mentor()
    booked = book(world.api, world.customer, day_at(4, 10))
    assert booked.status_code == 201, booked.data
    order = pay(world.emulator, world.api, booked.data["id"], world.capture)
    return f"{API}/orders/{order.number}"


def course_order_refunded(world: World) -> str:
    course_with_lessons(slug="calm", price_amount=4900)
    order = world.checkout_and_pay({"type": "courses", "customer": world.customer, "courses": ["calm"]})
    world.refund(order)
    return f"{API}/orders/{order.number}"


def _contract_paid(world: World) -> tuple[Contract, Order]:
    student = PartnerCustomer.objects.get(partner=world.partner, public_id=world.customer).user
    contract = contract_waiting(coach=coach_open_every_day(), student=student, partner=world.partner)
    order = world.checkout_and_pay({"type": "contract", "number": contract.number})
    return contract, order


def contract_activated(world: World) -> str:
    contract, _order = _contract_paid(world)
    return f"{API}/contracts/{contract.number}/"


def contract_refunded(world: World) -> str:
    contract, order = _contract_paid(world)
    world.refund(order)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.REFUNDED
    return f"{API}/contracts/{contract.number}/"


def _course_bought(world: World) -> Enrollment:
    course_with_lessons(slug="calm", modules=1, lessons_per_module=2, price_amount=4900)
    world.checkout_and_pay({"type": "courses", "customer": world.customer, "courses": ["calm"]})
    return Enrollment.objects.get(course__slug="calm")


def enrollment_created(world: World) -> str:
    return f"{API}/enrollments/{_course_bought(world).pk}/"


def enrollment_completed(world: World) -> str:
    enrollment = _course_bought(world)
    with world.capture(execute=True), transaction.atomic():
        for lesson in Lesson.objects.filter(module__course=enrollment.course).order_by("position"):
            lesson_complete(enrollment=enrollment, lesson=lesson)
    return f"{API}/enrollments/{enrollment.pk}/"


EVENTS = [
    # (event type, scenario, what the event says beside the object in `data`, or None)
    ("booking.confirmed", booking_paid, None),
    # read when the test runs (a value taken at collection names another day when a run crosses midnight UTC)
    ("booking.rescheduled", booking_rescheduled, lambda: {"previous_attributes": {"start": utc(day_at(4, 10))}}),
    ("booking.canceled", booking_canceled, None),
    ("contract.activated", contract_activated, None),
    ("contract.ended", contract_refunded, None),
    ("order.paid", booking_order_paid, None),
    ("order.refunded", course_order_refunded, {"refund": {"amount": 4900, "currency": "usd", "reason": AUTOMATIC}}),
    ("enrollment.created", enrollment_created, None),
    ("enrollment.completed", enrollment_completed, None),
]


@pytest.mark.parametrize(("type", "scenario", "beside"), EVENTS, ids=[row[0] for row in EVENTS])
def test_the_events_data_object_is_the_apis_object(
    emulator, django_capture_on_commit_callbacks, type, scenario, beside
):
    # given a partner with a customer
    partner = PartnerFactory(name="Wellbeing Portal")
    api = client_for(partner)
    world = World(partner, api, customer_of(api, "maya"), emulator, django_capture_on_commit_callbacks)
    # when the event happens through the API and the emulator
    path = scenario(world)
    # then the partner has it once, and its delivered `data.object` is, field for field, what GET answers now
    [event] = PartnerEvent.objects.filter(partner=partner, type=type)
    delivered = json.loads(event_payload(event))["data"]
    answer = api.get(path)
    assert answer.status_code == 200, answer.data
    assert delivered["object"] == answer.json()
    assert delivered["object"]["customer"] == world.customer
    # and what only the event says is beside the object, not inside it
    expected_beside = beside() if callable(beside) else beside
    assert {key: value for key, value in delivered.items() if key != "object"} == (expected_beside or {})
