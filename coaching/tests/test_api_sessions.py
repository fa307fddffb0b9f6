"""The partner API's session endpoints over HTTP: read one session, move it, cancel it (the late-cancellation
rule answered, `?preview=true` acting on nothing), every refusal by its exact code, another partner's 404s,
scopes and replays. The partner acts as its customer, the contract's student."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from coaching.models import CoachingSession, Contract
from coaching.sessions import session_book, session_cancel, session_finish
from coaching.status import contract_set_status
from coaching.tests.api_helpers import API, client_for, post, through_partner
from coaching.tests.factories_sessions import coach_open_every_day, contract_active, day_at
from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.keys import SCOPES
from innerwork.api.tests.factories import PartnerFactory
from innerwork.api.webhooks.models import PartnerEvent
from innerwork.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc(instant: datetime) -> str:
    return f"{instant:%Y-%m-%dT%H:%M:%SZ}"


def soon() -> datetime:
    """The next full hour at least 2 hours away within the coach's hours (06:00-22:00 UTC): closer to now than
    the contract's 24 hours' notice, whatever the time of day the test runs."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    while not 6 <= start.hour <= 20:
        start += timedelta(hours=1)
    return start


def session_url(session: CoachingSession, action: str = "") -> str:
    return f"{API}/contracts/{session.contract.number}/sessions/{session.pk}/" + (f"{action}/" if action else "")


# --- Sessions in each state (made through the site's services) ------------------------------------------------


def _early(coach, student):
    contract = contract_active(coach=coach, student=student, partner=through_partner(student))
    return session_book(contract=contract, student=student, start_at=day_at(3, 10))


def _late(coach, student):
    contract = contract_active(coach=coach, student=student, partner=through_partner(student))
    return session_book(contract=contract, student=student, start_at=soon())


def _started(coach, student):
    contract = contract_active(
        coach=coach, student=student, partner=through_partner(student), activated_at=timezone.now() - timedelta(days=3)
    )
    return session_book(contract=contract, student=student, start_at=day_at(-1, 10), now=day_at(-2, 10))


def _canceled(coach, student):
    session = _early(coach, student)
    return session_cancel(session=session, actor=student)


def _completed(coach, student):
    contract = contract_active(coach=coach, student=student, partner=through_partner(student))
    session = session_book(contract=contract, student=student, start_at=day_at(2, 9))
    return session_finish(session=session, actor=coach.user, now=session.appointment.end_at)


def _contract_ended(coach, student):
    session = _early(coach, student)
    contract = session.contract
    contract_set_status(contract=contract, status=Contract.Status.COMPLETED, changes={"ended_at": timezone.now()})
    return session


def _target_taken(coach, student):
    other = contract_active(coach=coach, student=UserFactory())
    session_book(contract=other, student=other.student, start_at=day_at(4, 14))
    return _early(coach, student)


def _contract_ends_in_four_days(coach, student):
    contract = contract_active(
        coach=coach,
        student=student,
        partner=through_partner(student),
        activated_at=timezone.now() - timedelta(weeks=12, days=-4),
    )
    return session_book(contract=contract, student=student, start_at=day_at(2, 10))


# Times are lambdas, read when the test runs: a table evaluated at collection would name another day than
# the test's own setup when a run crosses midnight UTC.
RESCHEDULES = [
    # (case, session, new start, status, code (refused) or None, session status after)
    ("scheduled, with notice", _early, lambda: day_at(4, 14), 200, None, "scheduled"),
    ("to the time it has already", _early, lambda: day_at(3, 10), 200, None, "scheduled"),
    ("scheduled, within the notice", _late, lambda: day_at(4, 14), 409, "reschedule_too_late", "scheduled"),
    ("cancelled", _canceled, lambda: day_at(4, 14), 409, "session_not_scheduled", "canceled_in_time"),
    ("completed", _completed, lambda: day_at(4, 14), 409, "session_not_scheduled", "completed"),
    ("its contract has ended", _contract_ended, lambda: day_at(4, 14), 409, "contract_not_active", "scheduled"),
    ("the coach is busy then", _target_taken, lambda: day_at(4, 14), 409, "slot_taken", "scheduled"),
    (
        "after the contract's end",
        _contract_ends_in_four_days,
        lambda: day_at(6, 10),
        400,
        "after_contract_end",
        "scheduled",
    ),
    (
        "a time without offset",
        _early,
        lambda: day_at(4, 14).replace(tzinfo=None),
        400,
        "parameter_invalid",
        "scheduled",
    ),
]


