"""The sessions pages: who may see and do what, booking in the viewer's zone, moving, cancelling, marking, .ics.

Each page is open to the contract's student and its coach only; anyone else, staff included (they
work in the admin console), gets 404, and an anonymous visitor is sent to log in.
"""

from datetime import timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching.contract_end import contract_cancel
from coaching.models import CoachingSession, Contract
from coaching.sessions import session_book
from coaching.tests.factories_sessions import coach_open_every_day, contract_active, contract_waiting, day_at
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.accounts.time_zones import utc_iso
from innerwork.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return contract_active(coach=coach_open_every_day(), student=UserFactory(time_zone="Asia/Tokyo"))


@pytest.fixture
def session(contract):
    return session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))


def _ended(session: CoachingSession) -> CoachingSession:
    """Move the session's time into the past (arranging a session the coach can mark)."""
    return _starting(session, day_at(-1, 10))


def _starting(session: CoachingSession, start) -> CoachingSession:
    """Put the session at `start`, whatever the coach's hours (arranging the notice a test needs)."""
    Appointment.objects.filter(pk=session.appointment_id).update(
        start_at=start, end_at=start + timedelta(hours=1), blocked_start=start, blocked_end=start + timedelta(hours=1)
    )
    session.refresh_from_db()
    return session


def _viewer(contract: Contract, who: str):
    return {
        "student": contract.student,
        "coach": contract.coach.user,
        "other": UserFactory(),
        "staff": StaffFactory(),
        "anonymous": None,
    }[who]


PAGES = ["contract_sessions", "session_book", "session_ics", "session_reschedule", "session_cancel", "contract_cancel"]
EXPECTED = {
    "student": {page: 200 for page in PAGES} | {"session_finish": 404},
    "coach": {page: 200 for page in PAGES} | {"session_book": 404, "session_finish": 302},
    "other": {page: 404 for page in [*PAGES, "session_finish"]},
    "staff": {page: 404 for page in [*PAGES, "session_finish"]},
    "anonymous": {page: 302 for page in [*PAGES, "session_finish"]},
}


def _url(name: str, contract: Contract, session: CoachingSession) -> str:
    if name in ("contract_sessions", "session_book", "contract_cancel"):
        return reverse(f"coaching:{name}", kwargs={"number": contract.number})
    return reverse(f"coaching:{name}", kwargs={"number": contract.number, "pk": session.pk})


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("page", [*PAGES, "session_finish"])
def test_only_the_student_and_the_coach_see_a_contracts_sessions(client, contract, session, who, page):
    viewer = _viewer(contract, who)
    if viewer is not None:
        client.force_login(viewer)
    if page == "session_finish":
        _ended(session)
        response = client.post(_url(page, contract, session), {"outcome": "completed"})
    else:
        response = client.get(_url(page, contract, session))

    assert response.status_code == EXPECTED[who][page]
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    session.refresh_from_db()
    marked = who == "coach" and page == "session_finish"
    assert session.status == ("completed" if marked else "scheduled")


def test_the_student_books_a_time_shown_in_their_zone_and_a_repeated_submit_books_once(client, contract):
    client.force_login(contract.student)
    start = day_at(3, 10)  # 19:00 in Tokyo
    page = client.get(reverse("coaching:session_book", kwargs={"number": contract.number}))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'value="{utc_iso(start)}"' in body
    assert "Asia/Tokyo" in body
    token = page.context["form"]["token"].value()

    url = reverse("coaching:session_book", kwargs={"number": contract.number})
    first = client.post(url, {"start": utc_iso(start), "token": token})
    second = client.post(url, {"start": utc_iso(start), "token": token})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("coaching:contract_sessions", kwargs={"number": contract.number})
    [session] = CoachingSession.objects.filter(contract=contract)
    assert session.appointment.start_at == start
    listing = client.get(first["Location"]).content.decode()
    assert "19:00" in listing
    assert "Booked" in listing


