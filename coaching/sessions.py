"""A contract's sessions: booked within its credits in the coach's calendar, moved, cancelled, finished.

Each session is one scheduling.Appointment on the coach's calendar (subject "coaching.contract:<pk>:<token>"),
so a coach who also mentors is never booked twice: scheduling decides under the coach's calendar
lock and PostgreSQL's exclusion constraint forbids overlaps. A session needs no payment of its own
(the contract paid for its credits), so its time is held and confirmed in one transaction.

Locks, always in this order: the contract row, then the session row, then scheduling's (the coach's
calendar, then the appointment). Taking the contract first is what keeps the credits honest: two
bookings of the last credit, or a booking racing the contract's cancellation, are decided one after
the other, so a contract never has more sessions than credits, nor a session booked after it ended.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from coaching.credits import contract_credits
from coaching.models import CANCEL_PERMISSION, CoachingSession, Contract
from coaching.session_notifications import (
    notify_session_booked,
    notify_session_canceled,
    notify_session_reminder,
    notify_session_rescheduled,
)
from coaching.status import contract_event_add, session_set_status
from innerwork.core.errors import Refused
from innerwork.scheduling.services import (
    appointment_cancel,
    appointment_complete,
    appointment_confirm,
    appointment_hold,
    appointment_mark_no_show,
    appointment_reschedule,
)

REMIND_BEFORE = timedelta(hours=24)
# How long the appointment is held before it is confirmed, in the same transaction.
HOLD_FOR = timedelta(minutes=5)

NOT_THE_STUDENT = "Only the contract's student can book its sessions."
CONTRACT_NOT_ACTIVE = "Sessions can be booked only while the contract is active (paid and not ended)."
PAST_END_DATE = "This contract's sessions must end by {ends_at:%d %B %Y, %H:%M} UTC: pick an earlier time."
NO_CREDITS_LEFT = "All {total} sessions of this contract are booked or used."
NOT_SCHEDULED = "This session is no longer scheduled."
MOVE_TOO_LATE = "A session can be moved up to {hours} hours before it starts; closer to it, cancel it instead."
ALREADY_STARTED = "This session has already started."
NOT_FINISHABLE = "Only a scheduled session that has ended can be marked {what}."
NOT_THE_COACH = "Only the contract's coach can mark its sessions."
NOT_A_PARTY = "Only the contract's student, its coach or staff allowed to cancel contracts can do this."


class SessionError(Refused):
    """A session action refused; `message` is shown to the person as it is."""


def session_subject(*, contract: Contract, token: str) -> str:
    """How a session names its appointment on the coach's calendar."""
    return f"coaching.contract:{contract.pk}:{token}"


def session_party(*, contract: Contract, actor) -> str:
    """Who `actor` is to the contract: student, coach or staff (with the cancel permission); PermissionDenied else."""
    if actor.pk == contract.student_id:
        return Contract.Party.STUDENT
    if actor.pk == contract.coach.user_id:
        return Contract.Party.COACH
    if actor.is_staff and actor.has_perm(CANCEL_PERMISSION):
        return Contract.Party.STAFF
    raise PermissionDenied(NOT_A_PARTY)


def contract_lock(contract: Contract) -> Contract:
    """The contract row, locked for this transaction (the first lock of every session and end service)."""
    return Contract.objects.select_for_update(of=("self",)).select_related("coach__user", "student").get(pk=contract.pk)


def _lock_session(session: CoachingSession) -> CoachingSession:
    return (
        CoachingSession.objects.select_for_update(of=("self",))
        .select_related("appointment", "contract__coach__user", "contract__student")
        .get(pk=session.pk)
    )


def session_for_request(*, contract: Contract, request_key: str) -> CoachingSession | None:
    """The contract's session booked by the form submit `request_key`, if any."""
    if not request_key:
        return None
    return CoachingSession.objects.filter(contract=contract, request_key=request_key).first()


