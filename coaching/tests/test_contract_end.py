"""How a contract ends: used up, at its end date (warned a week before), or cancelled by one side with a refund.

Cancellations of paid contracts go through Stripe Checkout and refunds in the emulator, so the refund,
its credit note and its e-mail are the real pipeline's.
"""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from coaching.contract_end import (
    NOT_CANCELABLE,
    OVERRIDE_STAFF_ONLY,
    OVERRIDE_TOO_MUCH,
    REASON_REQUIRED,
    contract_cancel,
    contracts_end_due,
    contracts_warn_expiring,
)
from coaching.credits import contract_credits
from coaching.models import CoachingSession, Contract
from coaching.sessions import SessionError, session_book, session_cancel, session_finish
from coaching.tests.factories_sessions import (  # noqa: F401  (contract_kind is a fixture)
    coach_open_every_day,
    contract_active,
    contract_kind,
    contract_paid,
    contract_waiting,
    day_at,
)
from commerce.models import CreditNote, Order, Refund
from commerce.tests.stripe_fixtures import emulator  # noqa: F401  (the Stripe emulator, used by name)
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.models import OutboxEmail, StaffAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach():
    return coach_open_every_day()


def _ended_emails(contract) -> list[str]:
    return sorted(
        e.to[0] for e in OutboxEmail.objects.filter(kind="coaching/contract_ended", body_text__contains=contract.title)
    )


def _use(contract, count: int, *, first_day: int = 2) -> None:
    for n in range(count):
        session = session_book(contract=contract, student=contract.student, start_at=day_at(first_day + n, 9))
        session_finish(session=session, actor=contract.coach.user, now=session.appointment.end_at)


# --- Used up, end date, warning -----------------------------------------------------------------------


@pytest.mark.parametrize("last", ["completed", "no_show", "canceled_late"])
def test_the_session_that_uses_the_last_credit_completes_the_contract(coach, last):
    contract = contract_active(coach=coach, sessions_count=2, price_amount=30000)
    _use(contract, 1)
    if last == "canceled_late":
        session = session_book(contract=contract, student=contract.student, start_at=day_at(6, 9), now=day_at(6, 7))
        session_cancel(session=session, actor=contract.student, now=day_at(6, 7))
    else:
        session = session_book(contract=contract, student=contract.student, start_at=day_at(6, 9))
        session_finish(
            session=session, actor=contract.coach.user, no_show=last == "no_show", now=session.appointment.end_at
        )

    contract.refresh_from_db()
    assert (contract.status, contract.ended_at is not None) == ("completed", True)
    assert contract.events.filter(type="completed").get().message == "All 2 sessions used: the contract is complete."
    assert _ended_emails(contract) == sorted([contract.student.email, coach.user.email])


def test_a_credit_returned_in_time_keeps_the_contract_open(coach):
    contract = contract_active(coach=coach, sessions_count=1, price_amount=30000)
    session = session_book(contract=contract, student=contract.student, start_at=day_at(6, 9))
    session_cancel(session=session, actor=contract.student)
    contract.refresh_from_db()
    assert contract.status == "active"
    assert contract_credits(contract=contract).available == 1


def test_at_its_end_date_a_contract_completes_and_its_unused_credits_expire_once(coach):
    contract = contract_active(coach=coach)
    _use(contract, 1)
    later = contract_active(coach=coach, student=UserFactory())
    after_end = contract.ends_at + timedelta(minutes=1)
    Contract.objects.filter(pk=later.pk).update(ends_at=after_end + timedelta(days=1))

    assert contracts_end_due(now=after_end) == 1
    assert contracts_end_due(now=after_end) == 0  # cron ran twice

    contract.refresh_from_db()
    later.refresh_from_db()
    assert (contract.status, contract.ended_at, later.status) == ("completed", after_end, "active")
    event = contract.events.get(type="completed")
    assert (event.message, event.data) == ("Reached its end date: 3 unused sessions expired.", {"expired": 3})
    assert len(_ended_emails(contract)) == 2
    with pytest.raises(SessionError):
        session_book(contract=contract, student=contract.student, start_at=day_at(8, 9))