@pytest.mark.parametrize(
    ("case", "make", "start_at", "status", "code", "after"), RESCHEDULES, ids=[c[0] for c in RESCHEDULES]
)
def test_rescheduling_a_session(api, coach, student, customer, case, make, start_at, status, code, after):
    # given a session of the partner's customer in the case's state
    session = make(coach, student)
    was = session.appointment.start_at
    start_at = start_at()

    # when the partner moves it to `start_at`
    response = post(api, session_url(session, "reschedule"), {"start_at": start_at.isoformat()})

    # then it moves, or is refused with the exact code and stays where it was
    body = response.json()
    session.refresh_from_db()
    session.appointment.refresh_from_db()
    assert response.status_code == status, body
    assert session.status == after
    if code:
        assert body["error"]["code"] == code
        assert session.appointment.start_at == was
        return
    assert (body["id"], body["status"], body["start_at"]) == (session.pk, "scheduled", utc(start_at))
    assert session.appointment.start_at == start_at
    assert body["reschedule_count"] == (0 if start_at == was else 1)


def test_a_taken_time_offers_free_alternatives_and_one_of_them_moves_it(api, coach, student, customer):
    session = _target_taken(coach, student)
    refused = post(api, session_url(session, "reschedule"), {"start_at": day_at(4, 14).isoformat()})
    error = refused.json()["error"]
    assert (error["code"], error["param"]) == ("slot_taken", "start_at")
    assert error["alternatives"]
    assert utc(day_at(4, 14)) not in [alt["start"] for alt in error["alternatives"]]
    moved = post(api, session_url(session, "reschedule"), {"start_at": error["alternatives"][0]["start"]})
    assert (moved.status_code, moved.json()["start_at"]) == (200, error["alternatives"][0]["start"])


CANCELS = [
    # (case, session, preview, status, code or outcome, credit, session status after, credits available after)
    ("with notice", _early, False, 200, "canceled_in_time", "returned", "canceled_in_time", 4),
    ("within the notice", _late, False, 200, "canceled_late", "used", "canceled_late", 3),
    ("preview, with notice", _early, True, 200, "canceled_in_time", "returned", "scheduled", 3),
    ("preview, within the notice", _late, True, 200, "canceled_late", "used", "scheduled", 3),
    ("already started", _started, False, 409, "session_started", None, "scheduled", 3),
    ("preview, already started", _started, True, 409, "session_started", None, "scheduled", 3),
    ("already cancelled", _canceled, False, 409, "session_not_scheduled", None, "canceled_in_time", 4),
    ("preview, already cancelled", _canceled, True, 409, "session_not_scheduled", None, "canceled_in_time", 4),
    ("completed", _completed, False, 409, "session_not_scheduled", None, "completed", 3),
]


@pytest.mark.parametrize(
    ("case", "make", "preview", "status", "outcome", "credit", "after", "available"),
    CANCELS,
    ids=[c[0] for c in CANCELS],
)
def test_cancelling_a_session(
    api, coach, student, customer, case, make, preview, status, outcome, credit, after, available
):
    # given a session of the partner's customer (4 credits, 24 hours' notice) in the case's state
    session = make(coach, student)
    url = session_url(session, "cancel") + ("?preview=true" if preview else "")

    # when the partner cancels it, or asks what cancelling would do
    response = post(api, url, {"reason": "A clash at work"})

    # then the answer says whether the credit comes back, and only a real cancellation changes anything
    body = response.json()
    session.refresh_from_db()
    assert response.status_code == status, body
    assert session.status == after
    contract = api.get(f"{API}/contracts/{session.contract.number}/").json()
    assert contract["credits"]["available"] == available
    if status != 200:
        assert body["error"]["code"] == outcome
        return
    assert (body["object"], body["preview"], body["outcome"], body["credit"]) == (
        "coaching_session_cancellation",
        preview,
        outcome,
        credit,
    )
    assert body["notice_hours"] == 24
    assert "24 hours" in body["explanation"]
    assert body["session"]["status"] == after
    appointment = Appointment.objects.get(pk=session.appointment_id)
    assert (appointment.status == Appointment.Status.CANCELED) is (not preview)


def test_cancelling_frees_the_time_for_another_booking(api, coach, student, customer):
    session = _early(coach, student)
    assert post(api, session_url(session, "cancel")).status_code == 200
    slots = api.get(f"{API}/contracts/{session.contract.number}/slots/", {"from": day_at(3, 0).date().isoformat()})
    assert utc(day_at(3, 10)) in [slot["start"] for slot in slots.json()["slots"]]


def test_a_late_cancel_of_the_last_credit_completes_the_contract_and_tells_the_partner(
    api, partner, coach, student, customer
):
    # given a one-session contract whose session starts within the notice
    contract = contract_active(coach=coach, student=student, partner=through_partner(student), sessions_count=1)
    session = session_book(contract=contract, student=student, start_at=soon())

    # when the partner cancels it
    response = post(api, session_url(session, "cancel"))

    # then the credit is used, the contract is complete, and the partner hears contract.ended once
    assert (response.status_code, response.json()["credit"]) == (200, "used")
    assert api.get(f"{API}/contracts/{contract.number}/").json()["status"] == "completed"
    ended = PartnerEvent.objects.filter(partner=partner, type="contract.ended")
    assert [(e.data["number"], e.data["status"]) for e in ended] == [(contract.number, "completed")]


