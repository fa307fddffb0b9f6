from datetime import time, timedelta

import pytest

from innerwork.scheduling.models import Appointment, Calendar
from innerwork.scheduling.selectors import free_slots, next_free_slot, next_free_slots_for_hosts
from innerwork.scheduling.tests.conftest import NOW, ny, ny_starts
from innerwork.scheduling.tests.factories import (
    AppointmentFactory,
    CalendarFactory,
    DateOverrideFactory,
    WeeklyRuleFactory,
)

HOUR = timedelta(hours=1)
HELD, CONFIRMED, CANCELED = Appointment.Status.HELD, Appointment.Status.CONFIRMED, Appointment.Status.CANCELED
ALL_MONDAY = ["2026-03-02 09:00", "2026-03-02 09:30", "2026-03-02 10:00", "2026-03-02 10:30", "2026-03-02 11:00"]


@pytest.mark.parametrize(
    ("status", "hold_expires_at", "own_buffer_after", "buffer_after", "expected"),
    [
        pytest.param(
            HELD, NOW + HOUR, 0, 0, ["2026-03-02 09:00", "2026-03-02 10:30", "2026-03-02 11:00"], id="held-live"
        ),
        pytest.param(HELD, NOW - HOUR, 0, 0, ALL_MONDAY, id="held-expired-unmarked-blocks-nobody"),
        pytest.param(Appointment.Status.EXPIRED, None, 0, 0, ALL_MONDAY, id="expired"),
        pytest.param(
            CONFIRMED, None, 0, 0, ["2026-03-02 09:00", "2026-03-02 10:30", "2026-03-02 11:00"], id="confirmed"
        ),
        pytest.param(CANCELED, None, 0, 0, ALL_MONDAY, id="canceled"),
        pytest.param(CONFIRMED, None, 30, 0, ["2026-03-02 09:00", "2026-03-02 11:00"], id="its-buffer-after-30"),
        pytest.param(CONFIRMED, None, 0, 15, ["2026-03-02 10:30", "2026-03-02 11:00"], id="host-buffer-after-15"),
    ],
)
def test_existing_appointments_block_by_status_and_both_buffers(
    calendar, host, status, hold_expires_at, own_buffer_after, buffer_after, expected
):
    # given an appointment 10:00-10:30 in the case's status, blocked with its own buffer
    calendar.buffer_after_minutes = buffer_after
    calendar.save()
    AppointmentFactory(
        host=host,
        start_at=ny("2026-03-02 10:00"),
        end_at=ny("2026-03-02 10:30"),
        blocked_end=ny("2026-03-02 10:30") + timedelta(minutes=own_buffer_after),
        status=status,
        hold_expires_at=hold_expires_at,
    )
    # when Monday's one-hour slots are listed
    slots = free_slots(host=host, length=HOUR, start=ny("2026-03-02 00:00"), end=ny("2026-03-03 00:00"), now=NOW)
    # then
    assert ny_starts(slots) == expected


def test_ignore_subject_lets_an_appointment_not_collide_with_itself(host):
    # given a confirmed appointment at 10:00
    AppointmentFactory(host=host, start_at=ny("2026-03-02 10:00"), subject="mentorship.booking:7")
    # when slots are listed ignoring its subject
    slots = free_slots(
        host=host,
        length=HOUR,
        start=ny("2026-03-02 00:00"),
        end=ny("2026-03-03 00:00"),
        now=NOW,
        ignore_subject="mentorship.booking:7",
    )
    # then its own time is offered
    assert ny_starts(slots) == ALL_MONDAY


def test_host_without_a_calendar_has_no_slots_and_gets_none_created(db):
    # given a person who never set hours
    from innerwork.accounts.tests.factories import UserFactory

    person = UserFactory()
    # when / then
    assert free_slots(host=person, length=HOUR, start=NOW, end=NOW + timedelta(days=7), now=NOW) == []
    assert next_free_slot(host=person, length=HOUR, now=NOW) is None
    assert not Calendar.objects.filter(owner=person).exists()


