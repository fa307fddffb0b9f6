"""The pro-rata rule: what a contract's student gets back for its unused sessions, in integer minor units.

`paid − used × (paid ÷ sessions)` with the price split by largest remainder (the first `paid % sessions`
credits carry one unit more), never below zero, never more than what is left of the payment. The
quote a person sees before cancelling is this rule on the contract's real payment (emulator).
"""

from datetime import timedelta

import pytest

from coaching.contract_end import EXPLAIN_UNPAID, contract_cancel_quote
from coaching.credits import credit_values, prorata_refund
from coaching.sessions import session_book, session_finish
from coaching.tests.factories_sessions import (  # noqa: F401  (contract_kind is a fixture)
    coach_open_every_day,
    contract_active,
    contract_kind,
    contract_paid,
    day_at,
)
from commerce.tests.stripe_fixtures import emulator  # noqa: F401  (the Stripe emulator, used by name)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("paid", "sessions", "used", "already_refunded", "refund"),
    [
        (90000, 4, 0, 0, 90000),  # nothing used: all of it
        (90000, 4, 1, 0, 67500),
        (90000, 4, 3, 0, 22500),
        (90000, 4, 4, 0, 0),  # all used: nothing
        (10000, 3, 1, 0, 6666),  # 3334 + 3333 + 3333: the first credit carries the extra cent
        (10000, 3, 2, 0, 3333),
        (10000, 3, 3, 0, 0),
        (100, 7, 3, 0, 56),  # 15 + 15 + 14 used
        (1, 3, 0, 0, 1),  # one cent over three sessions: the first credit is worth it
        (1, 3, 1, 0, 0),
        (99999, 52, 51, 0, 1923),  # the most sessions a contract may have
        (90000, 4, 1, 80000, 10000),  # never more than is left of the payment
        (90000, 4, 1, 90000, 0),
        (90000, 1, 0, 0, 90000),
        (0, 4, 2, 0, 0),  # a 100 % coupon: nothing was paid, nothing comes back
    ],
)
def test_the_prorata_table(paid, sessions, used, already_refunded, refund):
    assert prorata_refund(paid=paid, sessions=sessions, used=used, already_refunded=already_refunded) == refund


def test_used_credits_and_the_refund_always_add_up_to_exactly_what_was_paid():
    for paid in (1, 2, 99, 100, 101, 9999, 90000, 123457):
        for sessions in (1, 2, 3, 6, 7, 12, 52):
            values = credit_values(paid=paid, sessions=sessions)
            assert max(values) - min(values) <= 1
            for used in range(sessions + 1):
                refund = prorata_refund(paid=paid, sessions=sessions, used=used)
                assert 0 <= refund <= paid
                assert sum(values[:used]) + refund == paid


@pytest.mark.parametrize("used", [-1, 5])
def test_used_outside_the_contracts_sessions_is_refused(used):
    with pytest.raises(ValueError, match="used must be between 0 and 4"):
        prorata_refund(paid=90000, sessions=4, used=used)


def test_an_unpaid_contract_quotes_nothing():
    contract = contract_active(coach=coach_open_every_day())
    quote = contract_cancel_quote(contract=contract, party="student")
    assert (quote.amount, quote.explanation, quote.order) == (0, EXPLAIN_UNPAID, None)


@pytest.mark.parametrize(
    ("party", "open_in_hours", "used", "late", "amount"),
    [
        ("student", None, 1, 0, 67500),
        ("student", 48, 1, 0, 67500),  # an open session with notice comes back
        ("student", 5, 2, 1, 45000),  # one too close to cancel in time counts as used
        ("coach", 5, 1, 0, 67500),  # the coach's cancellation returns every unused session
        ("staff", 5, 1, 0, 67500),
    ],
)
def test_the_quote_counts_the_sessions_the_cancellation_itself_makes_late(
    emulator,  # noqa: F811
    contract_kind,  # noqa: F811
    django_capture_on_commit_callbacks,
    party,
    open_in_hours,
    used,
    late,
    amount,
):
    # given a paid 4 × $225 contract with one session completed
    contract, order = contract_paid(
        emulator=emulator, coach=coach_open_every_day(), capture=django_capture_on_commit_callbacks
    )
    done = session_book(contract=contract, student=contract.student, start_at=day_at(2, 9))
    session_finish(session=done, actor=contract.coach.user, now=done.appointment.end_at)
    now = day_at(5, 12)  # noon UTC in five days: the open session falls in the coach's hours
    if open_in_hours:
        session_book(
            contract=contract, student=contract.student, start_at=now + timedelta(hours=open_in_hours), now=now
        )
    # when the quote is asked for
    quote = contract_cancel_quote(contract=contract, party=party, now=now)
    # then it is the pro-rata share of what the order line cost
    assert (quote.paid, quote.used, quote.late, quote.amount, quote.currency) == (90000, used, late, amount, "usd")
    assert quote.order == order
    assert quote.label in quote.explanation