def test_a_session_reads_back_and_other_ids_are_404(api, coach, student, customer):
    session = _early(coach, student)
    body = api.get(session_url(session)).json()
    assert (body["object"], body["id"], body["contract"], body["status"], body["start_at"]) == (
        "coaching_session",
        session.pk,
        session.contract.number,
        "scheduled",
        utc(day_at(3, 10)),
    )
    # the student's session of another contract, under this contract's number, is not found; nor are odd ids
    other = session_book(
        contract=contract_active(coach=coach_open_every_day(), student=student, partner=through_partner(student)),
        student=student,
        start_at=day_at(5, 9),
    )
    number = session.contract.number
    for pk in (other.pk, other.pk + 1000, 2**63, 10**30):
        response = api.get(f"{API}/contracts/{number}/sessions/{pk}/")
        assert (response.status_code, response.json()["error"]["code"]) == (404, "resource_missing"), pk


def test_replaying_a_cancel_answers_the_first_cancellation_and_a_new_key_is_refused(api, coach, student, customer):
    session = _early(coach, student)
    first = post(api, session_url(session, "cancel"), key="cancel-1")
    again = post(api, session_url(session, "cancel"), key="cancel-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    fresh = post(api, session_url(session, "cancel"), key="cancel-2")
    assert (fresh.status_code, fresh.json()["error"]["code"]) == (409, "session_not_scheduled")
    events = session.contract.events.filter(type="session_canceled_in_time")
    assert events.count() == 1


def test_replaying_a_reschedule_moves_it_once(api, coach, student, customer):
    session = _early(coach, student)
    body = {"start_at": day_at(4, 14).isoformat()}
    first = post(api, session_url(session, "reschedule"), body, key="move-1")
    again = post(api, session_url(session, "reschedule"), body, key="move-1")
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    session.refresh_from_db()
    assert session.reschedule_count == 1
    other = post(api, session_url(session, "reschedule"), {"start_at": day_at(4, 16).isoformat()}, key="move-1")
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")


# --- Another partner's objects, scopes ---------------------------------------------------------------------


SESSION_URLS = [
    ("get", "/contracts/{contract}/sessions/{session}/"),
    ("post", "/contracts/{contract}/sessions/{session}/reschedule/"),
    ("post", "/contracts/{contract}/sessions/{session}/cancel/"),
    ("post", "/contracts/{contract}/sessions/{session}/cancel/?preview=true"),
    ("post", "/contracts/{contract}/cancel/"),
    ("post", "/contracts/{contract}/cancel/?preview=true"),
]


@pytest.mark.parametrize(("method", "url"), SESSION_URLS, ids=[f"{m} {u}" for m, u in SESSION_URLS])
def test_another_partners_contract_and_session_are_404(coach, student, customer, method, url):
    # given the partner's customer's session
    session = _early(coach, student)
    stranger = client_for(PartnerFactory())
    path = API + url.format(contract=session.contract.number, session=session.pk)

    # when another partner calls it
    body = {"start_at": day_at(4, 14).isoformat()}
    response = post(stranger, path, body) if method == "post" else stranger.get(path)

    # then it is not found, and nothing changed
    assert (response.status_code, response.json()["error"]["code"]) == (404, "resource_missing")
    session.refresh_from_db()
    session.contract.refresh_from_db()
    assert (session.status, session.reschedule_count, session.contract.status) == ("scheduled", 0, "active")


@pytest.mark.parametrize(("method", "url"), SESSION_URLS, ids=[f"{m} {u}" for m, u in SESSION_URLS])
def test_each_session_endpoint_needs_bookings_write(partner, coach, student, customer, method, url):
    session = _early(coach, student)
    path = API + url.format(contract=session.contract.number, session=session.pk)
    body = {"start_at": day_at(4, 14).isoformat()}
    without = client_for(partner, scopes=[s for s in SCOPES if s != "bookings:write"])
    response = post(without, path, body) if method == "post" else without.get(path)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "scope_missing")
    session.refresh_from_db()
    assert (session.status, session.reschedule_count) == ("scheduled", 0)
    only = client_for(partner, scopes=["bookings:write"])
    response = post(only, path, body) if method == "post" else only.get(path)
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("url", [u for m, u in SESSION_URLS if m == "post"])
def test_each_write_needs_an_idempotency_key(api, coach, student, customer, url):
    session = _early(coach, student)
    path = API + url.format(contract=session.contract.number, session=session.pk)
    response = api.post(path, {"start_at": day_at(4, 14).isoformat()}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "idempotency_key_missing")
    session.refresh_from_db()
    assert session.status == "scheduled"
