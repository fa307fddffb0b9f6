"""The partner API's coaching endpoints over HTTP: proposals answered, a contract paid on the Stripe emulator,
sessions booked within credits, refusals by exact code, scopes, another partner's objects as 404s, replays."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError

from coaching.api import contract_checkout_item
from coaching.models import CONTRACT_KIND, CoachingSession, CoachProfile, Contract, Proposal
from coaching.sessions import session_book
from coaching.status import contract_set_status
from coaching.tests.api_helpers import API, client_for, customer_of, post
from coaching.tests.factories import InquiryFactory, ProposalFactory
from coaching.tests.factories_sessions import (
    coach_open_every_day,
    contract_active,
    contract_waiting,
    day_at,
)
from commerce.checkout import order_fulfil_from_return
from commerce.models import Order
from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.exceptions import ApiError
from innerwork.api.keys import SCOPES
from innerwork.api.tests.factories import PartnerFactory
from innerwork.api.tests.webhooks.conftest import receiver  # noqa: F401  (a partner webhook server, used by name)
from innerwork.api.webhooks.models import EVENT_TYPES, PartnerEvent
from innerwork.api.webhooks.services import webhook_endpoint_create
from innerwork.api.webhooks.signing import signature_compute

pytestmark = pytest.mark.django_db


def test_quick_start_accept_pay_on_the_emulator_book_and_hear_contract_activated(
    api,
    partner,
    coach,
    student,
    customer,
    emulator,
    receiver,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given a webhook endpoint of the partner and a proposal the coach made to its customer
    endpoint, secret = webhook_endpoint_create(partner=partner, url=receiver.url, event_types=list(EVENT_TYPES))
    proposal = ProposalFactory(inquiry=InquiryFactory(coach=coach, student=student), sessions_count=4)
    listed = api.get(f"{API}/proposals/", {"customer": customer.public_id}).json()
    assert [item["number"] for item in listed["data"]] == [proposal.number]

    # when the partner accepts it for the customer
    accepted = post(api, f"{API}/proposals/{proposal.number}/accept/")

    # then a contract waits for payment, and booking is refused until it is paid
    assert accepted.status_code == 200, accepted.json()
    number = accepted.json()["contract"]
    assert accepted.json()["status"] == "accepted"
    contract = api.get(f"{API}/contracts/{number}/").json()
    assert (contract["status"], contract["customer"], contract["credits"]["available"]) == (
        "pending_payment",
        customer.public_id,
        4,
    )
    refused = post(api, f"{API}/contracts/{number}/sessions/", {"start_at": day_at(3, 10).isoformat()})
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "contract_not_paid")

    # when the partner starts checkout for it and the customer pays on the emulator's Checkout page
    checkout = post(
        api,
        f"{API}/checkout-sessions/",
        {
            "item": {"type": "contract", "number": number},
            "success_url": "https://portal.example.com/paid",
            "cancel_url": "https://portal.example.com/cancelled",
        },
    )
    assert checkout.status_code == 201, checkout.json()
    assert (checkout.json()["amount"], checkout.json()["currency"]) == (proposal.price_amount, proposal.currency)
    session_id = checkout.json()["session_id"]
    order = Order.objects.get(number=checkout.json()["payment_id"])
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil_from_return(order=order, session_id=session_id)
    assert api.get(f"{API}/payments/{order.number}").json()["status"] == "succeeded"

    # then the contract is active and the partner heard `contract.activated`, signed with its secret
    assert api.get(f"{API}/contracts/{number}/").json()["status"] == "active"
    [delivery] = [r for r in receiver.requests if json.loads(r.body)["type"] == "contract.activated"]
    timestamp, signature = (part.split("=", 1)[1] for part in delivery.headers["InnerWork-Signature"].split(","))
    assert signature == signature_compute(secret=secret, timestamp=int(timestamp), body=delivery.body)
    event = json.loads(delivery.body)
    assert (event["data"]["object"]["number"], event["data"]["object"]["status"]) == (number, "active")

    # when the partner books the first free slot the API offers
    slots = api.get(f"{API}/contracts/{number}/slots/", {"from": day_at(1, 0).date().isoformat()}).json()
    assert slots["length"] == 60
    assert slots["credits_available"] == 4
    start = slots["slots"][0]["start"]
    booked = post(api, f"{API}/contracts/{number}/sessions/", {"start_at": start})

    # then the session is scheduled at that time and holds one credit
    assert booked.status_code == 201, booked.json()
    assert (booked.json()["status"], booked.json()["start_at"]) == ("scheduled", start)
    sessions = api.get(f"{API}/contracts/{number}/sessions/").json()["data"]
    assert [s["id"] for s in sessions] == [booked.json()["id"]]
    after = api.get(f"{API}/contracts/{number}/").json()
    assert after["credits"] == {"total": 4, "scheduled": 1, "used": 0, "available": 3}
    assert [entry["kind"] for entry in after["ledger"]["entries"]] == ["booked", "available", "available", "available"]
    assert endpoint.pk


def _ended(coach, student, partner=None):
    return contract_active(
        coach=coach, student=student, activated_at=timezone.now() - timedelta(weeks=13), partner=partner
    )


def _ends_in_two_days(coach, student, partner=None):
    return contract_active(
        coach=coach, student=student, activated_at=timezone.now() - timedelta(weeks=12, days=-2), partner=partner
    )


def _credits_used(coach, student, partner=None):
    contract = contract_active(coach=coach, student=student, sessions_count=1, partner=partner)
    session_book(contract=contract, student=student, start_at=day_at(3, 9))
    return contract


def _time_taken(coach, student, partner=None):
    other = contract_active(coach=coach, student=UserFactory())
    session_book(contract=other, student=other.student, start_at=day_at(3, 10))
    return contract_active(coach=coach, student=student, partner=partner)


# Times are lambdas, read when the test runs: a table evaluated at collection would name another day than
# the test's own setup when a run crosses midnight UTC.
BOOKING_REFUSALS = [
    # (case, contract, start_at, status, code, param)
    ("waiting for payment", contract_waiting, lambda: day_at(3, 10), 409, "contract_not_paid", None),
    ("past its end date", _ended, lambda: day_at(3, 10), 409, "contract_not_active", None),
    ("every credit booked", _credits_used, lambda: day_at(3, 12), 409, "no_credits_left", None),
    ("ends after the contract", _ends_in_two_days, lambda: day_at(5, 10), 400, "after_contract_end", "start_at"),
    ("coach busy then", _time_taken, lambda: day_at(3, 10), 409, "slot_taken", "start_at"),
    (
        "a time without offset",
        contract_active,
        lambda: day_at(3, 10).replace(tzinfo=None),
        400,
        "parameter_invalid",
        "start_at",
    ),
    ("a time 30 years away", contract_active, lambda: day_at(365 * 30, 10), 400, "parameter_invalid", "start_at"),
]


@pytest.mark.parametrize(
    ("case", "make", "start_at", "status", "code", "param"), BOOKING_REFUSALS, ids=[c[0] for c in BOOKING_REFUSALS]
)
def test_booking_is_refused_with_an_exact_code(
    api, partner, coach, student, customer, case, make, start_at, status, code, param
):
    # given a contract of the customer in the case's state, made through the partner
    contract = make(coach=coach, student=student, partner=partner)
    before = CoachingSession.objects.filter(contract=contract).count()

    # when the partner books at `start_at`
    response = post(api, f"{API}/contracts/{contract.number}/sessions/", {"start_at": start_at().isoformat()})

    # then it is refused with the exact status and code, and nothing is booked
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["param"]) == (status, code, param)
    assert CoachingSession.objects.filter(contract=contract).count() == before


def test_slot_taken_offers_free_alternatives_nearby(api, partner, coach, student, customer):
    contract = _time_taken(coach, student, partner)
    response = post(api, f"{API}/contracts/{contract.number}/sessions/", {"start_at": day_at(3, 10).isoformat()})
    alternatives = response.json()["error"]["alternatives"]
    assert alternatives
    assert all(alt["start"] != f"{day_at(3, 10):%Y-%m-%dT%H:%M:%SZ}" for alt in alternatives)
    retried = post(api, f"{API}/contracts/{contract.number}/sessions/", {"start_at": alternatives[0]["start"]})
    assert retried.status_code == 201


def test_replaying_a_booking_with_its_key_answers_the_same_session_once(api, partner, coach, student, customer):
    contract = contract_active(coach=coach, student=student, partner=partner)
    body = {"start_at": day_at(4, 9).isoformat()}
    first = post(api, f"{API}/contracts/{contract.number}/sessions/", body, key="book-1")
    again = post(api, f"{API}/contracts/{contract.number}/sessions/", body, key="book-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CoachingSession.objects.filter(contract=contract).count() == 1
    other_body = post(
        api, f"{API}/contracts/{contract.number}/sessions/", {"start_at": day_at(4, 11).isoformat()}, key="book-1"
    )
    assert (other_body.status_code, other_body.json()["error"]["code"]) == (422, "idempotency_key_reused")


def _expired(coach, student):
    return ProposalFactory(
        inquiry=InquiryFactory(coach=coach, student=student), expires_at=timezone.now() - timedelta(hours=1)
    )


def _coach_gone(coach, student):
    proposal = ProposalFactory(inquiry=InquiryFactory(coach=coach, student=student))
    CoachProfile.objects.filter(pk=coach.pk).update(status=CoachProfile.Status.DEACTIVATED)
    return proposal


def _declined(coach, student):
    proposal = ProposalFactory(inquiry=InquiryFactory(coach=coach, student=student))
    proposal.status = Proposal.Status.DECLINED  # test data, not a move: the door is tested elsewhere
    proposal.save(update_fields=["status"])
    return proposal


def _open(coach, student):
    return ProposalFactory(inquiry=InquiryFactory(coach=coach, student=student))


ANSWERS = [
    # (case, proposal, action, status, code or resulting proposal status)
    ("accept an open one", _open, "accept", 200, "accepted"),
    ("decline an open one", _open, "decline", 200, "declined"),
    ("accept after its expiry", _expired, "accept", 409, "proposal_expired"),
    ("decline after its expiry", _expired, "decline", 409, "proposal_expired"),
    ("accept a declined one", _declined, "accept", 409, "proposal_not_open"),
    ("decline a declined one", _declined, "decline", 409, "proposal_not_open"),
    ("accept when the coach stopped", _coach_gone, "accept", 409, "coach_unavailable"),
]


@pytest.mark.parametrize(("case", "make", "action", "status", "outcome"), ANSWERS, ids=[c[0] for c in ANSWERS])
def test_answering_a_proposal(api, coach, student, customer, case, make, action, status, outcome):
    proposal = make(coach, student)
    response = post(api, f"{API}/proposals/{proposal.number}/{action}/")
    body = response.json()
    assert response.status_code == status
    assert (body["status"] if status == 200 else body["error"]["code"]) == outcome
    assert Contract.objects.filter(proposal=proposal).exists() is (outcome == "accepted")


def test_accepting_twice_with_new_keys_answers_the_same_contract(api, coach, student, customer):
    proposal = _open(coach, student)
    first = post(api, f"{API}/proposals/{proposal.number}/accept/", key="a-1").json()
    second = post(api, f"{API}/proposals/{proposal.number}/accept/", key="a-2").json()
    assert first["contract"] == second["contract"]
    assert Contract.objects.filter(proposal=proposal).count() == 1


# --- Another partner's objects, scopes ---------------------------------------------------------------------


@pytest.fixture
def objects(partner, coach, student, customer):
    """A proposal to `customer` (the partner's) and an active contract made through the partner."""
    proposal = _open(coach, student)
    # another thread: one open proposal each
    contract = contract_active(coach=coach_open_every_day(), student=student, partner=partner)
    return {"proposal": proposal.number, "contract": contract.number}


OBJECT_URLS = [
    ("get", "/proposals/{proposal}/"),
    ("post", "/proposals/{proposal}/accept/"),
    ("post", "/proposals/{proposal}/decline/"),
    ("get", "/contracts/{contract}/"),
    ("get", "/contracts/{contract}/sessions/"),
    ("post", "/contracts/{contract}/sessions/"),
    ("get", "/contracts/{contract}/slots/"),
]


@pytest.mark.parametrize(("method", "url"), OBJECT_URLS, ids=[f"{m} {u}" for m, u in OBJECT_URLS])
def test_another_partners_proposals_and_contracts_are_404(objects, method, url):
    # given another partner, even one that also has the same person as a customer under its own id
    other = client_for(PartnerFactory())
    path = API + url.format(**objects)
    response = post(other, path, {"start_at": day_at(3, 10).isoformat()}) if method == "post" else other.get(path)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "resource_missing")
    assert Proposal.objects.get(number=objects["proposal"]).status == Proposal.Status.SENT


