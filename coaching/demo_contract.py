"""Coaching's demo contract under way (part of coaching/demo.py's seed): paid for real, some sessions used.

The demo learner asked Kwame Mensah three weeks ago, accepted his proposal (conversation.proposal_accept) and
paid it: commerce.demo pays the contract's order at the Stripe emulator with the test Visa and fulfils it as
the success page does, so the contract is activated by the payment pipeline (timeline, thread message,
"payment received" e-mails) and a cancellation refunds pro rata for real.

What cannot be made today, honestly:
- The payment is made now (Stripe, the emulator, knows it as today's), but the contract's sessions started
  three weeks ago. So once it is active, the contract's clock (`activated_at`, `ends_at`, its "active" entry
  and the thread's payment message) is set back to the day it would have been paid. The order keeps today's
  date: it is the emulator's record of a real payment. Its status is never written here.
- The slot engine offers no past time, so each used session's appointment is created in its first status
  (held, as scheduling's hold creates it), confirmed through scheduling's door, and its session marked
  completed through coaching.sessions.session_finish by the coach, as a real one is; then dated as it happened.
The session still ahead is booked through coaching.sessions.session_book at the coach's first free time.

History, created once: when the learner already has a thread with this coach, nothing is written. Needs demo
payments (an active contract is a paid one): without the emulator it is left for a later seed (the command
has printed why).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coaching.contracts import ACTIVATED_MESSAGE, THREAD_PAID_MESSAGE, contract_ends_at
from coaching.conversation import AUTO_PROPOSAL_SENT, proposal_accept
from coaching.models import (
    CONTRACT_KIND,
    CoachingSession,
    CoachProfile,
    Contract,
    ContractEvent,
    Inquiry,
    Message,
    Proposal,
)
from coaching.sessions import session_book, session_finish, session_subject
from coaching.status import contract_event_add
from commerce.demo import demo_pay_item
from innerwork.core.demo_seeding import DemoSeed
from innerwork.core.money import format_money
from innerwork.scheduling.models import Appointment
from innerwork.scheduling.selectors import next_free_slot
from innerwork.scheduling.services import appointment_confirm

GOALS = (
    "After a hard year I want to move from consulting into a product role, without burning out on the way. "
    "I need a plan and someone to keep me honest."
)
COACH_REPLY = "Glad you wrote. Five sessions over ten weeks suits a change of track; here is what I suggest."
PROPOSAL = {
    "title": "Change of track: consulting to product",
    "goals": "Map what drains you and what you want next; a target role; three conversations with people in it.",
    "sessions_count": 5,
    "session_minutes": 60,
    "price_amount": 65000,
    "currency": "usd",
    "validity_weeks": 10,
    "cancel_notice_hours": 24,
    "cancellation_terms": "Move or cancel a session up to 24 hours before; later, the session is used.",
}
PAID_WEEKS_AGO = 3
USED_SESSIONS_DAYS_AGO = (15, 8)  # completed, at 10:00 in the coach's zone on the coaching day on or before
SESSION_HOUR = time(10)
NEXT_SESSION_AFTER = timedelta(days=2)
BOOKED_MESSAGE = "Session {number} of {total} booked (demo data)."


def seed_contract(*, demo: DemoSeed, coach: CoachProfile, coaching_days: tuple[int, ...]) -> Contract | None:
    """The learner's active contract with `coach` (created once): paid at the emulator, two sessions used, one ahead."""
    if not demo.payments or Inquiry.objects.filter(coach=coach, student=demo.learner).exists():
        return None
    activated_at = demo.now - timedelta(weeks=PAID_WEEKS_AGO)
    proposal = _proposal(demo, coach, sent_at=activated_at - timedelta(days=2))
    contract = proposal_accept(proposal=proposal, student=demo.learner, now=activated_at - timedelta(hours=3))
    order = demo_pay_item(user=demo.learner, kind=CONTRACT_KIND, ref=str(contract.pk))
    contract = _clock_back(contract, order, activated_at=activated_at)
    for days_ago in USED_SESSIONS_DAYS_AGO:
        _used_session(demo, contract, days_ago=days_ago, coaching_days=coaching_days)
    _session_ahead(demo, contract)
    demo.counts["coaching contracts paid"] += 1
    return contract


