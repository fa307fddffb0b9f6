"""Writes: calendars, holds, confirmations, reschedules, cancellations and the one status door of appointments.

Each service that takes an appointment locks and re-reads it in place and returns it, so the
instance passed in shows the appointment as it now is.

Locks, always in this order: the host's Calendar row (select_for_update), then the appointment
rows. Callers that lock their own rows (a booking, an order) lock them first and then call in.
Every decision about a host's time is taken under that host's calendar lock, so two writers
never both see a slot free; on PostgreSQL the exclusion constraint `appointment_no_host_overlap`
makes an overlap impossible even for code that bypasses these services, and on SQLite (writes
serialised) the lock alone keeps it true.

A held appointment whose `hold_expires_at` has passed blocks nobody (the slot engine ignores
it); the services that take a host's lock mark such holds expired, through the door, before
deciding, so the database constraint agrees with the engine.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from innerwork.core.status import status_move
from innerwork.scheduling.models import LIVE_STATUSES, Appointment, Calendar
from innerwork.scheduling.selectors import blocking_appointments, schedule_load
from innerwork.scheduling.slots import Slot, compute_free_slots, nearest_slots

SLOT_TAKEN = "That time was just taken."
SUBJECT_BOOKED_ELSEWHERE = "{subject} already has a live appointment at another time: reschedule or release it first."
NOT_LIVE = "Appointment {pk} is {status}: only a held or confirmed appointment can be {action}."
HOLD_ALREADY_OVER = "A hold must last beyond now: until={until:%Y-%m-%d %H:%M} UTC is not later than now."
TOO_EARLY = "Appointment {pk} ends at {end_at:%Y-%m-%d %H:%M} UTC: it can be marked {status} only after that."
ALTERNATIVES = 5


class SchedulingError(Exception):
    """A scheduling request that cannot be done as asked (the message says why)."""


class SlotTaken(SchedulingError):
    """The time asked for is not free (taken, or no longer offered). `alternatives`: up to 5 free slots nearby."""

    def __init__(self, *, alternatives: list[Slot] | None = None):
        super().__init__(SLOT_TAKEN)
        self.alternatives = list(alternatives or [])


def calendar_for(user) -> Calendar:
    """The user's calendar, created on first need with their own time zone. Safe to call concurrently."""
    calendar, _ = Calendar.objects.get_or_create(owner=user, defaults={"time_zone": user.time_zone or "UTC"})
    return calendar


def appointment_set_status(
    *, appointment: Appointment, status: str, changes: dict | None = None, reason: str = "", actor=None
) -> bool:
    """Move an appointment to `status` if Appointment.TRANSITIONS allows it, and record the move.

    The only writer of Appointment.status. `changes` are other fields written with the move.
    Not idempotent by itself (a refused move raises StatusTransitionError); the services above it
    decide what a repeat means. Call it with the host's calendar row locked, then the appointment's.
    """
    return status_move(appointment, status, changes=changes, reason=reason, actor=actor)


def _lock_calendar(host) -> Calendar:
    return Calendar.objects.select_for_update().get(pk=calendar_for(host).pk)


def _lock_appointment(appointment: Appointment) -> Appointment:
    # Refreshed in place, so the caller's instance shows what the service did.
    appointment.refresh_from_db(from_queryset=Appointment.objects.select_for_update())
    return appointment


def _expire_passed_holds(*, host, now: datetime) -> None:
    """Mark expired every held appointment of `host` whose hold has passed (caller holds the calendar lock)."""
    passed = Appointment.objects.filter(host=host, status=Appointment.Status.HELD, hold_expires_at__lte=now)
    for appointment in passed.select_for_update():
        appointment_set_status(appointment=appointment, status=Appointment.Status.EXPIRED, reason="hold ran out")


def _blocked_range(calendar: Calendar, start_at: datetime, end_at: datetime) -> tuple[datetime, datetime]:
    return (
        start_at - timedelta(minutes=calendar.buffer_before_minutes),
        end_at + timedelta(minutes=calendar.buffer_after_minutes),
    )


