from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from innerwork.core.models import StatusChange
from innerwork.scheduling.models import Appointment, Calendar
from innerwork.scheduling.services import (
    SLOT_TAKEN,
    SchedulingError,
    SlotTaken,
    appointment_cancel,
    appointment_complete,
    appointment_confirm,
    appointment_hold,
    appointment_hold_extend,
    appointment_mark_no_show,
    appointment_release,
    appointment_reschedule,
    calendar_for,
)
from innerwork.scheduling.tests.conftest import NOW, ny, ny_starts
from innerwork.scheduling.tests.factories import AppointmentFactory, UserFactory

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
S = Appointment.Status


def hold(host, start: str, *, subject="mentorship.booking:1", length=HOUR, until=NOW + HOUR, now=NOW, guest=None):
    return appointment_hold(
        host=host,
        guest=guest,
        start_at=ny(start),
        length=length,
        until=until,
        subject=subject,
        title="A session",
        now=now,
    )


def test_calendar_for_creates_one_calendar_in_the_persons_time_zone(db):
    # given a person in Tokyo without a calendar
    person = UserFactory(time_zone="Asia/Tokyo")
    # when asked twice
    first, second = calendar_for(person), calendar_for(person)
    # then one calendar, in their zone
    assert first.pk == second.pk
    assert Calendar.objects.get(owner=person).time_zone == "Asia/Tokyo"


def test_hold_creates_a_held_appointment_blocked_with_the_hosts_buffers(calendar, host):
    # given a host with 10 minutes before and 5 after
    calendar.buffer_before_minutes, calendar.buffer_after_minutes = 10, 5
    calendar.save()
    # when 10:00 is held
    appointment = hold(host, "2026-03-02 10:00")
    # then
    assert appointment.status == S.HELD
    assert appointment.hold_expires_at == NOW + HOUR
    assert (appointment.start_at, appointment.end_at) == (ny("2026-03-02 10:00"), ny("2026-03-02 11:00"))
    assert (appointment.blocked_start, appointment.blocked_end) == (ny("2026-03-02 09:50"), ny("2026-03-02 11:05"))
    assert appointment.ics_uid.endswith("@innerwork")
    assert appointment.ics_sequence == 0


def test_a_hold_that_would_already_be_over_is_refused(host):
    # when / then
    with pytest.raises(SchedulingError):
        hold(host, "2026-03-02 10:00", until=NOW)
    assert not Appointment.objects.exists()


def test_holding_a_taken_time_raises_slot_taken_with_five_nearby_free_slots(host):
    # given 10:00 held for one booking
    hold(host, "2026-03-02 10:00", subject="mentorship.booking:1")
    # when another booking asks for 10:30
    with pytest.raises(SlotTaken) as taken:
        hold(host, "2026-03-02 10:30", subject="mentorship.booking:2")
    # then the message is the module's, and the alternatives are the nearest free starts
    assert str(taken.value) == SLOT_TAKEN
    assert ny_starts(taken.value.alternatives) == [
        "2026-03-02 09:00",
        "2026-03-02 11:00",
        "2026-03-09 09:00",
        "2026-03-09 09:30",
        "2026-03-09 10:00",
    ]


@pytest.mark.parametrize(
    ("start", "now"),
    [
        pytest.param("2026-03-02 12:00", NOW, id="outside-weekly-hours"),
        pytest.param("2026-03-02 09:15", NOW, id="off-the-grid"),
        pytest.param("2026-03-02 10:00", ny("2026-03-02 10:01"), id="already-started"),
        pytest.param("2026-05-04 10:00", NOW, id="beyond-the-horizon"),
    ],
)
def test_hold_refuses_a_time_the_engine_does_not_offer(calendar, host, start, now):
    # given the host's rules (Mondays 09:00-12:00, horizon 60 days)
    # when / then
    with pytest.raises(SlotTaken):
        hold(host, start, now=now, until=now + HOUR)
    assert not Appointment.objects.exists()


def test_holding_again_for_the_same_subject_and_time_extends_the_hold(host):
    # given a hold for booking 1
    first = hold(host, "2026-03-02 10:00", until=NOW + HOUR)
    # when the same booking holds the same time again with a later expiry
    again = hold(host, "2026-03-02 10:00", until=NOW + 2 * HOUR)
    # then it is the same appointment, held longer
    assert again.pk == first.pk
    assert Appointment.objects.get().hold_expires_at == NOW + 2 * HOUR