def test_next_free_slot_is_the_first_free_time_after_the_given_one(host):
    # given Monday 09:00 taken
    AppointmentFactory(host=host, start_at=ny("2026-03-02 09:00"))
    # when / then
    assert ny_starts([next_free_slot(host=host, length=HOUR, now=NOW, after=ny("2026-03-01 00:00"))]) == [
        "2026-03-02 10:00"
    ]


def _busy_host(*, rules: int, overrides: int, appointments: int):
    calendar = CalendarFactory(time_zone="Europe/Berlin", buffer_before_minutes=10, buffer_after_minutes=5)
    for index in range(rules):
        WeeklyRuleFactory(calendar=calendar, weekday=index % 7, start_time=time(8 + index % 3), end_time=time(18))
    for index in range(overrides):
        DateOverrideFactory(calendar=calendar, date=(NOW + timedelta(days=3 + index)).date())
    for index in range(appointments):
        AppointmentFactory(host=calendar.owner, start_at=NOW + timedelta(days=1, hours=5 * index))
    return calendar.owner


@pytest.mark.parametrize(("rules", "overrides", "appointments"), [(0, 0, 0), (1, 1, 1), (21, 10, 200)])
def test_sixty_days_of_slots_take_three_queries_whatever_the_data(
    db, django_assert_num_queries, rules, overrides, appointments
):
    # given a host with the case's amount of rules, overrides and appointments
    host = _busy_host(rules=rules, overrides=overrides, appointments=appointments)
    # when 60 days of slots are computed, then: calendar with its weekly rules, overrides, appointments
    with django_assert_num_queries(3):
        free_slots(host=host, length=HOUR, start=NOW, end=NOW + timedelta(days=60), now=NOW)


def test_next_free_slots_for_many_hosts_match_each_host_on_its_own_in_four_queries(db, django_assert_num_queries):
    # given hosts with rules, overrides and appointments, one with a buffer and notice, and one without a calendar
    hosts = [
        _busy_host(rules=rules, overrides=2, appointments=appointments)
        for rules, appointments in [(1, 0), (7, 3), (21, 40)]
    ]
    noticed = CalendarFactory(time_zone="Asia/Tokyo", min_notice_minutes=3 * 24 * 60, buffer_after_minutes=15)
    WeeklyRuleFactory(calendar=noticed, weekday=2, start_time=time(9), end_time=time(12))
    hosts.append(noticed.owner)
    no_calendar = CalendarFactory.build().owner
    no_calendar.save()
    lengths = {host.pk: HOUR for host in [*hosts, no_calendar]}
    # when every host's next free hour is read in one batch
    with django_assert_num_queries(4):
        batch = next_free_slots_for_hosts(hosts=[*hosts, no_calendar], length_by_host=lengths, now=NOW)
    # then each is the one the single-host selector finds, and the host without a calendar has none
    for host in hosts:
        assert batch[host.pk] == next_free_slot(host=host, length=HOUR, now=NOW)
        assert batch[host.pk] is not None
    assert batch[no_calendar.pk] is None


def test_next_free_slots_within_a_week_leave_out_hosts_free_only_later(db):
    # given a host whose only hours are ten days away (an override; no weekly rules)
    later = CalendarFactory()
    DateOverrideFactory(
        calendar=later, date=(NOW + timedelta(days=10)).date(), unavailable=False, start_time=time(9), end_time=time(10)
    )
    # when / then: free within 60 days, not within 7
    assert next_free_slots_for_hosts(hosts=[later.owner], length_by_host={later.owner_id: HOUR}, now=NOW)[
        later.owner_id
    ]
    assert (
        next_free_slots_for_hosts(
            hosts=[later.owner], length_by_host={later.owner_id: HOUR}, now=NOW, within=timedelta(days=7)
        )[later.owner_id]
        is None
    )
