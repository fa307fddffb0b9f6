"""A partner sees what was made through it: one person, the customer of two partners, who also buys on the site.

Through each partner (over the API) and on the site the same person books a mentor, buys a course and accepts
a coach's proposal, and pays each on the Stripe emulator. Then, for every object type (order, payment, refund
request, booking, enrollment, contract, proposal) and each viewer (partner A, partner B): visible or 404, in
lists and details; and every webhook event went to the partner the object was made through, and only to it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from coaching.contracts import contract_pay
from coaching.conversation import proposal_accept
from coaching.models import CONTRACT_KIND, Contract, Proposal
from coaching.status import contract_set_status
from coaching.tests.factories import InquiryFactory, ProposalFactory
from coaching.tests.factories_sessions import coach_open_every_day
from commerce.checkout import order_checkout, order_create_for_item, order_fulfil_from_return
from commerce.models import CheckoutSession, Order, RefundRequest
from courses.models import COURSE_KIND, Enrollment, Lesson
from courses.services import lesson_complete
from courses.tests.factories import course_with_lessons
from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.tests.factories import PartnerFactory, key_for
from innerwork.api.webhooks.models import PartnerEvent
from mentorship.bookings import booking_cancel, booking_start
from mentorship.models import Booking
from mentorship.tests.api_helpers import day_at, open_mentor, utc

pytestmark = pytest.mark.django_db

API = "/api/v1"
EMAIL = "pat@example.com"
SUCCESS_URL = "https://portal.example.com/paid"
CANCEL_URL = "https://portal.example.com/"
CARD = "4242424242424242"
SITE = "site"


def client_for(partner) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key_for(partner)}")
    return client


def post(client: APIClient, path: str, body: dict | None = None):
    response = client.post(API + path, body or {}, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert response.status_code in (200, 201), (path, response.json())
    return response.json()


@dataclass
class Bought:
    """What one channel (a partner, or the site) made for the person: numbers and ids as the API names them."""

    orders: list[str] = field(default_factory=list)
    booking: str = ""
    enrollment: int = 0
    contract: str = ""
    course_order: str = ""


class World:
    """The person, partners A and B (each with its API client and customer id), and what each channel bought."""

    def __init__(self, emulator, capture):
        self.emulator, self.capture = emulator, capture
        self.person = UserFactory(email=EMAIL, full_name="Pat Person")
        self.partners = {"A": PartnerFactory(name="Portal A"), "B": PartnerFactory(name="Portal B")}
        self.clients = {name: client_for(partner) for name, partner in self.partners.items()}
        self.customers = {
            name: post(client, "/customers/", {"email": EMAIL, "external_id": f"{name}-1"})["id"]
            for name, client in self.clients.items()
        }
        self.bought = {name: Bought() for name in ("A", "B", SITE)}
        self.open_proposal = ProposalFactory(inquiry=InquiryFactory(coach=coach_open_every_day(), student=self.person))

    def pay_api(self, started: dict) -> str:
        """Pay a partner's checkout session with 4242 on the emulator; fulfil it as the return page does."""
        self.emulator.pay_checkout_session(started["session_id"], card=CARD)
        order = Order.objects.get(number=started["payment_id"])
        with self.capture(execute=True):
            order_fulfil_from_return(order=order, session_id=started["session_id"])
        return order.number

    def pay_site(self, order: Order) -> str:
        order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
        session_id = order.checkout_sessions.get(status=CheckoutSession.Status.OPEN).stripe_id
        self.emulator.pay_checkout_session(session_id, card=CARD)
        with self.capture(execute=True):
            order_fulfil_from_return(order=order, session_id=session_id)
        return order.number

    def checkout(self, name: str, item: dict) -> dict:
        body = {"item": item, "success_url": SUCCESS_URL, "cancel_url": CANCEL_URL}
        return post(self.clients[name], "/checkout-sessions/", body)

    def buy_through_partner(self, name: str, *, hour: int, mentor, course, proposal: Proposal) -> None:
        client, customer, bought = self.clients[name], self.customers[name], self.bought[name]
        booking = post(
            client,
            "/bookings/",
            {"customer": customer, "mentor": mentor.slug, "start": utc(day_at(3, hour)), "length": 60, "topic": "Hi"},
        )
        bought.booking = booking["id"]
        bought.orders.append(self.pay_api(self.checkout(name, {"type": "booking", "booking": booking["id"]})))
        bought.course_order = self.pay_api(
            self.checkout(name, {"type": "courses", "customer": customer, "courses": [course.slug]})
        )
        bought.orders.append(bought.course_order)
        bought.enrollment = Enrollment.objects.get(user=self.person, course=course).pk
        bought.contract = post(client, f"/proposals/{proposal.number}/accept/")["contract"]
        bought.orders.append(self.pay_api(self.checkout(name, {"type": "contract", "number": bought.contract})))

    def buy_on_the_site(self, *, hour: int, mentor, course, proposal: Proposal) -> None:
        bought = self.bought[SITE]
        booking, order = booking_start(
            customer=self.person, mentor=mentor, start_at=day_at(3, hour), minutes=60, topic="Mine"
        )
        bought.booking = booking.number
        bought.orders.append(self.pay_site(order))
        bought.course_order = self.pay_site(
            order_create_for_item(user=self.person, kind=COURSE_KIND, ref=str(course.pk))
        )
        bought.orders.append(bought.course_order)
        bought.enrollment = Enrollment.objects.get(user=self.person, course=course).pk
        contract = proposal_accept(proposal=proposal, student=self.person)
        bought.contract = contract.number
        bought.orders.append(self.pay_site(contract_pay(contract=contract, user=self.person)))