@pytest.mark.parametrize(
    ("start", "status", "says"),
    [
        ("not-a-time", 400, "That time is not one we can book"),
        (None, 409, "That time was just taken."),
    ],
)
def test_a_bad_or_taken_time_is_answered_on_the_booking_page(client, contract, session, start, status, says):
    client.force_login(contract.student)
    start = start or utc_iso(session.appointment.start_at)
    url = reverse("coaching:session_book", kwargs={"number": contract.number})
    response = client.post(url, {"start": start, "token": "t-1"})
    assert response.status_code == status
    assert says in response.content.decode()
    assert CoachingSession.objects.count() == 1


def test_the_invitation_downloads_with_the_sessions_uid(client, contract, session):
    client.force_login(contract.student)
    response = client.get(_url("session_ics", contract, session))
    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == session.appointment.ics_uid


@pytest.mark.parametrize(("hours_before", "says"), [(48, "Comes back"), (5, "Counts as used")])
def test_the_cancel_page_says_what_happens_to_the_credit_before_confirming(client, contract, hours_before, says):
    session = session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))
    _starting(session, timezone.now() + timedelta(hours=hours_before))
    client.force_login(contract.student)

    page = client.get(_url("session_cancel", contract, session))
    assert says in page.content.decode()
    done = client.post(_url("session_cancel", contract, session))

    assert done.status_code == 302
    session.refresh_from_db()
    assert session.status == ("canceled_in_time" if hours_before == 48 else "canceled_late")


def test_the_student_moves_a_session_to_another_free_time(client, contract, session):
    client.force_login(contract.student)
    new_start = day_at(6, 8)
    page = client.get(_url("session_reschedule", contract, session))
    assert f'value="{utc_iso(new_start)}"' in page.content.decode()
    assert f'value="{utc_iso(session.appointment.start_at)}"' not in page.content.decode()

    response = client.post(_url("session_reschedule", contract, session), {"start": utc_iso(new_start)})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.appointment.start_at == new_start


def test_the_coach_marks_a_no_show_from_the_sessions_page(client, contract, session):
    _ended(session)
    client.force_login(contract.coach.user)
    page = client.get(_url("contract_sessions", contract, session)).content.decode()
    assert "Mark what happened" in page

    client.post(_url("session_finish", contract, session), {"outcome": "no_show"})

    session.refresh_from_db()
    assert session.status == "no_show"


@pytest.mark.parametrize(
    ("arrange", "says"),
    [
        ("waiting", "Sessions can be booked once the contract is paid."),
        ("used_up", "Every session of this package is booked or used."),
        ("ended", "This contract has ended"),
    ],
)
def test_the_booking_page_offers_no_time_when_nothing_can_be_booked(client, arrange, says):
    coach = coach_open_every_day()
    if arrange == "waiting":
        contract = contract_waiting(coach=coach)
    else:
        contract = contract_active(coach=coach, sessions_count=1, price_amount=20000)
        session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))
        if arrange == "ended":
            contract_cancel(contract=contract, party="coach", actor=coach.user)
    client.force_login(contract.student)

    page = client.get(reverse("coaching:session_book", kwargs={"number": contract.number}))

    assert page.status_code == 200
    assert says in page.content.decode()
    assert 'name="start"' not in page.content.decode()


def test_the_sessions_and_booking_pages_read_the_same_number_of_queries_however_many_sessions(client):
    counts = []
    for booked in (0, 3):
        contract = contract_active(coach=coach_open_every_day(), sessions_count=6)
        for n in range(booked):
            session_book(contract=contract, student=contract.student, start_at=day_at(2 + n, 9))
        client.force_login(contract.student)
        for name in ("contract_sessions", "session_book"):
            url = reverse(f"coaching:{name}", kwargs={"number": contract.number})
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append((name, len(queries)))
    assert counts[:2] == counts[2:]
