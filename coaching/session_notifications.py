"""E-mails about a contract's sessions and its end, to its student and its coach, each in their own zone.

Every e-mail goes through the outbox with a de-duplication key naming the session (or contract), the
event, the version of the session's time (the .ics SEQUENCE) and the recipient, so a repeated submit or
a cron run twice sends one copy. A session's .ics keeps one UID for its whole life and a SEQUENCE that
grows with each change (REQUEST when booked or moved, CANCEL when cancelled), so calendars update the
one event. Call these inside the transaction that makes the change: the e-mails commit with it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from coaching.models import CoachingSession, Contract
from innerwork.core.emails import email_each_in_own_zone
from innerwork.core.models import OutboxEmail
from innerwork.scheduling.ics import appointment_ics

BOOKED_TEMPLATE = "coaching/session_booked"
RESCHEDULED_TEMPLATE = "coaching/session_rescheduled"
CANCELED_TEMPLATE = "coaching/session_canceled"
REMINDER_TEMPLATE = "coaching/session_reminder"
EXPIRING_TEMPLATE = "coaching/contract_expiring"
ENDED_TEMPLATE = "coaching/contract_ended"
STUDENT, COACH = "student", "coach"


def session_ics(*, session: CoachingSession, method: str) -> bytes:
    """The session's invitation: the coach organises, the student attends, times in UTC."""
    contract = session.contract
    coach, student = contract.coach.user, contract.student
    return appointment_ics(
        appointment=session.appointment,
        method=method,
        organizer_email=coach.email,
        organizer_name=coach.get_full_name(),
        attendee_email=student.email,
        attendee_name=student.get_full_name(),
        summary=f"Coaching session: {contract.title}",
        description=f"Contract {contract.number} with {coach.get_full_name()} on InnerWork.",
        location_url=contract.coach.meeting_url,
    )


def _parties(contract: Contract):
    return ((STUDENT, contract.student, contract.coach.user), (COACH, contract.coach.user, contract.student))


def _sessions_url(contract: Contract) -> str:
    return settings.SITE_URL + reverse("coaching:contract_sessions", kwargs={"number": contract.number})


def _send_session(*, session: CoachingSession, event: str, template: str, method: str) -> None:
    contract = session.contract
    email_each_in_own_zone(
        people=_parties(contract),
        key=f"coaching.session:{session.pk}:{event}:{session.appointment.ics_sequence}:{{role}}",
        template=template,
        context={
            "session": session,
            "contract": contract,
            "appointment": session.appointment,
            "meeting_url": contract.coach.meeting_url,
            "sessions_url": _sessions_url(contract),
        },
        attachments=[("invite.ics", session_ics(session=session, method=method), f"text/calendar; method={method}")],
    )


def notify_session_booked(*, session: CoachingSession) -> None:
    """ "Your session is booked" to both, with the invitation (REQUEST .ics)."""
    _send_session(session=session, event="booked", template=BOOKED_TEMPLATE, method="REQUEST")


def notify_session_rescheduled(*, session: CoachingSession) -> None:
    """The new time to both, with the updated invitation (same UID, higher SEQUENCE); once per move."""
    _send_session(session=session, event="rescheduled", template=RESCHEDULED_TEMPLATE, method="REQUEST")


def notify_session_canceled(*, session: CoachingSession) -> None:
    """The cancellation to both (whether the credit was used), with a CANCEL invitation."""
    _send_session(session=session, event="canceled", template=CANCELED_TEMPLATE, method="CANCEL")


def notify_session_reminder(*, session: CoachingSession) -> bool:
    """ "Your session is coming up" to both, with the invitation again; once per session and time (a moved
    session is reminded of its new time). Returns whether it was new."""
    key = f"coaching.session:{session.pk}:reminder:{session.appointment.ics_sequence}:student"
    if OutboxEmail.objects.filter(dedup_key=key).exists():
        return False
    _send_session(session=session, event="reminder", template=REMINDER_TEMPLATE, method="REQUEST")
    return True


def _send_contract(*, contract: Contract, event: str, template: str, extra: dict) -> None:
    email_each_in_own_zone(
        people=_parties(contract),
        key=f"coaching.contract:{contract.pk}:{event}:{{role}}",
        template=template,
        context={"contract": contract, "sessions_url": _sessions_url(contract), **extra},
    )


def notify_contract_expiring(*, contract: Contract, available: int) -> None:
    """ "N sessions left, usable until <ends_at>" to both, once per contract."""
    _send_contract(contract=contract, event="expiring", template=EXPIRING_TEMPLATE, extra={"available": available})


def notify_contract_ended(*, contract: Contract, unused: int, refund_label: str = "", reason: str = "") -> None:
    """The contract's end to both (completed, expired, cancelled or refunded), with the canceller's `reason`
    when they gave one; once per contract."""
    _send_contract(
        contract=contract,
        event="ended",
        template=ENDED_TEMPLATE,
        extra={"unused": unused, "refund_label": refund_label, "reason": reason},
    )