@pytest.mark.parametrize(
    ("ends_in", "used", "warned"),
    [
        (timedelta(days=5), 0, True),
        (timedelta(days=7), 3, True),
        (timedelta(days=8), 0, False),  # not yet
        (timedelta(days=5), 4, False),  # nothing left to book: nothing to expire
    ],
)
def test_a_week_before_the_end_both_are_told_once_how_many_sessions_are_left(coach, ends_in, used, warned):
    contract = contract_active(coach=coach)
    _use(contract, min(used, 3))
    if used == 4:
        session_book(contract=contract, student=contract.student, start_at=day_at(1, 20))
    now = timezone.now()
    Contract.objects.filter(pk=contract.pk).update(ends_at=now + ends_in)

    first, second = contracts_warn_expiring(now=now), contracts_warn_expiring(now=now)

    assert (first, second) == (int(warned), 0)
    emails = OutboxEmail.objects.filter(kind="coaching/contract_expiring")
    assert emails.count() == (2 if warned else 0)
    if warned:
        left = 4 - used
        assert emails.first().subject.startswith(f"{left} coaching session{'s' if left != 1 else ''} left")


def test_the_cron_command_warns_and_ends(coach, capsys):
    contract_active(coach=coach, activated_at=timezone.now() - timedelta(weeks=12, minutes=1))
    soon = contract_active(coach=coach, student=UserFactory())
    Contract.objects.filter(pk=soon.pk).update(ends_at=timezone.now() + timedelta(days=3))

    call_command("end_coaching_contracts")

    assert capsys.readouterr().out.strip() == "Reminded 0 sessions; warned 1 contract; ended 1."


# --- Cancelling ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "used", "open_in_hours", "refund", "status", "session_status"),
    [
        ("student", 1, None, 67500, "refunded", None),
        ("student", 1, 48, 67500, "refunded", "canceled_in_time"),
        ("student", 1, 5, 45000, "refunded", "canceled_late"),  # the late session is used
        ("student", 3, 5, 0, "canceled", "canceled_late"),  # that used the last credit: nothing back
        ("coach", 1, 5, 67500, "refunded", "canceled_in_time"),  # the coach returns every unused session
        ("coach", 0, None, 90000, "refunded", None),
        ("staff", 2, None, 45000, "refunded", None),
    ],
)
def test_cancelling_a_paid_contract_refunds_the_unused_sessions_through_commerce(
    emulator,  # noqa: F811
    contract_kind,  # noqa: F811
    django_capture_on_commit_callbacks,
    coach,
    party,
    used,
    open_in_hours,
    refund,
    status,
    session_status,
):
    # given a paid 4 × $225 contract with `used` sessions done (and one open session)
    contract, order = contract_paid(emulator=emulator, coach=coach, capture=django_capture_on_commit_callbacks)
    _use(contract, used)
    now = day_at(10, 12)
    open_session = None
    if open_in_hours:
        open_session = session_book(
            contract=contract, student=contract.student, start_at=now + timedelta(hours=open_in_hours), now=now
        )
    actor = {"student": contract.student, "coach": coach.user, "staff": StaffFactory()}[party]
    # when that party cancels
    with django_capture_on_commit_callbacks(execute=True):
        contract, message = contract_cancel(
            contract=contract, party=party, actor=actor, reason="Moving abroad", now=now
        )
    contract.refresh_from_db()
    order.refresh_from_db()
    # then the contract ends as the table says, its open session freed, the money back through commerce
    assert contract.status == status
    if open_session:
        open_session.refresh_from_db()
        assert (open_session.status, open_session.appointment.status) == (session_status, "canceled")
    assert len(_ended_emails(contract)) == 2
    if refund == 0:
        assert (message, Refund.objects.count(), order.amount_refunded) == ("", 0, 0)
        return
    assert (contract.canceled_by, contract.cancel_reason) == (party, "Moving abroad")
    assert contract.events.get(type=status).data["refund"] == refund
    [made] = Refund.objects.filter(order=order)
    assert (made.amount, made.status) == (refund, "succeeded")
    assert order.amount_refunded == refund
    assert order.status == ("refunded" if refund == order.amount_paid else "partially_refunded")
    assert CreditNote.objects.filter(refund=made).exists()
    assert OutboxEmail.objects.filter(kind="commerce/refund_issued", to=[contract.student.email]).count() == 1
    assert "$" in message