@pytest.fixture
def world(emulator, django_capture_on_commit_callbacks):
    world = World(emulator, django_capture_on_commit_callbacks)
    mentor = open_mentor("ana")
    for hour, channel in enumerate(("A", "B", SITE), start=9):
        course = course_with_lessons(slug=f"course-{channel.lower()}", modules=1, lessons_per_module=2)
        proposal = ProposalFactory(inquiry=InquiryFactory(coach=coach_open_every_day(), student=world.person))
        if channel == SITE:
            world.buy_on_the_site(hour=hour, mentor=mentor, course=course, proposal=proposal)
        else:
            world.buy_through_partner(channel, hour=hour, mentor=mentor, course=course, proposal=proposal)
    # every purchase went through: three paid orders a channel, a confirmed booking, an active contract each
    assert Order.objects.filter(user=world.person, status=Order.Status.PAID).count() == 9
    assert set(Booking.objects.filter(customer=world.person).values_list("status", flat=True)) == {"confirmed"}
    assert set(Contract.objects.filter(student=world.person).values_list("status", flat=True)) == {"active"}
    return world


# --- Who sees what ------------------------------------------------------------------------------------------

# object type -> (detail path, list path or None, the listed item's id field)
ENDPOINTS = {
    "order": ("/orders/{order}", "/orders/?customer={customer}", "id"),
    "payment": ("/payments/{order}", None, "id"),
    "booking": ("/bookings/{booking}", "/bookings/?customer={customer}", "id"),
    "enrollment": ("/enrollments/{enrollment}/", "/enrollments/?customer={customer}", "id"),
    "contract": ("/contracts/{contract}/", "/contracts/?customer={customer}", "number"),
}
CHANNELS = ("A", "B", SITE)
VIEWERS = ("A", "B")

# (object type, made through, viewer) -> visible: a partner sees exactly what was made through it.
VISIBILITY = {(kind, made, viewer): made == viewer for kind in ENDPOINTS for made in CHANNELS for viewer in VIEWERS}


