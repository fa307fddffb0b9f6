"""Real objects for the schema fuzzer: one partner's customers with bookings, orders, proposals, a contract
and an enrollment, and the schemathesis hooks that put their ids into the requests it generates.

Everything a partner owns is made the way a partner makes it, through the API (customers, bookings,
checkout, accepting a proposal, booking a contract's session) and paid on the Stripe emulator, so the
objects stay the partner's whatever rule decides which orders and bookings it may see. Only what no
partner does is made with services or factories: the catalogue, and the coach's proposals.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from hypothesis import strategies as st
from rest_framework.test import APIClient

from coaching.conversation import inquiry_start, proposal_send
from coaching.tests.factories_sessions import TERMS, coach_open_every_day
from commerce.checkout import order_fulfil_from_return
from commerce.models import Order
from courses.models import Enrollment
from courses.tests.factories import course_with_lessons
from innerwork.api.models import PartnerCustomer
from innerwork.api.tests.factories import PartnerFactory, key_for
from mentorship.tests.api_helpers import day_at, open_mentor, utc

SUCCESS_URL = "https://portal.example.com/paid?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://portal.example.com/cancelled"
# The collection a path's id names (the segment before it): payments are their orders' numbers.
COLLECTION_OF_PAYMENTS = {"payments": "orders"}


@dataclass
class FuzzWorld:
    """The raw key, and the ids of each collection (`bookings`, `orders`, …) the partner may read."""

    key: str
    ids: dict[str, list] = field(default_factory=dict)

    def ids_for_path(self, path: str) -> list:
        """The real ids for the one parameter of an operation's path: `/api/v1/bookings/{number}/cancel` → bookings."""
        collection = path.split("/{", 1)[0].rsplit("/", 1)[-1]
        return self.ids.get(COLLECTION_OF_PAYMENTS.get(collection, collection), [])


class _Partner:
    """A partner's calls, as in README's quick start: JSON, its key, a fresh Idempotency-Key per POST."""

    def __init__(self, key: str):
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, path: str, **query) -> dict:
        response = self.client.get(f"/api/v1/{path}", query)
        assert response.status_code == 200, (path, response.status_code, response.content[:500])
        return response.json()

    def post(self, path: str, body: dict | None = None, *, expect: int = 201) -> dict:
        response = self.client.post(
            f"/api/v1/{path}", body or {}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
        )
        assert response.status_code == expect, (path, response.status_code, response.content[:500])
        return response.json()

    def pay(self, item: dict, *, emulator, capture) -> str:
        """Check `item` out, pay with 4242 on the emulator, come back as the success page does; the order number."""
        started = self.post("checkout-sessions/", {"item": item, "success_url": SUCCESS_URL, "cancel_url": CANCEL_URL})
        emulator.pay_checkout_session(started["session_id"], card="4242424242424242")
        with capture(execute=True):
            order_fulfil_from_return(
                order=Order.objects.get(number=started["payment_id"]), session_id=started["session_id"]
            )
        assert self.get(f"payments/{started['payment_id']}")["status"] == "succeeded"
        return started["payment_id"]


def _proposal(*, coach, student, title: str):
    inquiry = inquiry_start(coach=coach, student=student, goals="Lead my first team well.")
    return proposal_send(
        inquiry=inquiry,
        actor=coach.user,
        terms={**TERMS, "title": title},
        expires_at=timezone.now() + timedelta(days=7),
    )


