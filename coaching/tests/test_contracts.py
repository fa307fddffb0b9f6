"""Contract services without a browser: every status move allowed or refused, who may pay in which status,
the end date from the frozen validity, and what a refund does to each status."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from coaching.contracts import NOT_PAYABLE, ContractError, contract_ends_at, contract_pay, contract_revoke
from coaching.models import CoachingSession, Contract
from coaching.status import contract_set_status
from coaching.tests.factories_pay import contract_active, contract_make, session_add
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.status import StatusTransitionError

pytestmark = pytest.mark.django_db

S = Contract.Status
ALLOWED = {
    (S.PENDING_PAYMENT, S.ACTIVE),
    (S.PENDING_PAYMENT, S.CANCELED),
    (S.ACTIVE, S.COMPLETED),
    (S.ACTIVE, S.CANCELED),
    (S.ACTIVE, S.REFUNDED),
}
PATHS = {  # how each starting status is reached through the door
    S.PENDING_PAYMENT: [],
    S.ACTIVE: [S.ACTIVE],
    S.COMPLETED: [S.ACTIVE, S.COMPLETED],
    S.CANCELED: [S.CANCELED],
    S.REFUNDED: [S.ACTIVE, S.REFUNDED],
}


def _contract_in(status: str) -> Contract:
    contract = contract_make()
    now = timezone.now()
    for step in PATHS[status]:
        changes = {"activated_at": now, "ends_at": now + timedelta(weeks=12)} if step == S.ACTIVE else None
        contract_set_status(contract=contract, status=step, changes=changes)
    return contract


@pytest.mark.parametrize(("from_status", "to_status"), [(a, b) for a in S for b in S if a != b])
def test_every_contract_status_move_is_allowed_or_refused_as_the_map_says(from_status, to_status):
    contract = _contract_in(from_status)
    events_before = contract.events.count()

    if (from_status, to_status) in ALLOWED:
        contract_set_status(contract=contract, status=to_status, message="Moved.")
        contract.refresh_from_db()
        assert contract.status == to_status
        assert contract.events.count() == events_before + 1
        assert contract.events.last().type == to_status
    else:
        with pytest.raises(StatusTransitionError):
            contract_set_status(contract=contract, status=to_status)
        contract.refresh_from_db()
        assert contract.status == from_status
        assert contract.events.count() == events_before


def test_the_map_is_the_one_the_issue_states():
    assert {(a, b) for a, targets in Contract.TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(
    ("who", "status", "outcome"),
    [
        ("student", S.PENDING_PAYMENT, "order"),
        ("student", S.ACTIVE, "refused"),
        ("student", S.COMPLETED, "refused"),
        ("student", S.CANCELED, "refused"),
        ("student", S.REFUNDED, "refused"),
        ("coach", S.PENDING_PAYMENT, "unknown"),
        ("other", S.PENDING_PAYMENT, "unknown"),
    ],
)
def test_only_the_student_pays_and_only_while_it_waits(who, status, outcome):
    contract = _contract_in(status)
    user = {"student": contract.student, "coach": contract.coach.user, "other": UserFactory()}[who]

    if outcome == "order":
        order = contract_pay(contract=contract, user=user)
        assert (order.user, order.total_amount, order.currency, order.origin) == (user, 90000, "usd", "item")
        assert contract_pay(contract=contract, user=user) == order  # asking again: the same waiting order
    elif outcome == "refused":
        with pytest.raises(ContractError) as refused:
            contract_pay(contract=contract, user=user)
        assert refused.value.message == NOT_PAYABLE.format(status=Contract.Status(status).label.lower())
    else:
        with pytest.raises(Contract.DoesNotExist):
            contract_pay(contract=contract, user=user)


@pytest.mark.parametrize(
    ("weeks", "paid_at", "ends_at"),
    [
        (1, datetime(2026, 3, 1, 10, tzinfo=UTC), datetime(2026, 3, 8, 10, tzinfo=UTC)),
        (12, datetime(2026, 12, 4, 23, 30, tzinfo=UTC), datetime(2027, 2, 26, 23, 30, tzinfo=UTC)),
        (104, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 12, 30, tzinfo=UTC)),
    ],
)
def test_the_end_date_is_the_payment_plus_the_frozen_validity(weeks, paid_at, ends_at):
    contract = contract_make(validity_weeks=weeks)

    assert contract_ends_at(contract=contract, activated_at=paid_at) == ends_at


@pytest.mark.parametrize(
    ("status", "revoked", "after"),
    [
        (S.ACTIVE, True, S.REFUNDED),
        (S.PENDING_PAYMENT, False, S.PENDING_PAYMENT),
        (S.CANCELED, False, S.CANCELED),
        (S.COMPLETED, False, S.COMPLETED),
        (S.REFUNDED, False, S.REFUNDED),
    ],
)
def test_a_refund_takes_back_only_an_active_contract(status, revoked, after):
    contract = _contract_in(status)

    assert contract_revoke(contract=contract, reason="Refunded in Stripe's dashboard") is revoked

    contract.refresh_from_db()
    assert contract.status == after


def test_a_refund_keeps_who_cancelled_when_a_cancellation_started_it():
    contract = contract_active()
    session = session_add(
        contract=contract, status=CoachingSession.Status.SCHEDULED, start_at=timezone.now() + timedelta(hours=1)
    )
    Contract.objects.filter(pk=contract.pk).update(canceled_by="student", cancel_reason="Moving abroad")

    contract_revoke(contract=contract, reason="Refund of the unused sessions")

    contract.refresh_from_db()
    session.refresh_from_db()
    assert (contract.status, contract.canceled_by, contract.cancel_reason) == ("refunded", "student", "Moving abroad")
    # the staff party of the revoke returns the credit whatever the notice
    assert session.status == CoachingSession.Status.CANCELED_IN_TIME