def _ids(world: World, made: str) -> dict:
    bought = world.bought[made]
    return {
        "order": bought.course_order,
        "booking": bought.booking,
        "enrollment": bought.enrollment,
        "contract": bought.contract,
    }


def test_each_partner_sees_in_details_only_what_was_made_through_it(world):
    seen = {}
    for kind, made, viewer in VISIBILITY:
        detail, _, _ = ENDPOINTS[kind]
        response = world.clients[viewer].get(API + detail.format(**_ids(world, made)))
        assert response.status_code in (200, 404), response.json()
        if response.status_code == 404:
            assert response.json()["error"]["code"] == "resource_missing"
        seen[(kind, made, viewer)] = response.status_code == 200
    assert seen == VISIBILITY


def test_each_partner_lists_only_what_was_made_through_it(world):
    for viewer in VIEWERS:
        for kind, (_, listing, id_field) in ENDPOINTS.items():
            if listing is None:
                continue
            for path in (listing.format(customer=world.customers[viewer]), listing.split("?")[0]):
                if kind in ("enrollment", "contract") and "?" not in path:
                    continue  # these lists need the customer
                response = world.clients[viewer].get(API + path)
                assert response.status_code == 200, response.json()
                # each once (a person linked to two partners must not make a row twice) and nothing else
                listed = sorted(str(item[id_field]) for item in response.json()["data"])
                expected = world.bought[viewer].orders if kind == "order" else [str(_ids(world, viewer)[kind])]
                assert listed == sorted(expected), (viewer, kind, path)
                customers = {item["customer"] for item in response.json()["data"]}
                assert customers == {world.customers[viewer]}, (viewer, kind, path)


def test_proposals_stay_visible_to_every_partner_of_the_person_and_contracts_show_only_to_their_own(world):
    for viewer in VIEWERS:
        client = world.clients[viewer]
        listed = client.get(f"{API}/proposals/", {"customer": world.customers[viewer]}).json()["data"]
        contracts = {item["number"]: item["contract"] for item in listed}
        # all four proposals (three accepted, one open) are listed to both partners ...
        assert set(contracts) == set(Proposal.objects.filter(student=world.person).values_list("number", flat=True))
        # ... but an accepted one names its contract only to the partner it was accepted through
        assert sorted(number for number in contracts.values() if number) == [world.bought[viewer].contract]
        detail = client.get(f"{API}/proposals/{world.open_proposal.number}/")
        assert (detail.status_code, detail.json()["status"]) == (200, "sent")


def test_accepting_again_through_another_partner_does_not_make_the_contract_theirs(world):
    # given the proposal accepted through A
    proposal = Proposal.objects.get(contract__number=world.bought["A"].contract)
    # when B accepts it again for the same person
    answer = post(world.clients["B"], f"/proposals/{proposal.number}/accept/")
    # then B is answered the accepted proposal without the contract, which stays A's alone
    assert (answer["status"], answer["contract"]) == ("accepted", None)
    assert world.clients["B"].get(f"{API}/contracts/{world.bought['A'].contract}/").status_code == 404
    contract_orders = Order.objects.filter(lines__kind=CONTRACT_KIND, lines__ref=str(proposal.contract.pk))
    assert list(contract_orders.values_list("partner__name", flat=True)) == ["Portal A"]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("made", CHANNELS)
def test_a_refund_is_requested_only_for_an_order_made_through_the_partner(world, made, viewer):
    # when the viewer asks to refund the course order made through `made`
    order = world.bought[made].course_order
    response = world.clients[viewer].post(
        f"{API}/refunds/", {"order": order}, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
    )
    # then it is a refund request of that order when it is the viewer's, else a 404 and nothing is asked
    if made == viewer:
        assert (response.status_code, response.json()["order"]) == (201, order), response.json()
        assert RefundRequest.objects.filter(order__number=order).count() == 1
    else:
        assert (response.status_code, response.json()["error"]["code"]) == (404, "resource_missing")
        assert not RefundRequest.objects.filter(order__number=order).exists()


