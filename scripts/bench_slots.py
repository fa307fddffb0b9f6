#!/usr/bin/env python
"""Slot benchmark: `free_slots` for 60 days, for a host with 200 appointments (target p95 ≤ 5 ms).

Creates its own data in a throwaway SQLite file (only the scheduling app and what it depends on
are migrated), or in the PostgreSQL database given with --database-url (its scheduling tables
must be migrated; the rows it adds are removed afterwards). The host works in Europe/Berlin,
Monday to Friday 08:00-12:00 and 13:00-20:00, with 10/5-minute buffers, 12 hours' notice, a
60-day horizon, a 30-minute grid, two date overrides and 200 confirmed one-hour appointments.
Prints a Markdown table with p50 and p95 of the whole selector (its three queries included) and of
the engine alone, with the machine's load average; exits non-zero when the selector's p50 misses
the 5 ms target (p95 is shown for information: on a shared machine it measures the neighbours).

    make bench        # or: .venv/bin/python scripts/bench_slots.py [--runs 300] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 5.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(function, runs: int) -> list[float]:
    function()  # warm up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def seed(now: datetime):
    from innerwork.accounts.models import User
    from innerwork.scheduling.models import Appointment, DateOverride, WeeklyRule
    from innerwork.scheduling.services import calendar_for

    # bulk_create: no post_save receivers, so other apps' tables need not exist in the throwaway file
    (host,) = User.objects.bulk_create(
        [User(email=f"bench-host-{time.time_ns()}@example.com", time_zone="Europe/Berlin")]
    )
    calendar = calendar_for(host)
    calendar.buffer_before_minutes, calendar.buffer_after_minutes = 10, 5
    calendar.min_notice_minutes, calendar.horizon_days, calendar.slot_step_minutes = 720, 60, 30
    calendar.save()
    WeeklyRule.objects.bulk_create(
        WeeklyRule(calendar=calendar, weekday=day, start_time=start, end_time=end)
        for day in range(5)
        for start, end in ((clock(8), clock(12)), (clock(13), clock(20)))
    )
    DateOverride.objects.create(calendar=calendar, date=(now + timedelta(days=10)).date(), unavailable=True)
    DateOverride.objects.create(
        calendar=calendar, date=(now + timedelta(days=20)).date(), start_time=clock(14), end_time=clock(16)
    )
    appointments = []
    day = now.replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1)  # 09:00 Berlin in winter
    while len(appointments) < 200:
        if day.weekday() < 5:
            for hour in (0, 2, 5, 7, 9):  # 09:00, 11:00, 14:00, 16:00, 18:00 Berlin
                start = day + timedelta(hours=hour)
                appointments.append(
                    Appointment(
                        host=host,
                        start_at=start,
                        end_at=start + timedelta(hours=1),
                        blocked_start=start - timedelta(minutes=10),
                        blocked_end=start + timedelta(hours=1, minutes=5),
                        status=Appointment.Status.CONFIRMED,
                        subject=f"bench:{host.pk}:{len(appointments)}",
                    )
                )
        day += timedelta(days=1)
    Appointment.objects.bulk_create(appointments[:200])
    return host


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--database-url", default="", help="a migrated PostgreSQL database (default: throwaway SQLite)")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="bench-slots-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    # As in production: DEBUG off, so no query log is kept.
    os.environ.update(
        DJANGO_SETTINGS_MODULE="innerwork.settings",
        DEBUG="false",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from innerwork.scheduling.models import Calendar
    from innerwork.scheduling.selectors import free_slots, schedule_load
    from innerwork.scheduling.slots import compute_free_slots

    if not args.database_url:
        call_command("migrate", "scheduling", verbosity=0)
    now = datetime(2027, 1, 4, 7, tzinfo=UTC)  # a Monday morning in winter
    end = now + timedelta(days=60)
    length = timedelta(hours=1)
    host = seed(now)
    try:
        slots = free_slots(host=host, length=length, start=now, end=end, now=now)
        whole = timed(lambda: free_slots(host=host, length=length, start=now, end=end, now=now), args.runs)
        schedule = schedule_load(calendar=Calendar.objects.get(owner=host), length=length, start=now, end=end, now=now)
        engine = timed(
            lambda: compute_free_slots(schedule=schedule, length=length, start=now, end=end, now=now), args.runs
        )
    finally:
        if args.database_url:
            host.appointments_hosted.all().delete()
            host.delete()
        scratch.cleanup()

    print(
        f"free_slots, 60 days, 200 appointments, {len(slots)} free one-hour slots"
        f" ({connection.vendor}, {args.runs} runs, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print()
    print("| what | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for name, timings in (("selector `free_slots` (3 queries + engine)", whole), ("engine alone", engine)):
        print(f"| {name} | {percentile(timings, 0.5):.2f} | {percentile(timings, 0.95):.2f} |")
    p50 = percentile(whole, 0.5)
    if p50 > TARGET_MS:
        print(f"\nThe selector's p50, {p50:.2f} ms, misses the {TARGET_MS:g} ms target.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