@pytest.mark.parametrize("collection", ["proposals", "contracts"])
def test_listing_another_partners_customer_is_a_400_naming_customer(objects, customer, collection):
    response = client_for(PartnerFactory()).get(f"{API}/{collection}/", {"customer": customer.public_id})
    assert (response.status_code, response.json()["error"]["param"]) == (400, "customer")


SCOPE_CASES = [
    # (method, url, the scope it needs)
    ("get", "/coaches/", "catalogue:read"),
    ("get", "/coaches/{coach}/", "catalogue:read"),
    ("get", "/proposals/?customer={customer}", "bookings:write"),
    ("get", "/proposals/{proposal}/", "bookings:write"),
    ("post", "/proposals/{proposal}/decline/", "bookings:write"),
    ("get", "/contracts/?customer={customer}", "bookings:write"),
    ("get", "/contracts/{contract}/", "bookings:write"),
    ("post", "/contracts/{contract}/sessions/", "bookings:write"),
    ("get", "/contracts/{contract}/slots/", "bookings:write"),
]


@pytest.mark.parametrize(("method", "url", "scope"), SCOPE_CASES, ids=[f"{m} {u}" for m, u, _ in SCOPE_CASES])
def test_each_endpoint_needs_its_scope(partner, objects, coach, customer, method, url, scope):
    path = API + url.format(**objects, coach=coach.slug, customer=customer.public_id)
    body = {"start_at": day_at(3, 10).isoformat()}
    without = client_for(partner, scopes=[s for s in SCOPES if s != scope])
    response = post(without, path, body) if method == "post" else without.get(path)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "scope_missing")
    only = client_for(partner, scopes=[scope])
    response = post(only, path, body) if method == "post" else only.get(path)
    assert response.status_code in (200, 201), response.json()


