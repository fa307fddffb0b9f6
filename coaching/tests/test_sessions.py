"""Booking, moving, cancelling and marking a contract's sessions: credits, end date, notice, the coach's calendar.

A coach open 06:00-22:00 UTC every day; a 4 × 60 min contract active since yesterday for 12 weeks,
24 hours' cancellation notice. Each test goes through coaching.sessions and checks the session, its
appointment, the contract's credits and timeline, and the e-mails with their .ics.
"""

import base64
import threading
from datetime import timedelta

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from coaching.credits import contract_credits
from coaching.models import CoachingSession, Contract
from coaching.sessions import (
    ALREADY_STARTED,
    CONTRACT_NOT_ACTIVE,
    MOVE_TOO_LATE,
    NO_CREDITS_LEFT,
    NOT_FINISHABLE,
    NOT_SCHEDULED,
    NOT_THE_STUDENT,
    PAST_END_DATE,
    SessionError,
    session_book,
    session_cancel,
    session_finish,
    session_reschedule,
    sessions_remind_due,
)
from coaching.status import contract_set_status
from coaching.tests.factories_sessions import coach_open_every_day, contract_active, contract_waiting, day_at
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail
from innerwork.scheduling.models import Appointment
from innerwork.scheduling.services import SlotTaken, appointment_confirm, appointment_hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach():
    return coach_open_every_day()


@pytest.fixture
def contract(coach):
    return contract_active(coach=coach)


def _ics(email: OutboxEmail) -> icalendar.Calendar:
    [attachment] = email.attachments
    return icalendar.Calendar.from_ical(base64.b64decode(attachment["content"]))


def _emails(kind: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(kind=kind).order_by("pk"))


def test_a_booked_session_takes_a_credit_and_confirms_the_time_in_the_coachs_calendar(contract, coach):
    # when the student books a session in three days
    start = day_at(3, 10)
    session = session_book(contract=contract, student=contract.student, start_at=start)
    # then the time is confirmed on the coach's calendar, for the contract's length
    appointment = session.appointment
    assert (session.status, appointment.status, appointment.host_id) == ("scheduled", "confirmed", coach.user_id)
    assert (appointment.start_at, appointment.end_at) == (start, start + timedelta(minutes=60))
    # and one of the four credits is reserved, the timeline says so
    credits = contract_credits(contract=contract)
    assert (credits.scheduled, credits.used, credits.available) == (1, 0, 3)
    assert contract.events.filter(type="session_booked").get().message == "Session 1 of 4 booked."
    # and both get the invitation, the coach organising
    emails = _emails("coaching/session_booked")
    assert sorted(e.to[0] for e in emails) == sorted([contract.student.email, coach.user.email])
    event = _ics(emails[0]).walk("VEVENT")[0]
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (appointment.ics_uid, 0)
    assert str(event["ORGANIZER"]) == f"mailto:{coach.user.email}"


def _arrange(contract, case: str):
    """Put the contract in the state a refusal case needs; returns (student, start)."""
    start = day_at(3, 10)
    if case in ("pending_payment",):
        contract = contract_waiting(coach=contract.coach)
    elif case in ("completed", "canceled", "refunded"):
        contract_set_status(contract=contract, status=case)
    elif case == "ended":
        Contract.objects.filter(pk=contract.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    elif case == "past_end":
        Contract.objects.filter(pk=contract.pk).update(ends_at=start + timedelta(minutes=59))
    elif case == "no_credits":
        for n in range(4):
            session_book(contract=contract, student=contract.student, start_at=day_at(4 + n, 9))
    contract.refresh_from_db()
    student = UserFactory() if case == "someone_else" else contract.student
    return contract, student, start


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("pending_payment", CONTRACT_NOT_ACTIVE),
        ("completed", CONTRACT_NOT_ACTIVE),
        ("canceled", CONTRACT_NOT_ACTIVE),
        ("refunded", CONTRACT_NOT_ACTIVE),
        ("ended", CONTRACT_NOT_ACTIVE),
        ("past_end", PAST_END_DATE.split("{")[0]),
        ("no_credits", NO_CREDITS_LEFT.format(total=4)),
        ("someone_else", NOT_THE_STUDENT),
    ],
)
def test_a_session_is_refused_before_payment_after_the_end_past_the_end_date_beyond_credits_or_to_others(
    contract, case, message
):
    contract, student, start = _arrange(contract, case)
    sessions_before = CoachingSession.objects.count()

    with pytest.raises(SessionError) as refused:
        session_book(contract=contract, student=student, start_at=start)

    assert message in refused.value.message
    assert CoachingSession.objects.count() == sessions_before
    assert not Appointment.objects.filter(start_at=start, status__in=("held", "confirmed")).exists()