def fuzz_world_build(*, emulator, capture) -> FuzzWorld:
    """A partner with two customers, and of the first: a booking waiting for payment, a paid booking, a paid
    course (its enrollment), an accepted proposal whose contract is paid with one session booked, and an
    open proposal; the second has an open proposal of their own. About a dozen API calls and three payments.
    """
    # the catalogue (no partner makes it)
    course = course_with_lessons(slug="calm", price_amount=4900)
    mentor = open_mentor("ana")
    coach = coach_open_every_day()
    key = key_for(PartnerFactory(name="Fuzzing Portal", allowed_redirect_hosts=["portal.example.com"]))
    partner = _Partner(key)

    # the partner's customers
    ada = partner.post(
        "customers/",
        {"email": "ada@portal.example", "name": "Ada Lovelace", "time_zone": "Europe/London", "external_id": "u-1"},
    )["id"]
    bob = partner.post("customers/", {"email": "bob@portal.example", "external_id": "u-2"})["id"]

    # bookings: one waiting for payment, one paid
    def book(start) -> dict:
        body = {"customer": ada, "mentor": mentor.slug, "start": utc(start), "length": 60, "topic": "My first team"}
        return partner.post("bookings/", body)

    waiting = book(day_at(3, 10))
    paid = book(day_at(4, 10))
    paid_order = partner.pay({"type": "booking", "booking": paid["id"]}, emulator=emulator, capture=capture)

    # a paid course, which enrolls the customer
    courses = {"type": "courses", "customer": ada, "courses": [course.slug]}
    course_order = partner.pay(courses, emulator=emulator, capture=capture)
    ada_user, bob_user = (PartnerCustomer.objects.get(public_id=public_id).user for public_id in (ada, bob))
    enrollment = Enrollment.objects.get(course=course, user=ada_user)

    # coaching: a proposal accepted and its contract paid, with one session booked; then two open proposals
    accepted = _proposal(coach=coach, student=ada_user, title="Lead your first team")
    contract = partner.post(f"proposals/{accepted.number}/accept/", expect=200)["contract"]
    contract_order = partner.pay({"type": "contract", "number": contract}, emulator=emulator, capture=capture)
    partner.post(f"contracts/{contract}/sessions/", {"start_at": utc(day_at(5, 9))})
    open_for_ada = _proposal(coach=coach, student=ada_user, title="Keep going")
    open_for_bob = _proposal(coach=coach, student=bob_user, title="Lead your first team")
    return FuzzWorld(
        key=key,
        ids={
            "customers": [ada, bob],
            "bookings": [waiting["id"], paid["id"]],
            "orders": [waiting["payment_id"], paid_order, course_order, contract_order],
            "enrollments": [enrollment.pk],
            "proposals": [accepted.number, open_for_ada.number, open_for_bob.number],
            "contracts": [contract],
            "mentors": [mentor.slug],
            "coaches": [coach.slug],
            "courses": [course.slug],
            # free times of the mentor and the coach (both open 06:00-22:00 UTC every day), for bodies
            "starts": [utc(day_at(days, hour)) for days in (6, 7) for hour in (9, 12, 15)],
            "lengths": sorted(mentor.session_lengths),
            "urls": [SUCCESS_URL, CANCEL_URL],
        },
    )


# Body fields (at any depth: checkout's `item` too) that name an object, and the collection of its real ids.
BODY_FIELDS = {
    "customer": "customers",
    "mentor": "mentors",
    "booking": "bookings",
    "order": "orders",
    "number": "contracts",  # the contract checkout item's number
    "length": "lengths",
    "start": "starts",
    "start_at": "starts",
    "success_url": "urls",
    "cancel_url": "urls",
}


def _real_or_drawn(world: FuzzWorld, value):
    """A strategy for `value` (a body or part of one) with each field in BODY_FIELDS real or as drawn."""
    if isinstance(value, dict):
        return st.fixed_dictionaries(
            {
                name: st.sampled_from([*world.ids[BODY_FIELDS[name]], item])
                if name in BODY_FIELDS and not isinstance(item, dict | list)
                else _real_or_drawn(world, item)
                for name, item in value.items()
            }
        )
    return st.just(value)


def real_ids_hooks(world: FuzzWorld) -> dict:
    """Schemathesis hooks (by name) that draw path ids, `customer` query values and the ids in JSON bodies
    from `world`'s real ones.

    Each value is a real id or the one schemathesis drew, so unknown and malformed ids are still sent.
    """

    def flatmap_path_parameters(context, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        real = world.ids_for_path(context.operation.path)
        return st.fixed_dictionaries({name: st.sampled_from([*real, value]) for name, value in path_parameters.items()})

    def flatmap_query(context, query):
        if not isinstance(query, dict) or "customer" not in query:
            return st.just(query)
        choices = [*world.ids["customers"], query["customer"]]
        return st.sampled_from(choices).map(lambda customer: {**query, "customer": customer})

    def flatmap_body(context, body):
        return _real_or_drawn(world, body)

    return {
        "flatmap_path_parameters": flatmap_path_parameters,
        "flatmap_query": flatmap_query,
        "flatmap_body": flatmap_body,
    }