# --- Coaches -------------------------------------------------------------------------------------------------


def test_coaches_are_listed_with_their_packages_and_unapproved_ones_are_404(api, coach):
    coach.packages.create(
        title="Six sessions", sessions_count=6, session_minutes=60, validity_weeks=12, price_amount=90000
    )
    pending = coach_open_every_day()
    CoachProfile.objects.filter(pk=pending.pk).update(status=CoachProfile.Status.PENDING)  # not approved: never listed
    listed = api.get(f"{API}/coaches/").json()["data"]
    assert [c["slug"] for c in listed] == [coach.slug]
    [package] = listed[0]["packages"]
    assert package["price"] == {"amount": 90000, "currency": "usd", "display": "$900.00"}
    CoachProfile.objects.filter(pk=coach.pk).update(status=CoachProfile.Status.DEACTIVATED)
    assert api.get(f"{API}/coaches/{coach.slug}/").status_code == 404


# --- The checkout item ---------------------------------------------------------------------------------------


def _paid(coach, student, partner=None):
    return contract_active(coach=coach, student=student, partner=partner)


CHECKOUT_ITEMS = [
    # (case, contract maker (None: another partner's customer), body changes, expected outcome)
    ("a contract waiting for payment", contract_waiting, {}, "resolved"),
    ("an active contract", _paid, {}, ApiError),
    ("another partner's customer's", None, {}, NotFound),
    ("an unknown number", contract_waiting, {"number": "CTR-20260101-AAAAAA"}, NotFound),
    ("another item type", contract_waiting, {"type": "booking"}, ValidationError),
    ("no number", contract_waiting, {"number": None}, ValidationError),
]


