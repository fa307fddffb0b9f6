"""Test data for the sessions area: an approved coach with open hours, and contracts in any status,
made through the models and the status doors.

`contract_kind` is the `coaching_contract` kind a contract is paid through (coaching.product_kind).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from coaching.models import CONTRACT_KIND, CoachProfile, Contract, Inquiry, Proposal
from coaching.status import contract_set_status, proposal_set_status
from commerce import registry
from commerce.checkout import order_checkout, order_create_for_item, order_fulfil_from_return
from commerce.models import CheckoutSession, Order
from innerwork.accounts.tests.factories import UserFactory
from innerwork.scheduling.services import calendar_for

SUCCESS_URL = "http://testserver/coaching/done?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://testserver/coaching/cancelled"
TERMS = {
    "title": "Lead your first team",
    "goals": "Run one-to-ones; delegate; give feedback.",
    "sessions_count": 4,
    "session_minutes": 60,
    "price_amount": 90000,
    "currency": "usd",
    "validity_weeks": 12,
    "cancel_notice_hours": 24,
    "cancellation_terms": "Cancel a day ahead and the session comes back.",
}


def day_at(days: int, hour: int, minute: int = 0) -> datetime:
    """`days` from today at `hour`:`minute` UTC."""
    return datetime.combine(timezone.now().date() + timedelta(days=days), time(hour, minute), tzinfo=UTC)


def coach_open_every_day(*, user=None, meeting_url: str = "https://meet.example/coach", **fields) -> CoachProfile:
    """An approved coach, open 06:00-22:00 UTC every day, no buffers or notice."""
    user = user or UserFactory(full_name="Cora Coach")
    coach = CoachProfile.objects.create(
        user=user,
        slug=f"coach-{user.pk}",
        headline="Helps new managers",
        bio="Ten years of coaching.",
        meeting_url=meeting_url,
        status=CoachProfile.Status.APPROVED,
        **fields,
    )
    calendar = calendar_for(user)
    calendar.min_notice_minutes = 0
    calendar.save()
    for weekday in range(7):
        calendar.weekly_rules.create(weekday=weekday, start_time=time(6), end_time=time(22))
    return coach


def contract_waiting(*, coach: CoachProfile, student=None, partner=None, **terms) -> Contract:
    """A contract waiting for payment: the student asked, the coach proposed, the student accepted.

    With `partner`, accepted through that partner's API: its order is placed through the partner (as the API's
    accept does), which makes the contract the partner's."""
    student = student or UserFactory(full_name="Sam Student")
    terms = {**TERMS, **terms}
    inquiry, _ = Inquiry.objects.get_or_create(coach=coach, student=student, defaults={"goals": terms["goals"]})
    proposal = Proposal.objects.create(
        inquiry=inquiry, coach=coach, student=student, expires_at=timezone.now() + timedelta(days=7), **terms
    )
    proposal_set_status(proposal=proposal, status=Proposal.Status.ACCEPTED)
    contract = Contract.objects.create(
        proposal=proposal,
        coach=coach,
        student=student,
        accepted_terms=proposal.terms(),
        accepted_at=timezone.now(),
        **terms,
    )
    if partner is not None:
        order_create_for_item(user=student, kind=CONTRACT_KIND, ref=str(contract.pk), partner=partner)
    return contract


def contract_activate(contract: Contract, *, activated_at: datetime | None = None) -> Contract:
    """Move a waiting contract to active through its door, as a payment does: ends `validity_weeks` later."""
    activated_at = activated_at or timezone.now() - timedelta(days=1)
    contract_set_status(
        contract=contract,
        status=Contract.Status.ACTIVE,
        changes={"activated_at": activated_at, "ends_at": activated_at + timedelta(weeks=contract.validity_weeks)},
    )
    contract.refresh_from_db()
    return contract


def contract_active(*, coach: CoachProfile, student=None, activated_at=None, partner=None, **terms) -> Contract:
    contract = contract_waiting(coach=coach, student=student, partner=partner, **terms)
    return contract_activate(contract, activated_at=activated_at)


@pytest.fixture
def contract_kind():
    """The `coaching_contract` kind commerce sells contracts as (registered by CoachingConfig.ready)."""
    return registry.get_kind(CONTRACT_KIND)


def contract_paid(
    *, emulator, coach: CoachProfile, capture, student=None, partner=None, **terms
) -> tuple[Contract, Order]:
    """A contract paid with 4242 through Stripe Checkout (the emulator) and fulfilled from the success page
    (with `partner`, bought through that partner's API: the contract is the partner's)."""
    contract = contract_waiting(coach=coach, student=student, partner=partner, **terms)
    order = order_create_for_item(user=contract.student, kind=CONTRACT_KIND, ref=str(contract.pk), partner=partner)
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    session_id = order.checkout_sessions.get(status=CheckoutSession.Status.OPEN).stripe_id
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    with capture(execute=True):
        order_fulfil_from_return(order=order, session_id=session_id)
    contract.refresh_from_db()
    order.refresh_from_db()
    return contract, order