def _proposal(demo: DemoSeed, coach: CoachProfile, *, sent_at: datetime) -> Proposal:
    """The thread and the proposal the learner accepted, written as history (no e-mails for them)."""
    asked = sent_at - timedelta(days=1)
    inquiry = Inquiry.objects.create(coach=coach, student=demo.learner, goals=GOALS, last_message_at=sent_at)
    Message.objects.create(inquiry=inquiry, author=demo.learner, body=GOALS, created_at=asked)
    Message.objects.create(inquiry=inquiry, author=coach.user, body=COACH_REPLY, created_at=sent_at)
    proposal = Proposal.objects.create(
        inquiry=inquiry, coach=coach, student=demo.learner, expires_at=sent_at + timedelta(days=14), **PROPOSAL
    )
    Proposal.objects.filter(pk=proposal.pk).update(created_at=sent_at, updated_at=sent_at)
    Message.objects.create(
        inquiry=inquiry,
        author=None,
        body=AUTO_PROPOSAL_SENT.format(coach=coach, title=proposal.title),
        created_at=sent_at,
    )
    demo.counts["coaching threads created"] += 1
    return proposal


def _clock_back(contract: Contract, order, *, activated_at: datetime) -> Contract:
    """Date the paid contract's clock as if paid at `activated_at` (see the module docstring); status untouched.

    Its timeline's first two entries (accepted, active) are dated as they would have happened too.
    """
    ends_at = contract_ends_at(contract=contract, activated_at=activated_at)
    ends = f"{ends_at:%d %B %Y} (UTC)"
    was = Contract.objects.get(pk=contract.pk).activated_at
    Contract.objects.filter(pk=contract.pk).update(activated_at=activated_at, ends_at=ends_at)
    ContractEvent.objects.filter(contract=contract, type="accepted").update(created_at=contract.accepted_at)
    ContractEvent.objects.filter(contract=contract, type=Contract.Status.ACTIVE).update(
        created_at=activated_at, message=ACTIVATED_MESSAGE.format(ends=ends)
    )
    student = contract.student
    body = THREAD_PAID_MESSAGE.format(
        student=student.get_full_name() or student.email,
        title=contract.title,
        amount=format_money(order.amount_paid, order.currency),
        number=contract.number,
        sessions=contract.sessions_count,
        minutes=contract.session_minutes,
        ends=ends,
    )
    Message.objects.filter(inquiry=contract.proposal.inquiry, author=None, created_at=was).update(
        body=body, created_at=activated_at
    )
    contract.refresh_from_db()
    return contract


def _used_session(demo: DemoSeed, contract: Contract, *, days_ago: int, coaching_days: tuple[int, ...]) -> None:
    """A session held `days_ago` days ago (on a coaching day) and marked completed by the coach, as it happened."""
    coach = contract.coach.user
    zone = ZoneInfo(coach.time_zone)
    day = demo.now.astimezone(zone).date() - timedelta(days=days_ago)
    while day.weekday() not in coaching_days:
        day -= timedelta(days=1)
    start = datetime.combine(day, SESSION_HOUR, tzinfo=zone).astimezone(UTC)
    end = start + timedelta(minutes=contract.session_minutes)
    booked_at = max(start - timedelta(days=5), contract.activated_at + timedelta(hours=1))
    appointment = Appointment.objects.create(
        host=coach,
        guest=contract.student,
        start_at=start,
        end_at=end,
        blocked_start=start,
        blocked_end=end,
        status=Appointment.Status.HELD,
        hold_expires_at=booked_at + timedelta(minutes=5),
        subject=session_subject(contract=contract, token=secrets.token_urlsafe(12)),
        title=f"Coaching: {contract.title}"[:200],
    )
    appointment_confirm(appointment=appointment, now=booked_at)
    session = CoachingSession.objects.create(contract=contract, appointment=appointment)
    number = contract.sessions.count()
    booked = contract_event_add(
        contract=contract,
        type="session_booked",
        message=BOOKED_MESSAGE.format(number=number, total=contract.sessions_count),
        data={"session": session.pk, "start_at": start.isoformat()},
        actor=contract.student,
    )
    finished_at = end + timedelta(minutes=5)
    session_finish(session=session, actor=coach, now=finished_at)
    # Dated as they happened, so the contract's timeline and ledger read in order.
    CoachingSession.objects.filter(pk=session.pk).update(created_at=booked_at)
    Appointment.objects.filter(pk=appointment.pk).update(created_at=booked_at)
    ContractEvent.objects.filter(pk=booked.pk).update(created_at=booked_at)
    ContractEvent.objects.filter(contract=contract, type="session_completed", data__session=session.pk).update(
        created_at=finished_at
    )


def _session_ahead(demo: DemoSeed, contract: Contract) -> None:
    """The next session, at the coach's first free time two days on, booked as the learner books one."""
    slot = next_free_slot(
        host=contract.coach.user,
        length=timedelta(minutes=contract.session_minutes),
        now=demo.now,
        after=demo.now + NEXT_SESSION_AFTER,
    )
    if slot is not None:  # the coach's hours were edited down to nothing: no session ahead to show
        session_book(contract=contract, student=contract.student, start_at=slot.start, now=demo.now)