# --- Who hears what -----------------------------------------------------------------------------------------


def _owner_of(world: World, event: PartnerEvent) -> str:
    """The channel the object an event names was made through."""
    data = event.data
    for channel, bought in world.bought.items():
        names = {
            "order": set(bought.orders),
            "booking": {bought.booking},
            "contract": {bought.contract},
            "enrollment": {bought.enrollment},
        }
        key = data["number"] if data["object"] == "contract" else data["id"]  # the API's object: a contract has no id
        if key in names[data["object"]]:
            return channel
    raise AssertionError(f"event about an unknown object: {data}")


def _finish_everything(world: World) -> None:
    """Every channel's course completed, its session cancelled by the customer, its contract ended."""
    for bought in world.bought.values():
        enrollment = Enrollment.objects.get(pk=bought.enrollment)
        for lesson in Lesson.objects.filter(module__course=enrollment.course):
            lesson_complete(enrollment=enrollment, lesson=lesson)
        with world.capture(execute=True):
            booking_cancel(booking=Booking.objects.get(number=bought.booking), actor=world.person, reason="Busy")
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(number=bought.contract)
            contract_set_status(
                contract=contract, status=Contract.Status.CANCELED, changes={"ended_at": timezone.now()}
            )


def test_events_go_only_to_the_partner_the_object_was_made_through(world):
    # given everything bought then also finished: completed, cancelled (and refunded), ended
    _finish_everything(world)
    partner_names = {partner.pk: name for name, partner in world.partners.items()}
    events = list(PartnerEvent.objects.order_by("pk"))
    # every event is about something made through the partner that received it, under its own customer id
    for event in events:
        receiver = partner_names[event.partner_id]
        assert _owner_of(world, event) == receiver, (event.type, event.data)
        assert event.data["customer"] == world.customers[receiver]
    # and each partner heard of each of its own purchases, once
    for name in VIEWERS:
        bought = world.bought[name]
        heard = sorted(
            (event.type, str(event.data.get("number") or event.data.get("id")))
            for event in events
            if partner_names[event.partner_id] == name
        )
        refunded = Order.objects.filter(number__in=bought.orders, amount_refunded__gt=0)
        assert heard == sorted(
            [("order.paid", number) for number in bought.orders]
            + [("order.refunded", order.number) for order in refunded]
            + [
                ("booking.confirmed", bought.booking),
                ("booking.canceled", bought.booking),
                ("enrollment.created", str(bought.enrollment)),
                ("enrollment.completed", str(bought.enrollment)),
                ("contract.activated", bought.contract),
                ("contract.ended", bought.contract),
            ]
        )


def test_a_partner_never_reuses_another_partners_waiting_order(emulator, django_capture_on_commit_callbacks):
    # given the person is A's and B's customer, and A opened a payment page for a course that is still waiting
    world = World(emulator, django_capture_on_commit_callbacks)
    course = course_with_lessons(slug="shared", modules=1, lessons_per_module=1)
    item = {"type": "courses", "courses": [course.slug]}
    by_a = world.checkout("A", {**item, "customer": world.customers["A"]})
    # when B checks the same course out for the same person, and A asks again
    by_b = world.checkout("B", {**item, "customer": world.customers["B"]})
    again_by_a = world.checkout("A", {**item, "customer": world.customers["A"]})
    # then B gets a payment of its own, A its same one, and neither can read the other's
    assert by_b["payment_id"] != by_a["payment_id"]
    assert again_by_a["payment_id"] == by_a["payment_id"]
    for name, started, other in (("A", by_a, "B"), ("B", by_b, "A")):
        assert Order.objects.get(number=started["payment_id"]).partner == world.partners[name]
        assert world.clients[name].get(f"{API}/payments/{started['payment_id']}").status_code == 200
        assert world.clients[other].get(f"{API}/payments/{started['payment_id']}").status_code == 404
