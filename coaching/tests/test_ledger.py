"""The ledger both sides see: one entry per credit, after every kind of event.

A 4 × 60 min contract for $900 ($225 a credit). Each case plays a list of events and checks the
entries in order (used first, then booked, then the unused as available, expired or cancelled),
the credits cancelled in time listed apart, and the used credits' values.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from coaching.contract_end import contract_cancel, contracts_end_due
from coaching.ledger import contract_ledger
from coaching.sessions import session_book, session_cancel, session_finish
from coaching.tests.factories_sessions import coach_open_every_day, contract_active, day_at

pytestmark = pytest.mark.django_db


def _play(contract, events: list[str]) -> None:
    for n, event in enumerate(events):
        if event == "expire":
            contracts_end_due(now=contract.ends_at + timedelta(minutes=1))
            continue
        if event == "coach_cancels_contract":
            contract_cancel(contract=contract, party="coach", actor=contract.coach.user)
            continue
        # each session on its own day at 09:00 UTC; a "late" one is booked and cancelled at 07:00 that day
        start = day_at(2 + n, 9)
        now = day_at(2 + n, 7) if event == "cancel_late" else timezone.now()
        session = session_book(contract=contract, student=contract.student, start_at=start, now=now)
        if event in ("completed", "no_show"):
            session_finish(
                session=session, actor=contract.coach.user, no_show=event == "no_show", now=session.appointment.end_at
            )
        elif event in ("cancel_late", "cancel_in_time"):
            session_cancel(session=session, actor=contract.student, now=now)


@pytest.mark.parametrize(
    ("events", "kinds", "returned", "status"),
    [
        ([], ["available"] * 4, 0, "active"),
        (["booked"], ["booked", "available", "available", "available"], 0, "active"),
        (["completed"], ["completed", "available", "available", "available"], 0, "active"),
        (["no_show"], ["no_show", "available", "available", "available"], 0, "active"),
        (["cancel_late"], ["canceled_late", "available", "available", "available"], 0, "active"),
        (["cancel_in_time"], ["available"] * 4, 1, "active"),
        (
            ["completed", "no_show", "booked", "cancel_in_time"],
            ["completed", "no_show", "booked", "available"],
            1,
            "active",
        ),
        (["completed", "booked", "expire"], ["completed", "booked", "expired", "expired"], 0, "completed"),
        (["completed", "coach_cancels_contract"], ["completed", "canceled", "canceled", "canceled"], 0, "canceled"),
        (
            ["completed", "completed", "no_show", "cancel_late"],
            ["completed", "completed", "no_show", "canceled_late"],
            0,
            "completed",
        ),
    ],
)
def test_the_ledger_after_every_kind_of_event(events, kinds, returned, status):
    contract = contract_active(coach=coach_open_every_day())

    _play(contract, events)

    contract.refresh_from_db()
    ledger = contract_ledger(contract=contract)
    assert [entry.kind for entry in ledger.entries] == kinds
    assert [entry.number for entry in ledger.entries] == [1, 2, 3, 4]
    assert len(ledger.returned) == returned
    assert contract.status == status
    used = [entry for entry in ledger.entries if entry.kind in ("completed", "no_show", "canceled_late")]
    assert [entry.value for entry in used] == [22500] * len(used)
    assert ledger.credits.used == len(used)
    assert ledger.counts["returned"] == returned


def test_used_credits_carry_the_price_split_to_the_cent():
    contract = contract_active(coach=coach_open_every_day(), sessions_count=3, price_amount=10000)
    _play(contract, ["completed", "completed", "completed"])
    ledger = contract_ledger(contract=contract)
    assert [entry.value for entry in ledger.entries] == [3334, 3333, 3333]
    assert sum(entry.value for entry in ledger.entries) == contract.price_amount


def test_the_ledger_reads_in_one_query(django_assert_num_queries):
    contract = contract_active(coach=coach_open_every_day())
    _play(contract, ["completed", "booked", "cancel_in_time"])
    with django_assert_num_queries(1):
        contract_ledger(contract=contract)