@pytest.mark.parametrize(("case", "make", "changes", "outcome"), CHECKOUT_ITEMS, ids=[c[0] for c in CHECKOUT_ITEMS])
def test_contract_checkout_item(partner, coach, student, customer, case, make, changes, outcome):
    if make:
        contract = make(coach=coach, student=student, partner=partner)
    else:
        contract = contract_waiting(coach=coach, student=UserFactory(), partner=PartnerFactory())
    body = {"type": "contract", "number": contract.number, **changes}
    body = {key: value for key, value in body.items() if value is not None}
    if outcome == "resolved":
        assert contract_checkout_item(partner=partner, body=body) == (student, CONTRACT_KIND, str(contract.pk))
        return
    with pytest.raises(outcome) as refused:
        contract_checkout_item(partner=partner, body=body)
    if outcome is ApiError:
        assert (refused.value.status_code, refused.value.error_code) == (409, "contract_not_payable")


# --- Partner events of contracts -----------------------------------------------------------------------------


def test_contract_events_reach_only_the_partner_it_was_made_through_once(partner, coach, student, customer):
    # given the student is also another partner's customer, a contract made through the partner, one the
    # student accepted on the site, and one of a student no partner knows
    other = PartnerFactory()
    customer_of(other, student)
    contract = contract_active(coach=coach, student=student, partner=partner)
    on_the_site = contract_active(coach=coach_open_every_day(), student=student)
    stranger = contract_active(coach=coach, student=UserFactory())

    # when the three contracts end (cancelled)
    with transaction.atomic():
        for ended in (contract, on_the_site, stranger):
            contract_set_status(contract=ended, status=Contract.Status.CANCELED, changes={"ended_at": timezone.now()})

    # then the partner has one contract.activated and one contract.ended of its contract; nobody else hears anything
    events = PartnerEvent.objects.filter(partner=partner).order_by("pk")
    assert [(e.type, e.data["number"], e.data["status"], e.data["customer"]) for e in events] == [
        ("contract.activated", contract.number, "active", customer.public_id),
        ("contract.ended", contract.number, "canceled", customer.public_id),
    ]
    assert PartnerEvent.objects.count() == 2