def test_a_session_never_overlaps_anything_else_in_the_coachs_calendar(contract, coach):
    # given the coach also mentors, and someone booked them 10:30-11:00
    other = appointment_hold(
        host=coach.user,
        guest=UserFactory(),
        start_at=day_at(3, 10, 30),
        length=timedelta(minutes=30),
        until=timezone.now() + timedelta(minutes=30),
        subject="mentorship.booking:1",
    )
    appointment_confirm(appointment=other)
    # when the student asks for 10:00-11:00
    with pytest.raises(SlotTaken) as taken:
        session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))
    # then nothing is booked and other times are offered
    assert not CoachingSession.objects.exists()
    assert taken.value.alternatives
    assert contract_credits(contract=contract).available == 4


def test_a_repeated_booking_form_books_once(contract):
    first = session_book(contract=contract, student=contract.student, start_at=day_at(3, 10), request_key="k1")
    again = session_book(contract=contract, student=contract.student, start_at=day_at(3, 10), request_key="k1")
    assert again.pk == first.pk
    assert CoachingSession.objects.count() == 1
    assert len(_emails("coaching/session_booked")) == 2


@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_the_last_credit_at_once_book_exactly_one():
    # given a one-session contract (real threads, each with its own PostgreSQL connection)
    contract = contract_active(coach=coach_open_every_day(), sessions_count=1, price_amount=15000)
    barrier = threading.Barrier(2)
    outcomes = []

    def book(hour):
        try:
            barrier.wait()
            session_book(contract=contract, student=contract.student, start_at=day_at(3, hour))
            outcomes.append("booked")
        except SessionError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(hour,)) for hour in (10, 14)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["booked", NO_CREDITS_LEFT.format(total=1)])
    assert CoachingSession.objects.filter(contract=contract).count() == 1
    assert Appointment.objects.filter(host=contract.coach.user, status="confirmed").count() == 1


def test_moving_a_session_keeps_its_credit_and_sends_the_updated_invitation_once(contract):
    session = session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))
    new_start = day_at(5, 15)

    session_reschedule(session=session, start_at=new_start, actor=contract.coach.user)
    session_reschedule(session=session, start_at=new_start, actor=contract.coach.user)  # a double click

    session.refresh_from_db()
    assert (session.appointment.start_at, session.appointment.ics_sequence, session.reschedule_count) == (
        new_start,
        1,
        1,
    )
    assert contract_credits(contract=contract).scheduled == 1
    moved = _emails("coaching/session_rescheduled")
    assert len(moved) == 2
    assert int(_ics(moved[0]).walk("VEVENT")[0]["SEQUENCE"]) == 1


@pytest.mark.parametrize(
    ("hours_before", "to_hours", "message"),
    [
        (2, 72, MOVE_TOO_LATE.format(hours=24)),  # inside the notice
        (72, 24 * 7 * 13, PAST_END_DATE.split("{")[0]),  # beyond the contract's end
    ],
)
def test_a_move_inside_the_notice_or_past_the_end_is_refused(contract, hours_before, to_hours, message):
    now = day_at(5, 12)  # noon UTC in five days, so every time below falls in the coach's hours
    session = session_book(
        contract=contract, student=contract.student, start_at=now + timedelta(hours=hours_before), now=now
    )
    with pytest.raises(SessionError) as refused:
        session_reschedule(session=session, start_at=now + timedelta(hours=to_hours), actor=contract.student, now=now)
    assert message in refused.value.message


