"""A contract's sessions: booked within its credits, in the coach's calendar, and ended with the contract."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from coaching.models import CoachingSession, Contract
from coaching.status import session_set_status
from innerwork.scheduling.services import appointment_cancel


def session_cancel_status(*, session: CoachingSession, party: str, now: datetime) -> str:
    """How a cancellation by `party` ends the session: the coach's or staff's always give the credit back;
    the student's does when it gives at least the contract's notice, and uses the credit otherwise."""
    if party != Contract.Party.STUDENT:
        return CoachingSession.Status.CANCELED_IN_TIME
    notice = session.appointment.start_at - now
    if notice >= timedelta(hours=session.contract.cancel_notice_hours):
        return CoachingSession.Status.CANCELED_IN_TIME
    return CoachingSession.Status.CANCELED_LATE


def sessions_cancel_open(
    *, contract: Contract, party: str, reason: str, actor=None, now: datetime | None = None
) -> list[CoachingSession]:
    """Cancel every scheduled session of a contract that is ending (cancelled, refunded): each frees its
    time in the coach's calendar and ends in time or late as `session_cancel_status` says.

    Call it inside the transaction that ends the contract, with the contract row locked. Returns the
    sessions it cancelled (for the caller's notifications).
    """
    now = now or timezone.now()
    canceled = []
    with transaction.atomic():
        sessions = (
            CoachingSession.objects.select_for_update(of=("self",))
            .select_related("appointment", "contract")
            .filter(contract=contract, status=CoachingSession.Status.SCHEDULED)
        )
        for session in sessions:
            status = session_cancel_status(session=session, party=party, now=now)
            appointment_cancel(appointment=session.appointment, reason=reason, actor=actor)
            session_set_status(
                session=session,
                status=status,
                actor=actor,
                reason=reason,
                changes={"canceled_at": now, "canceled_by": party},
            )
            canceled.append(session)
    return canceled