# --- Free slots ----------------------------------------------------------------------------------------------

SLOT_CASES = [
    # (case, contract maker, query, status, code or None)
    ("an active contract", contract_active, {"from": "{d1}", "to": "{d2}"}, 200, None),
    ("waiting for payment: what a payment now would open", contract_waiting, {"from": "{d1}"}, 200, None),
    ("an ended contract", _ended, {}, 409, "contract_not_active"),
    ("`to` before `from`", contract_active, {"from": "{d2}", "to": "{d1}"}, 400, "parameter_invalid"),
    ("more than 62 days", contract_active, {"from": "{d1}", "to": "{d90}"}, 400, "parameter_invalid"),
    ("a naive time", contract_active, {"from": "{d1}T09:00:00"}, 400, "parameter_invalid"),
]


@pytest.mark.parametrize(("case", "make", "query", "status", "code"), SLOT_CASES, ids=[c[0] for c in SLOT_CASES])
def test_contract_slots(api, partner, coach, student, customer, case, make, query, status, code):
    contract = make(coach=coach, student=student, partner=partner)
    days = {f"d{n}": day_at(n, 0).date().isoformat() for n in (1, 2, 90)}
    response = api.get(f"{API}/contracts/{contract.number}/slots/", {k: v.format(**days) for k, v in query.items()})
    body = response.json()
    assert response.status_code == status, body
    if code:
        assert body["error"]["code"] == code
        return
    # the coach is open every day: free starts of the contract's length, none before `from`
    assert body["slots"]
    assert all(slot["start"] >= days["d1"] for slot in body["slots"])
    assert body["length"] == 60
    assert body["time_zone"]