def test_holding_for_a_subject_with_a_live_appointment_elsewhere_is_refused(host):
    # given booking 1 holds 10:00
    hold(host, "2026-03-02 10:00")
    # when / then it cannot also hold 11:00
    with pytest.raises(SchedulingError):
        hold(host, "2026-03-02 11:00")


def test_an_expired_hold_never_blocks_a_new_hold_and_is_marked_expired(host):
    # given a hold that ran out at NOW (nobody marked it)
    stale = hold(host, "2026-03-02 10:00", subject="mentorship.booking:1", until=NOW + MINUTE)
    # when someone else holds the same time a minute later
    fresh = hold(host, "2026-03-02 10:00", subject="mentorship.booking:2", now=NOW + MINUTE)
    # then they get it, and the old hold is recorded as expired through the door
    stale.refresh_from_db()
    assert fresh.status == S.HELD
    assert stale.status == S.EXPIRED
    assert StatusChange.objects.filter(subject_id=str(stale.pk), to_status=S.EXPIRED).count() == 1


def test_hold_extend_moves_the_expiry_and_re_holds_a_run_out_hold_when_free(host):
    # given a hold that has run out
    appointment = hold(host, "2026-03-02 10:00", until=NOW + MINUTE)
    # when it is extended later (a new Checkout Session)
    extended = appointment_hold_extend(appointment=appointment, until=NOW + 3 * HOUR, now=NOW + HOUR)
    # then it is held again, same row and UID
    assert (extended.pk, extended.status, extended.hold_expires_at) == (appointment.pk, S.HELD, NOW + 3 * HOUR)
    assert extended.ics_uid == appointment.ics_uid


def test_release_before_expiry_cancels_and_after_expiry_expires_and_repeats_are_harmless(host):
    # given two holds, one released early and one after its expiry
    early = hold(host, "2026-03-02 09:00", subject="a:1", until=NOW + HOUR)
    late = hold(host, "2026-03-02 11:00", subject="a:2", until=NOW + HOUR)
    # when
    appointment_release(appointment=early, reason="checkout failed", now=NOW)
    appointment_release(appointment=late, reason="session expired", now=NOW + 2 * HOUR)
    appointment_release(appointment=late, reason="session expired (again)", now=NOW + 2 * HOUR)
    # then
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.status, late.status) == (S.CANCELED, S.EXPIRED)


def test_release_leaves_a_confirmed_appointment_alone(host):
    # given a paid appointment
    appointment = appointment_confirm(appointment=hold(host, "2026-03-02 10:00"), now=NOW)
    # when a late "session expired" releases it
    appointment_release(appointment=appointment, reason="late event", now=NOW + 2 * HOUR)
    # then it stays confirmed
    appointment.refresh_from_db()
    assert appointment.status == S.CONFIRMED


def test_confirm_is_idempotent(host):
    # given a hold
    appointment = hold(host, "2026-03-02 10:00")
    # when confirmed twice
    appointment_confirm(appointment=appointment, now=NOW)
    appointment_confirm(appointment=appointment, now=NOW)
    # then one move to confirmed is recorded
    appointment.refresh_from_db()
    assert appointment.status == S.CONFIRMED
    assert appointment.hold_expires_at is None
    assert StatusChange.objects.filter(subject_id=str(appointment.pk), to_status=S.CONFIRMED).count() == 1


def test_a_late_payment_confirms_an_expired_hold_when_the_time_is_still_free(host):
    # given a hold that expired
    appointment = hold(host, "2026-03-02 10:00", until=NOW + MINUTE)
    appointment_release(appointment=appointment, reason="session expired", now=NOW + HOUR)
    # when the payment arrives late
    confirmed = appointment_confirm(appointment=appointment, now=NOW + 2 * HOUR)
    # then
    assert confirmed.status == S.CONFIRMED


def test_a_late_payment_onto_a_taken_time_raises_slot_taken_and_stays_expired(host):
    # given booking 1's hold expired and booking 2 then took an overlapping time
    first = hold(host, "2026-03-02 10:00", subject="b:1", until=NOW + MINUTE)
    hold(host, "2026-03-02 10:30", subject="b:2", until=NOW + 3 * HOUR, now=NOW + HOUR)
    # when booking 1's payment arrives
    with pytest.raises(SlotTaken) as taken:
        appointment_confirm(appointment=first, now=NOW + 2 * HOUR)
    # then it stays expired and the customer gets other times
    first.refresh_from_db()
    assert first.status == S.EXPIRED
    assert taken.value.alternatives