def test_someone_else_cannot_move_or_cancel_a_session(contract):
    session = session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        session_reschedule(session=session, start_at=day_at(4, 10), actor=stranger)
    with pytest.raises(PermissionDenied):
        session_cancel(session=session, actor=stranger)


@pytest.mark.parametrize(
    ("who", "hours_before", "status", "available_after"),
    [
        ("student", 48, "canceled_in_time", 4),
        ("student", 24, "canceled_in_time", 4),  # exactly the notice: in time
        ("student", 23, "canceled_late", 3),
        ("student", 1, "canceled_late", 3),
        ("coach", 1, "canceled_in_time", 4),
        ("coach", 48, "canceled_in_time", 4),
    ],
)
def test_a_cancellation_returns_the_credit_or_uses_it_by_the_contracts_notice(
    contract, who, hours_before, status, available_after
):
    now = day_at(5, 12)  # noon UTC in five days, so every start below falls in the coach's hours
    session = session_book(
        contract=contract, student=contract.student, start_at=now + timedelta(hours=hours_before), now=now
    )
    actor = contract.student if who == "student" else contract.coach.user

    session = session_cancel(session=session, actor=actor, now=now)

    assert (session.status, session.canceled_by, session.appointment.status) == (status, who, "canceled")
    assert contract_credits(contract=contract).available == available_after
    canceled = _emails("coaching/session_canceled")
    assert len(canceled) == 2
    assert str(_ics(canceled[0])["METHOD"]) == "CANCEL"


def test_a_session_cannot_be_cancelled_twice_or_once_started(contract):
    session = session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))
    session_cancel(session=session, actor=contract.student)
    with pytest.raises(SessionError) as twice:
        session_cancel(session=session, actor=contract.student)
    assert twice.value.message == NOT_SCHEDULED

    started = session_book(contract=contract, student=contract.student, start_at=day_at(4, 10))
    with pytest.raises(SessionError) as late:
        session_cancel(session=started, actor=contract.student, now=started.appointment.start_at + timedelta(minutes=1))
    assert late.value.message == ALREADY_STARTED


@pytest.mark.parametrize(("no_show", "status"), [(False, "completed"), (True, "no_show")])
def test_the_coach_marks_an_ended_session_and_it_uses_the_credit(contract, no_show, status):
    session = session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))
    after = session.appointment.end_at + timedelta(minutes=5)

    session = session_finish(session=session, actor=contract.coach.user, no_show=no_show, now=after)

    assert (session.status, session.appointment.status) == (status, status)
    credits = contract_credits(contract=contract)
    assert (credits.used, credits.available) == (1, 3)


def test_marking_is_for_the_coach_and_after_the_session(contract):
    session = session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))
    with pytest.raises(PermissionDenied):
        session_finish(session=session, actor=contract.student, now=day_at(3, 12))
    with pytest.raises(SessionError) as early:
        session_finish(session=session, actor=contract.coach.user, now=day_at(3, 10, 30))
    assert early.value.message == NOT_FINISHABLE.format(what="completed")


def test_both_are_reminded_once_a_day_before_and_again_only_if_the_session_moved(contract):
    session = session_book(contract=contract, student=contract.student, start_at=day_at(3, 10))
    day_before = day_at(2, 11)

    assert sessions_remind_due(now=day_at(2, 9)) == 0  # 25 hours before: not yet
    assert sessions_remind_due(now=day_before) == 1
    assert sessions_remind_due(now=day_before) == 0  # cron ran again
    reminders = _emails("coaching/session_reminder")
    assert sorted(e.to[0] for e in reminders) == sorted([contract.student.email, contract.coach.user.email])

    session_reschedule(session=session, start_at=day_at(3, 14), actor=contract.student, now=day_at(1, 9))
    assert sessions_remind_due(now=day_at(2, 15)) == 1
    assert len(_emails("coaching/session_reminder")) == 4