def _offered(
    *, calendar: Calendar, start_at: datetime, length: timedelta, now: datetime, ignore_subject: str = ""
) -> bool:
    """Whether the engine offers exactly this slot: rules, overrides, notice, horizon and overlaps with buffers."""
    end = start_at + timedelta(microseconds=1)
    schedule = schedule_load(
        calendar=calendar, length=length, start=start_at, end=end, now=now, ignore_subject=ignore_subject
    )
    slots = compute_free_slots(schedule=schedule, length=length, start=start_at, end=end, now=now)
    return any(slot.start == start_at for slot in slots)


def _overlap_free(*, calendar: Calendar, appointment: Appointment, now: datetime) -> bool:
    """Whether the appointment's time (with the host's current buffers) overlaps no other blocking appointment."""
    blocked_start, blocked_end = _blocked_range(calendar, appointment.start_at, appointment.end_at)
    others = blocking_appointments(host=appointment.host_id, now=now).exclude(pk=appointment.pk)
    return not others.filter(blocked_start__lt=blocked_end, blocked_end__gt=blocked_start).exists()


def _revive(
    *, calendar: Calendar, appointment: Appointment, status: str, until: datetime | None, reason: str, now: datetime
) -> bool:
    """Bring an expired appointment back (held again, or confirmed by a late payment) if its time is still free.

    Its blocked range is widened by the host's buffers as they are now. The caller holds the calendar and
    appointment locks. Returns False, changing nothing, when its time overlaps a blocking appointment.
    """
    if not _overlap_free(calendar=calendar, appointment=appointment, now=now):
        return False
    blocked_start, blocked_end = _blocked_range(calendar, appointment.start_at, appointment.end_at)
    appointment_set_status(
        appointment=appointment,
        status=status,
        changes={"hold_expires_at": until, "blocked_start": blocked_start, "blocked_end": blocked_end},
        reason=reason,
    )
    return True


def _alternatives(
    *, calendar: Calendar, start_at: datetime, length: timedelta, now: datetime, ignore_subject: str = ""
) -> list[Slot]:
    start, end = start_at - timedelta(days=1), start_at + timedelta(days=7)
    schedule = schedule_load(
        calendar=calendar, length=length, start=start, end=end, now=now, ignore_subject=ignore_subject
    )
    slots = compute_free_slots(schedule=schedule, length=length, start=start, end=end, now=now)
    return nearest_slots(slots, around=start_at, count=ALTERNATIVES)