def test_reschedule_moves_in_place_raises_sequence_and_keeps_the_uid(host):
    # given a confirmed appointment at 09:00
    appointment = appointment_confirm(appointment=hold(host, "2026-03-02 09:00"), now=NOW)
    uid = appointment.ics_uid
    # when moved to 10:00 (overlapping its own old time is fine) and the form is submitted twice
    moved = appointment_reschedule(appointment=appointment, start_at=ny("2026-03-02 09:30"), now=NOW)
    again = appointment_reschedule(appointment=appointment, start_at=ny("2026-03-02 09:30"), now=NOW)
    # then one appointment, moved once
    assert Appointment.objects.count() == 1
    assert (moved.start_at, moved.end_at) == (ny("2026-03-02 09:30"), ny("2026-03-02 10:30"))
    assert (again.ics_sequence, again.ics_uid, again.status) == (1, uid, S.CONFIRMED)


def test_reschedule_onto_a_taken_time_raises_slot_taken_and_changes_nothing(host):
    # given two confirmed appointments
    mine = appointment_confirm(appointment=hold(host, "2026-03-02 09:00", subject="c:1"), now=NOW)
    appointment_confirm(appointment=hold(host, "2026-03-02 11:00", subject="c:2"), now=NOW)
    # when mine is moved onto the other
    with pytest.raises(SlotTaken):
        appointment_reschedule(appointment=mine, start_at=ny("2026-03-02 10:30"), now=NOW)
    # then
    mine.refresh_from_db()
    assert (mine.start_at, mine.ics_sequence) == (ny("2026-03-02 09:00"), 0)


def test_cancel_frees_the_time_raises_sequence_once_and_is_idempotent(host):
    # given a confirmed appointment
    appointment = appointment_confirm(appointment=hold(host, "2026-03-02 10:00", subject="d:1"), now=NOW)
    # when canceled twice
    appointment_cancel(appointment=appointment, reason="mentor ill")
    appointment_cancel(appointment=appointment, reason="mentor ill")
    # then the sequence moved once and the time can be held by someone else
    appointment.refresh_from_db()
    assert (appointment.status, appointment.ics_sequence) == (S.CANCELED, 1)
    assert hold(host, "2026-03-02 10:00", subject="d:2").status == S.HELD


@pytest.mark.parametrize(
    ("service", "status"), [(appointment_complete, S.COMPLETED), (appointment_mark_no_show, S.NO_SHOW)]
)
def test_complete_and_no_show_only_after_the_end(host, service, status):
    # given a confirmed appointment 10:00-11:00
    appointment = appointment_confirm(appointment=hold(host, "2026-03-02 10:00"), now=NOW)
    # when marked before its end / then refused
    with pytest.raises(SchedulingError):
        service(appointment=appointment, now=ny("2026-03-02 10:59"))
    # when marked after its end / then done, and again is harmless
    service(appointment=appointment, now=ny("2026-03-02 11:00"))
    service(appointment=appointment, now=ny("2026-03-02 11:00"))
    appointment.refresh_from_db()
    assert appointment.status == status


@pytest.mark.parametrize("status", [S.HELD, S.CONFIRMED])
def test_the_database_forbids_two_live_overlapping_appointments_of_one_host(host, status):
    # given a live appointment 10:00-11:00 (buffers included in its blocked range)
    AppointmentFactory(host=host, start_at=ny("2026-03-02 10:00"), status=status)
    # when a second row overlapping by a minute is written directly, bypassing the services
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(host=host, start_at=ny("2026-03-02 10:59"), status=S.CONFIRMED)
    # then only the first exists; back-to-back, another host, or a canceled row are all fine
    AppointmentFactory(host=host, start_at=ny("2026-03-02 11:00"), status=S.CONFIRMED)
    AppointmentFactory(start_at=ny("2026-03-02 10:00"), status=S.CONFIRMED)
    AppointmentFactory(host=host, start_at=ny("2026-03-02 10:30"), status=S.CANCELED)
    assert Appointment.objects.filter(host=host).count() == 3
