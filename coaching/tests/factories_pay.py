"""Test data for paying for contracts (engineer B's tests), made with the models and the status doors.

A coach, the student's inquiry thread, a proposal and the contract that froze its terms, waiting for
payment; `contract_active` pays nothing and moves it through the door, for tests about what happens
after payment without Stripe. The conversation's own factories live in factories.py.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from coaching.contracts import contract_pay
from coaching.models import CoachingSession, CoachProfile, Contract, Inquiry, Proposal
from coaching.status import contract_set_status
from commerce.checkout import order_checkout, order_fulfil_from_return
from commerce.models import CheckoutSession, Order
from innerwork.accounts.tests.factories import UserFactory
from innerwork.scheduling.models import Appointment

TERMS = {
    "title": "Lead with confidence",
    "goals": "Run my first team offsite; give hard feedback without dreading it.",
    "sessions_count": 6,
    "session_minutes": 60,
    "price_amount": 90000,
    "currency": "usd",
    "validity_weeks": 12,
    "cancel_notice_hours": 24,
    "cancellation_terms": "Cancel a session 24 hours ahead to keep it.",
}


def coach_make(*, user=None, **user_fields) -> CoachProfile:
    """An approved coach: `user`, or a new one made with `user_fields`."""
    user = user or UserFactory(**{"full_name": "Ana Coach", **user_fields})
    return CoachProfile.objects.create(
        user=user,
        slug=f"coach-{user.pk}",
        status=CoachProfile.Status.APPROVED,
        headline="Helps new managers lead",
        bio="Ten years of coaching leaders.",
        approved_at=timezone.now(),
    )


def contract_make(*, coach: CoachProfile | None = None, student=None, **terms) -> Contract:
    """A contract waiting for payment, with the proposal it was accepted from and the thread it came from."""
    coach = coach or coach_make()
    student = student or UserFactory(full_name="Maya Student")
    terms = {**TERMS, **terms}
    inquiry, _ = Inquiry.objects.get_or_create(coach=coach, student=student, defaults={"goals": terms["goals"]})
    proposal = Proposal.objects.create(
        inquiry=inquiry,
        coach=coach,
        student=student,
        status=Proposal.Status.ACCEPTED,
        expires_at=timezone.now() + timedelta(days=7),
        decided_at=timezone.now(),
        **terms,
    )
    return Contract.objects.create(
        proposal=proposal,
        coach=coach,
        student=student,
        accepted_terms=proposal.terms(),
        accepted_at=timezone.now(),
        **terms,
    )


def contract_active(**kwargs) -> Contract:
    """A contract moved to active through its door (no payment behind it)."""
    contract = contract_make(**kwargs)
    now = timezone.now()
    with transaction.atomic():
        contract_set_status(
            contract=contract,
            status=Contract.Status.ACTIVE,
            changes={"activated_at": now, "ends_at": now + timedelta(weeks=contract.validity_weeks)},
        )
    return contract


APPOINTMENT_STATUS = {
    CoachingSession.Status.SCHEDULED: Appointment.Status.CONFIRMED,
    CoachingSession.Status.COMPLETED: Appointment.Status.COMPLETED,
    CoachingSession.Status.NO_SHOW: Appointment.Status.NO_SHOW,
    CoachingSession.Status.CANCELED_LATE: Appointment.Status.CANCELED,
    CoachingSession.Status.CANCELED_IN_TIME: Appointment.Status.CANCELED,
}


def session_add(*, contract: Contract, status: str, start_at) -> CoachingSession:
    """One session of the contract in `status` at `start_at` (its appointment in the matching state)."""
    end_at = start_at + timedelta(minutes=contract.session_minutes)
    appointment = Appointment.objects.create(
        host=contract.coach.user,
        guest=contract.student,
        start_at=start_at,
        end_at=end_at,
        blocked_start=start_at,
        blocked_end=end_at,
        status=APPOINTMENT_STATUS[status],
        subject=f"coaching.contract:{contract.pk}",
        title=contract.title,
    )
    return CoachingSession.objects.create(contract=contract, appointment=appointment, status=status)


SUCCESS_URL = "http://testserver/coaching/paid?session_id={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://testserver/coaching/payment-canceled"


def open_session_id(order: Order) -> str:
    return order.checkout_sessions.get(status=CheckoutSession.Status.OPEN).stripe_id


def contract_paid(emulator, contract: Contract, *, card: str = "4242424242424242") -> Order:
    """Pay `contract` as its student does: its order, Stripe's page at the emulator, and the success page's fulfilment.

    Run inside django_capture_on_commit_callbacks(execute=True) to send the e-mails it queues.
    """
    order = contract_pay(contract=contract, user=contract.student)
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    session_id = open_session_id(order)
    emulator.pay_checkout_session(session_id, card=card)
    order_fulfil_from_return(order=order, session_id=session_id)
    order.refresh_from_db()
    contract.refresh_from_db()
    return order