def test_a_second_cancellation_refunds_nothing_more(
    emulator,  # noqa: F811
    contract_kind,  # noqa: F811
    django_capture_on_commit_callbacks,
    coach,
):
    contract, order = contract_paid(emulator=emulator, coach=coach, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        contract_cancel(contract=contract, party="student", actor=contract.student)
    with pytest.raises(SessionError) as again:
        contract_cancel(contract=contract, party="student", actor=contract.student)
    assert again.value.message == NOT_CANCELABLE
    assert Refund.objects.filter(order=order).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_student_and_the_coach_cancelling_at_the_same_moment_refund_once(
    emulator,  # noqa: F811
    contract_kind,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given a paid contract with one session used (real threads, each with its own PostgreSQL connection)
    coach = coach_open_every_day()
    contract, order = contract_paid(emulator=emulator, coach=coach, capture=django_capture_on_commit_callbacks)
    _use(contract, 1)
    barrier = threading.Barrier(2)
    outcomes = {}

    def cancel(party, actor):
        try:
            barrier.wait()
            outcomes[party] = contract_cancel(contract=contract, party=party, actor=actor)[0].status
        except SessionError as exc:
            outcomes[party] = exc.message
        finally:
            connection.close()

    threads = [
        threading.Thread(target=cancel, args=("student", contract.student)),
        threading.Thread(target=cancel, args=("coach", coach.user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one of them cancelled (both would refund 67500 here), the other was told it is over
    assert sorted(outcomes.values()) == sorted(["refunded", NOT_CANCELABLE])
    [made] = Refund.objects.filter(order=order)
    assert (made.amount, made.status) == (67500, "succeeded")
    contract.refresh_from_db()
    assert contract.status == "refunded"


def test_staff_may_override_the_amount_with_a_reason_and_it_is_audited(
    emulator,  # noqa: F811
    contract_kind,  # noqa: F811
    django_capture_on_commit_callbacks,
    coach,
):
    contract, order = contract_paid(emulator=emulator, coach=coach, capture=django_capture_on_commit_callbacks)
    _use(contract, 3)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="cancel_contract"))
    with pytest.raises(SessionError) as too_much:
        contract_cancel(contract=contract, party="staff", actor=staff, reason="Coach unwell", amount=90001)
    assert too_much.value.message == OVERRIDE_TOO_MUCH.format(left="$900.00")

    with django_capture_on_commit_callbacks(execute=True):
        contract_cancel(contract=contract, party="staff", actor=staff, reason="Coach unwell", amount=50000)

    assert Refund.objects.get(order=order).amount == 50000
    action = StaffAction.objects.get(action="contract.cancel")
    assert (action.actor, action.reason, action.order_number) == (staff, "Coach unwell", order.number)
    assert (action.data["refund"], action.data["quoted"]) == (50000, 22500)


@pytest.mark.parametrize(
    ("who", "party", "reason", "amount", "refusal"),
    [
        ("stranger", "student", "", None, PermissionDenied),
        ("coach", "student", "", None, PermissionDenied),  # the coach can't cancel as the student
        ("student", "coach", "", None, PermissionDenied),
        ("staff_without_permission", "staff", "Asked", None, PermissionDenied),
        ("staff", "staff", "", None, REASON_REQUIRED),
        ("student", "student", "", 100, OVERRIDE_STAFF_ONLY),
        ("coach", "coach", "", 100, OVERRIDE_STAFF_ONLY),
    ],
)
def test_who_may_cancel_a_contract(coach, who, party, reason, amount, refusal):
    contract = contract_active(coach=coach)
    session = session_book(contract=contract, student=contract.student, start_at=day_at(3, 9))
    staff = UserFactory(is_staff=True)
    if who == "staff":
        staff.user_permissions.add(Permission.objects.get(codename="cancel_contract"))
    actor = {
        "stranger": UserFactory(),
        "coach": coach.user,
        "student": contract.student,
        "staff": staff,
        "staff_without_permission": staff,
    }[who]

    if refusal is PermissionDenied:
        with pytest.raises(PermissionDenied):
            contract_cancel(contract=contract, party=party, actor=actor, reason=reason, amount=amount)
    else:
        with pytest.raises(SessionError) as refused:
            contract_cancel(contract=contract, party=party, actor=actor, reason=reason, amount=amount)
        assert refused.value.message == refusal

    contract.refresh_from_db()
    session.refresh_from_db()
    assert (contract.status, session.status) == ("active", "scheduled")


def test_a_contract_waiting_for_payment_is_simply_cancelled(coach):
    contract = contract_waiting(coach=coach)
    contract, message = contract_cancel(contract=contract, party="student", actor=contract.student)
    assert (contract.status, message) == ("canceled", "")
    assert not Order.objects.exists()


def test_cancelling_an_unpaid_active_contract_cancels_it_without_money(coach):
    contract = contract_active(coach=coach)
    session = session_book(contract=contract, student=contract.student, start_at=day_at(3, 9))
    contract, message = contract_cancel(contract=contract, party="coach", actor=coach.user)
    session.refresh_from_db()
    assert (contract.status, message, session.status) == ("canceled", "", CoachingSession.Status.CANCELED_IN_TIME)
