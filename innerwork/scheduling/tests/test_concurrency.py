"""Real threads against PostgreSQL: whatever the interleaving, one host is never in two live appointments."""

import threading
from datetime import timedelta
from itertools import combinations

import pytest
from django.db import connection

from innerwork.scheduling.models import LIVE_STATUSES, Appointment
from innerwork.scheduling.services import SlotTaken, appointment_hold
from innerwork.scheduling.tests.conftest import NOW, ny

pytestmark = pytest.mark.django_db(transaction=True)


def race(requests: list[dict]) -> list[object]:
    """Run one appointment_hold per request, all released at once; each result is an Appointment or the exception."""
    barrier = threading.Barrier(len(requests))
    results: list[object] = [None] * len(requests)

    def attempt(index: int, request: dict) -> None:
        try:
            barrier.wait()
            results[index] = appointment_hold(until=NOW + timedelta(hours=1), now=NOW, title="race", **request)
        except Exception as error:  # the test looks at every outcome, expected or not
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i, request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_concurrent_holds_of_one_slot_give_one_hold_and_nineteen_slot_taken(host):
    # given 20 customers asking for Monday 10:00 at the same moment
    requests = [
        {
            "host": host,
            "guest": None,
            "start_at": ny("2026-03-02 10:00"),
            "length": timedelta(hours=1),
            "subject": f"race:{n}",
        }
        for n in range(20)
    ]
    # when they race
    results = race(requests)
    # then exactly one holds it and every other is told it was taken
    held = [result for result in results if isinstance(result, Appointment)]
    taken = [result for result in results if isinstance(result, SlotTaken)]
    assert (len(held), len(taken)) == (1, 19), results
    assert Appointment.objects.filter(host=host, status__in=LIVE_STATUSES).count() == 1


def test_concurrent_holds_of_overlapping_slots_of_other_lengths_never_overlap(calendar, host):
    # given a host with a 10-minute buffer after, and two customers for every 30/60/90-minute slot of Monday 09:00-12:00
    calendar.buffer_after_minutes = 10
    calendar.save()
    requests = []
    for minutes in (30, 60, 90):
        for offset in range(0, 180 - minutes + 1, 30):
            for copy in range(2):
                requests.append(
                    {
                        "host": host,
                        "guest": None,
                        "start_at": ny("2026-03-02 09:00") + timedelta(minutes=offset),
                        "length": timedelta(minutes=minutes),
                        "subject": f"race:{minutes}:{offset}:{copy}",
                    }
                )
    # when all of them race
    results = race(requests)
    # then every request either held or was told the slot was taken, and no two live blocked ranges overlap
    assert all(isinstance(result, (Appointment, SlotTaken)) for result in results), results
    live = list(Appointment.objects.filter(host=host, status__in=LIVE_STATUSES))
    assert live
    assert len(live) == sum(isinstance(result, Appointment) for result in results)
    for first, second in combinations(live, 2):
        assert first.blocked_end <= second.blocked_start or second.blocked_end <= first.blocked_start