def appointment_hold(
    *,
    host,
    guest,
    start_at: datetime,
    length: timedelta,
    until: datetime,
    subject: str,
    title: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Hold `start_at` for `length` on the host's calendar until `until`, for `subject`.

    Locks the host's calendar row, marks expired the host's holds that have passed, then checks
    the slot by the engine's rules (weekly hours, overrides, notice, horizon, overlaps with both
    appointments' buffers) and creates the held appointment. Raises SlotTaken (SLOT_TAKEN, with
    up to 5 free slots of the same length nearby) when it is not free, SchedulingError when
    `until` is not after `now`.

    Idempotent per subject: when `subject` already has a live appointment at this time, its hold
    is extended to `until` (a confirmed one is left as it is) and it is returned. A live
    appointment of the subject at another time raises SchedulingError; an expired one at this
    time is held again if the slot is still free (same UID).
    """
    now = now or timezone.now()
    if until <= now:
        raise SchedulingError(HOLD_ALREADY_OVER.format(until=until))
    end_at = start_at + length
    alternatives = None
    with transaction.atomic():
        calendar = _lock_calendar(host)
        _expire_passed_holds(host=host, now=now)
        existing = (
            Appointment.objects.select_for_update().filter(subject=subject).order_by("-created_at", "-pk").first()
        )
        same_time = existing is not None and (existing.host_id, existing.start_at, existing.end_at) == (
            host.pk,
            start_at,
            end_at,
        )
        if existing is not None and existing.status in LIVE_STATUSES:
            if not same_time:
                raise SchedulingError(SUBJECT_BOOKED_ELSEWHERE.format(subject=subject))
            if existing.status == Appointment.Status.HELD and existing.hold_expires_at != until:
                existing.hold_expires_at = until
                existing.save(update_fields=["hold_expires_at", "updated_at"])
            return existing
        if _offered(calendar=calendar, start_at=start_at, length=length, now=now):
            blocked_start, blocked_end = _blocked_range(calendar, start_at, end_at)
            if same_time and existing.status == Appointment.Status.EXPIRED:
                appointment_set_status(
                    appointment=existing,
                    status=Appointment.Status.HELD,
                    changes={"hold_expires_at": until, "blocked_start": blocked_start, "blocked_end": blocked_end},
                    reason="held again",
                )
                return existing
            try:
                with transaction.atomic():
                    return Appointment.objects.create(  # held: the model's default status
                        host=host,
                        guest=guest,
                        start_at=start_at,
                        end_at=end_at,
                        blocked_start=blocked_start,
                        blocked_end=blocked_end,
                        hold_expires_at=until,  # created held (the model's initial status)
                        subject=subject,
                        title=title[:200],
                    )
            except IntegrityError:
                # The database's guard fired: something outside these services holds the time.
                pass
        alternatives = _alternatives(calendar=calendar, start_at=start_at, length=length, now=now)
    # Raised after the block, so the holds marked expired above stay marked.
    raise SlotTaken(alternatives=alternatives)


def appointment_hold_extend(*, appointment: Appointment, until: datetime, now: datetime | None = None) -> Appointment:
    """Keep a hold until `until` (e.g. a new Checkout Session's expiry).

    Locks the host's calendar row, then the appointment. A live hold gets the new expiry; a hold
    that has run out (marked expired or not) is held again if its time still overlaps nothing,
    else SlotTaken. A confirmed appointment is returned unchanged; any other raises SchedulingError.
    """
    now = now or timezone.now()
    if until <= now:
        raise SchedulingError(HOLD_ALREADY_OVER.format(until=until))
    alternatives = None
    with transaction.atomic():
        calendar = _lock_calendar(appointment.host)
        _expire_passed_holds(host=appointment.host, now=now)
        current = _lock_appointment(appointment)
        if current.status == Appointment.Status.CONFIRMED:
            return current
        if current.status == Appointment.Status.HELD:
            current.hold_expires_at = until
            current.save(update_fields=["hold_expires_at", "updated_at"])
            return current
        if current.status != Appointment.Status.EXPIRED:
            raise SchedulingError(NOT_LIVE.format(pk=current.pk, status=current.status, action="held again"))
        held = Appointment.Status.HELD
        if _revive(calendar=calendar, appointment=current, status=held, until=until, reason="held again", now=now):
            return current
        alternatives = _alternatives(calendar=calendar, start_at=current.start_at, length=current.length, now=now)
    raise SlotTaken(alternatives=alternatives)


def appointment_release(*, appointment: Appointment, reason: str, now: datetime | None = None) -> Appointment:
    """Give a held slot back: expired when its hold has passed, canceled when released earlier.

    Locks the host's calendar row, then the appointment. Harmless when it is already gone
    (expired, canceled) and leaves a confirmed or finished appointment alone (a late "session
    expired" after payment must not free a paid slot). Returns the appointment as it now is.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock_calendar(appointment.host)
        current = _lock_appointment(appointment)
        if current.status == Appointment.Status.HELD:
            to = Appointment.Status.EXPIRED if current.hold_expires_at <= now else Appointment.Status.CANCELED
            appointment_set_status(appointment=current, status=to, reason=reason)
        return current


def appointment_confirm(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """Confirm a held appointment (payment arrived). Idempotent: a confirmed one is returned unchanged.

    Locks the host's calendar row, then the appointment. A held appointment is confirmed even if
    its hold has passed, as long as it is still `held`: nobody can have been given its time
    without first marking it expired. An expired one (a late payment) is confirmed only if its
    time, with the host's buffers, overlaps no blocking appointment; otherwise SlotTaken (with
    alternatives) and it stays expired. Notice and opening hours are not checked again: the slot
    was offered when it was chosen. Any other status raises StatusTransitionError.
    """
    now = now or timezone.now()
    alternatives = None
    with transaction.atomic():
        calendar = _lock_calendar(appointment.host)
        current = _lock_appointment(appointment)
        if current.status == Appointment.Status.CONFIRMED:
            return current
        if current.status != Appointment.Status.EXPIRED:
            appointment_set_status(
                appointment=current, status=Appointment.Status.CONFIRMED, changes={"hold_expires_at": None}
            )
            return current
        _expire_passed_holds(host=appointment.host, now=now)
        if _revive(
            calendar=calendar,
            appointment=current,
            status=Appointment.Status.CONFIRMED,
            until=None,
            reason="paid after the hold ran out; the time was still free",
            now=now,
        ):
            return current
        alternatives = _alternatives(calendar=calendar, start_at=current.start_at, length=current.length, now=now)
    raise SlotTaken(alternatives=alternatives)


def appointment_reschedule(*, appointment: Appointment, start_at: datetime, now: datetime | None = None) -> Appointment:
    """Move a live appointment, in place, to `start_at` (same length); `ics_sequence` + 1, same UID.

    Locks the host's calendar row, then the appointment, and checks the new time by the engine's
    rules (hours, overrides, notice, horizon, overlaps) ignoring the appointment itself; SlotTaken
    when it is not free. A stale or repeated submit for the time it already has returns it
    unchanged, so a double click moves it once. It stays one row: never two live appointments.
    """
    now = now or timezone.now()
    alternatives = None
    with transaction.atomic():
        calendar = _lock_calendar(appointment.host)
        _expire_passed_holds(host=appointment.host, now=now)
        current = _lock_appointment(appointment)
        if current.start_at == start_at:
            return current
        if current.status not in LIVE_STATUSES:
            raise SchedulingError(NOT_LIVE.format(pk=current.pk, status=current.status, action="rescheduled"))
        length = current.length
        if _offered(calendar=calendar, start_at=start_at, length=length, now=now, ignore_subject=current.subject):
            end_at = start_at + length
            blocked_start, blocked_end = _blocked_range(calendar, start_at, end_at)
            current.start_at, current.end_at = start_at, end_at
            current.blocked_start, current.blocked_end = blocked_start, blocked_end
            current.ics_sequence += 1
            current.save(
                update_fields=["start_at", "end_at", "blocked_start", "blocked_end", "ics_sequence", "updated_at"]
            )
            return current
        alternatives = _alternatives(
            calendar=calendar, start_at=start_at, length=length, now=now, ignore_subject=current.subject
        )
    raise SlotTaken(alternatives=alternatives)


def appointment_cancel(*, appointment: Appointment, reason: str, actor=None) -> Appointment:
    """Cancel a held or confirmed appointment, freeing its time; `ics_sequence` + 1 for the CANCEL invitation.

    Locks the host's calendar row, then the appointment. Idempotent: a canceled one is returned
    unchanged (the sequence moves once). Any other status raises StatusTransitionError.
    """
    with transaction.atomic():
        _lock_calendar(appointment.host)
        current = _lock_appointment(appointment)
        if current.status != Appointment.Status.CANCELED:
            appointment_set_status(
                appointment=current,
                status=Appointment.Status.CANCELED,
                changes={"ics_sequence": current.ics_sequence + 1},
                reason=reason,
                actor=actor,
            )
        return current


def _finish(*, appointment: Appointment, status: str, now: datetime | None, actor) -> Appointment:
    now = now or timezone.now()
    with transaction.atomic():
        current = _lock_appointment(appointment)
        if current.status == status:
            return current
        if now < current.end_at:
            raise SchedulingError(TOO_EARLY.format(pk=current.pk, end_at=current.end_at, status=status))
        appointment_set_status(appointment=current, status=status, actor=actor)
        return current


def appointment_complete(*, appointment: Appointment, now: datetime | None = None, actor=None) -> Appointment:
    """Mark a confirmed appointment completed, only once it has ended. Idempotent; locks the appointment row."""
    return _finish(appointment=appointment, status=Appointment.Status.COMPLETED, now=now, actor=actor)


def appointment_mark_no_show(*, appointment: Appointment, now: datetime | None = None, actor=None) -> Appointment:
    """Mark a confirmed appointment a no-show, only once it has ended. Idempotent; locks the appointment row."""
    return _finish(appointment=appointment, status=Appointment.Status.NO_SHOW, now=now, actor=actor)