def session_book(
    *, contract: Contract, student, start_at: datetime, request_key: str = "", now: datetime | None = None
) -> CoachingSession:
    """Book one of the contract's credits at `start_at` (the coach's free slot of the contract's length).

    Refused (SessionError) unless `student` is the contract's student, the contract is active, the
    session ends by the contract's `ends_at` and a credit is available; SlotTaken (with nearby free
    times) when the coach's calendar no longer offers that time. Locks the contract row, so the
    credits are counted and taken by one booking at a time. `request_key` (the form's one-time token)
    makes a repeated submit return the session it booked. Both people get the invitation (.ics) once.
    """
    now = now or timezone.now()
    if student.pk != contract.student_id:
        raise SessionError(NOT_THE_STUDENT)
    existing = session_for_request(contract=contract, request_key=request_key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            contract = contract_lock(contract)
            length = timedelta(minutes=contract.session_minutes)
            if contract.status != Contract.Status.ACTIVE or contract.ends_at is None or contract.ends_at <= now:
                raise SessionError(CONTRACT_NOT_ACTIVE)
            if start_at + length > contract.ends_at:
                raise SessionError(PAST_END_DATE.format(ends_at=contract.ends_at))
            credits = contract_credits(contract=contract)
            if credits.available < 1:
                raise SessionError(NO_CREDITS_LEFT.format(total=credits.total))
            appointment = appointment_hold(
                host=contract.coach.user,
                guest=contract.student,
                start_at=start_at,
                length=length,
                until=now + HOLD_FOR,
                subject=session_subject(contract=contract, token=secrets.token_urlsafe(12)),
                title=f"Coaching: {contract.title}"[:200],
                now=now,
            )
            appointment_confirm(appointment=appointment, now=now)
            session = CoachingSession.objects.create(
                contract=contract, appointment=appointment, request_key=request_key
            )
            contract_event_add(
                contract=contract,
                type="session_booked",
                message=f"Session {credits.scheduled + credits.used + 1} of {credits.total} booked.",
                data={"session": session.pk, "start_at": start_at.isoformat()},
                actor=student,
            )
            notify_session_booked(session=session)
    except IntegrityError:
        # Two submits of one form: the unique (contract, request_key) let the first one through.
        existing = session_for_request(contract=contract, request_key=request_key)
        if existing is None:
            raise
        return existing
    return session


def session_reschedule(
    *, session: CoachingSession, start_at: datetime, actor, now: datetime | None = None
) -> CoachingSession:
    """Move a scheduled session to another free time of the coach, by its student or its coach.

    Allowed up to the contract's `cancel_notice_hours` before the current start (a later change is a
    cancellation, which the notice terms price), and only to a time that ends by the contract's
    `ends_at`. The appointment moves in place (same .ics UID, SEQUENCE + 1) and both get the update
    once; a repeated submit for the time it already has changes nothing. Locks the contract, then the
    session. Raises PermissionDenied, SessionError or SlotTaken.
    """
    now = now or timezone.now()
    with transaction.atomic():
        contract = contract_lock(session.contract)
        party = session_party(contract=contract, actor=actor)
        session = _lock_session(session)
        appointment = session.appointment
        if appointment.start_at == start_at:
            return session
        if session.status != CoachingSession.Status.SCHEDULED or contract.status != Contract.Status.ACTIVE:
            raise SessionError(NOT_SCHEDULED)
        if appointment.start_at - now < timedelta(hours=contract.cancel_notice_hours):
            raise SessionError(MOVE_TOO_LATE.format(hours=contract.cancel_notice_hours))
        if start_at + appointment.length > contract.ends_at:
            raise SessionError(PAST_END_DATE.format(ends_at=contract.ends_at))
        was = appointment.start_at
        session.appointment = appointment_reschedule(appointment=appointment, start_at=start_at, now=now)
        session.reschedule_count += 1
        session.save(update_fields=["reschedule_count", "updated_at"])
        contract_event_add(
            contract=contract,
            type="session_rescheduled",
            message=f"A session was moved by the {party}.",
            data={"session": session.pk, "from": was.isoformat(), "to": start_at.isoformat()},
            actor=actor,
        )
        notify_session_rescheduled(session=session)
    return session


def session_cancel_status(*, session: CoachingSession, party: str, now: datetime) -> str:
    """How a cancellation by `party` ends the session: the coach's or staff's always give the credit back;
    the student's does when it gives at least the contract's notice, and uses the credit otherwise."""
    if party != Contract.Party.STUDENT:
        return CoachingSession.Status.CANCELED_IN_TIME
    notice = session.appointment.start_at - now
    if notice >= timedelta(hours=session.contract.cancel_notice_hours):
        return CoachingSession.Status.CANCELED_IN_TIME
    return CoachingSession.Status.CANCELED_LATE


def _cancel_one(*, session: CoachingSession, party: str, reason: str, actor, now: datetime) -> CoachingSession:
    """Free the session's time and end it as `session_cancel_status` says (caller holds the session lock)."""
    status = session_cancel_status(session=session, party=party, now=now)
    session.appointment = appointment_cancel(appointment=session.appointment, reason=reason, actor=actor)
    session_set_status(
        session=session, status=status, actor=actor, reason=reason, changes={"canceled_at": now, "canceled_by": party}
    )
    return session


def session_cancel(
    *, session: CoachingSession, actor, reason: str = "", now: datetime | None = None
) -> CoachingSession:
    """Cancel a scheduled session that has not started, by its student, its coach or staff.

    The student's cancellation with at least the contract's notice gives the credit back, a later one
    uses it (and may use the contract's last credit, which completes it); the coach's or staff's always
    gives it back. Its time is freed at once and both get a CANCEL invitation. Locks the contract, then
    the session. Raises PermissionDenied or SessionError (already cancelled, finished or started).
    """
    now = now or timezone.now()
    with transaction.atomic():
        contract = contract_lock(session.contract)
        party = session_party(contract=contract, actor=actor)
        session = _lock_session(session)
        if session.status != CoachingSession.Status.SCHEDULED:
            raise SessionError(NOT_SCHEDULED)
        if session.appointment.start_at <= now:
            raise SessionError(ALREADY_STARTED)
        why = reason.strip() or f"Cancelled by the {party}."
        _cancel_one(session=session, party=party, reason=why, actor=actor, now=now)
        contract_event_add(
            contract=contract,
            type=f"session_{session.status}",
            message=f"{CoachingSession.Status(session.status).label}: {why}"[:255],
            data={"session": session.pk, "start_at": session.appointment.start_at.isoformat()},
            actor=actor,
        )
        notify_session_canceled(session=session)
        _complete_if_used_up(contract=contract, now=now)
    return session


def session_finish(
    *, session: CoachingSession, actor, no_show: bool = False, now: datetime | None = None
) -> CoachingSession:
    """The coach marks a scheduled session that has ended as completed, or the student as a no-show.

    Either uses the credit; using the contract's last one completes the contract. A session booked
    while the contract was active can be marked after the contract ended (it took place). Locks the
    contract, then the session. Raises PermissionDenied (not the coach) or SessionError.
    """
    now = now or timezone.now()
    what = CoachingSession.Status.NO_SHOW if no_show else CoachingSession.Status.COMPLETED
    with transaction.atomic():
        contract = contract_lock(session.contract)
        if actor.pk != contract.coach.user_id:
            raise PermissionDenied(NOT_THE_COACH)
        session = _lock_session(session)
        if session.status != CoachingSession.Status.SCHEDULED or session.appointment.end_at > now:
            raise SessionError(NOT_FINISHABLE.format(what=CoachingSession.Status(what).label.lower()))
        finish = appointment_mark_no_show if no_show else appointment_complete
        finish(appointment=session.appointment, now=now, actor=actor)
        session_set_status(session=session, status=what, actor=actor)
        contract_event_add(
            contract=contract,
            type=f"session_{what}",
            message=f"A session was marked {CoachingSession.Status(what).label.lower()}.",
            data={"session": session.pk},
            actor=actor,
        )
        _complete_if_used_up(contract=contract, now=now)
    return session


def _complete_if_used_up(*, contract: Contract, now: datetime) -> None:
    # contract_end builds on this module (it cancels open sessions), so it is imported when needed.
    from coaching.contract_end import contract_complete_if_used_up

    contract_complete_if_used_up(contract=contract, now=now)


def sessions_cancel_open(
    *, contract: Contract, party: str, reason: str, actor=None, now: datetime | None = None
) -> list[CoachingSession]:
    """Cancel every scheduled session of a contract that is ending (cancelled, refunded): each frees its
    time in the coach's calendar and ends in time or late as `session_cancel_status` says, and both get
    a CANCEL invitation.

    Call it inside the transaction that ends the contract, with the contract row locked. Returns the
    sessions it cancelled.
    """
    now = now or timezone.now()
    canceled = []
    with transaction.atomic():
        sessions = (
            CoachingSession.objects.select_for_update(of=("self",))
            .select_related("appointment", "contract__coach__user", "contract__student")
            .filter(contract=contract, status=CoachingSession.Status.SCHEDULED)
        )
        for session in sessions:
            canceled.append(_cancel_one(session=session, party=party, reason=reason, actor=actor, now=now))
            notify_session_canceled(session=session)
    return canceled


def sessions_remind_due(*, now: datetime | None = None) -> int:
    """Queue the reminder of every scheduled session starting within REMIND_BEFORE (cron, with the contracts'
    end: `manage.py end_coaching_contracts`). Keyed per session, time and recipient in the outbox, so it can
    run as often as you like. Returns how many sessions were reminded now."""
    now = now or timezone.now()
    due = CoachingSession.objects.filter(
        status=CoachingSession.Status.SCHEDULED,
        appointment__start_at__gt=now,
        appointment__start_at__lte=now + REMIND_BEFORE,
    ).select_related("appointment", "contract__coach__user", "contract__student")
    reminded = 0
    for session in due.order_by("appointment__start_at"):
        with transaction.atomic():
            reminded += notify_session_reminder(session=session)
    return reminded
