#!/usr/bin/env python
"""Bookings benchmark: a busy mentor's page, 60 days of free slots, and 50 customers racing for 10 slots.

Prepares a PostgreSQL database of its own (migrate, seed_demo, collectstatic, as the page benchmark
does) and adds a mentor for this run: Europe/Berlin, open every day 08:00-12:00 and 13:00-20:00,
10/5-minute buffers, 12 hours' notice, a 60-day horizon, one-hour sessions, and 200 appointments
(two in three confirmed, the rest held) spread evenly over those 60 days, each placed through
`appointment_hold` / `appointment_confirm` so the calendar is one the services themselves accept.
The Stripe emulator runs for the whole benchmark; its state lives next to the database's name (a
database without it starts again from scratch, as in bench_commerce). Then:

1. mentor page: gunicorn (2 sync workers, DEBUG off, Redis cache and sessions as in production)
   serves `/mentors/<slug>/` and the floor (`/robots.txt`), each driven by locust as in
   bench_pages. The page shows SLOT_DAYS (14) days and takes no parameter for more, so that is
   what is measured; part 2 measures the full 60 days. Target: at least 1/4 of the floor's req/s.
2. slot computation, in this process with no server running: `free_slots` for the mentor's 60 days
   (its three queries included), the engine alone on the loaded schedule, and `mentor_slot_days`
   for 60 days (what the page would call, grouped by day). Target: the selector's p50 at most
   5 ms, judged on p50 as bench_slots does (p95 shown: on a shared machine it measures neighbours).
3. contention: N customers (default 50), each signed in, each from its own loopback address, POST
   the booking form for one of 10 free slots (5 per slot), all at once, to a gunicorn with
   `--booking-workers` sync workers (default 10, so up to 10 bookings really race in PostgreSQL).
   A winner gets the 303 to a Checkout Session on the emulator, a loser the 409 page with other
   times. Afterwards exactly 10 held appointments, 10 bookings and 10 orders must exist, one per
   slot, or the script exits 1.

Exits 1 when a target is missed, a request fails or the contention outcome is wrong.

    make bench        # or: .venv/bin/python scripts/bench_bookings.py [--duration 20] [--quick] [--fresh]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import UTC, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_commerce import Timings, drop_database, loopback_address, post, run_phase  # noqa: E402
from scripts.bench_pages import VENV_BIN, bench_env, free_port, prepare_database, run_locust  # noqa: E402
from scripts.bench_slots import TARGET_MS, percentile, timed  # noqa: E402
from stripe_emulator.testing import DEFAULT_API_KEY, run_emulator  # noqa: E402

PAGE_TARGET = 1 / 4
APPOINTMENTS = 200
SLOTS = 10
SESSION_MINUTES = 60
ZONE = "Europe/Berlin"
HOURS = ((clock(8), clock(12)), (clock(13), clock(20)))


@contextmanager
def gunicorn(env: dict, workers: int, log: Path | None = None):
    """A gunicorn serving the site on a free port for the block; yields its base URL once it answers.

    Its log goes to `log` when given, else to this script's stderr.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    stderr = log.open("a") if log else None
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "innerwork.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env, stderr=stderr,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base_url + "/robots.txt", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
        if stderr:
            stderr.close()


def spread(items: list, count: int) -> list:
    """`count` items picked evenly from `items` (first one included)."""
    return [items[n * len(items) // count] for n in range(count)]


def mentor_seed(*, run: str, now):
    """This run's mentor (approved, one-hour sessions) with its calendar and 200 appointments; returns the profile.

    The appointments are every (free slots ÷ 200)-th one-hour slot of the 60 days, so they are evenly spread
    and never overlap; each is held through the scheduling service and two in three are then confirmed.
    The holds last a day, longer than the benchmark.
    """
    from innerwork.accounts.models import User
    from innerwork.scheduling.models import WeeklyRule
    from innerwork.scheduling.selectors import free_slots
    from innerwork.scheduling.services import appointment_confirm, appointment_hold, calendar_for
    from mentorship.models import MentorProfile
    from mentorship.services import mentor_set_status

    user = User.objects.create_user(
        email=f"bench-mentor-{run}@innerwork.test", password=None, full_name=f"Bench Mentor {run}", time_zone=ZONE
    )
    guest = User.objects.create_user(email=f"bench-guest-{run}@innerwork.test", password=None, full_name="Bench Guest")
    mentor = MentorProfile.objects.create(
        user=user,
        slug=f"bench-mentor-{run}",
        headline="Busy mentor for the bookings benchmark",
        bio="Two hundred sessions in the next sixty days.",
        hourly_rate_amount=9000,
        currency="usd",
        session_lengths=[SESSION_MINUTES],
    )
    mentor_set_status(mentor=mentor, status=MentorProfile.Status.APPROVED, reason="bookings benchmark")
    calendar = calendar_for(user)
    calendar.buffer_before_minutes, calendar.buffer_after_minutes = 10, 5
    calendar.min_notice_minutes, calendar.horizon_days, calendar.slot_step_minutes = 720, 60, 30
    calendar.save()
    WeeklyRule.objects.bulk_create(
        WeeklyRule(calendar=calendar, weekday=day, start_time=start, end_time=end)
        for day in range(7)
        for start, end in HOURS
    )
    length = timedelta(minutes=SESSION_MINUTES)
    slots = free_slots(host=user, length=length, start=now, end=now + timedelta(days=60), now=now)
    for n, slot in enumerate(spread(slots, APPOINTMENTS)):
        appointment = appointment_hold(
            host=user,
            guest=guest,
            start_at=slot.start,
            length=length,
            until=now + timedelta(days=1),
            subject=f"bench:{run}:{n}",
            now=now,
        )
        if n % 3:
            appointment_confirm(appointment=appointment, now=now)
    return mentor


def customers_signed_in(*, run: str, count: int) -> list[str]:
    """`count` new customers, each with a session as a login makes it; returns their session keys."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from innerwork.accounts.models import User

    keys = []
    for n in range(count):
        user = User.objects.create_user(
            email=f"bench-customer-{run}-{n}@innerwork.test", password=None, full_name=f"Bench Customer {n}"
        )
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


def page_part(env: dict, slug: str, *, users: int, duration: int) -> dict:
    path = f"/mentors/{slug}/"
    results = {}
    with gunicorn(env, 2) as base_url:
        with urllib.request.urlopen(base_url + path, timeout=30) as response:
            shown = response.read().decode().count("/book/?start=")
        for name, target_path in (("floor (/robots.txt)", "/robots.txt"), (f"mentor page ({path})", path)):
            print(f"Driving {name} for {duration}s ...", flush=True)
            results[name] = run_locust(base_url, target_path, "", users, duration)
    results["shown"] = shown
    return results


def slots_part(mentor, *, runs: int) -> dict:
    from django.utils import timezone

    from innerwork.scheduling.models import Calendar
    from innerwork.scheduling.selectors import free_slots, schedule_load
    from innerwork.scheduling.slots import compute_free_slots
    from mentorship.selectors import mentor_slot_days

    now = timezone.now()
    end = now + timedelta(days=60)
    length = timedelta(minutes=SESSION_MINUTES)
    host = mentor.user
    schedule = schedule_load(calendar=Calendar.objects.get(owner=host), length=length, start=now, end=end, now=now)
    zone = timezone.get_default_timezone()
    return {
        "slots": len(free_slots(host=host, length=length, start=now, end=end, now=now)),
        "busy": len(schedule.busy),
        "selector `free_slots` (3 queries + engine)": timed(
            lambda: free_slots(host=host, length=length, start=now, end=end, now=now), runs
        ),
        "engine alone (`compute_free_slots`)": timed(
            lambda: compute_free_slots(schedule=schedule, length=length, start=now, end=end, now=now), runs
        ),
        "`mentor_slot_days`, 60 days (selector + grouping by day)": timed(
            lambda: mentor_slot_days(mentor=mentor, minutes=SESSION_MINUTES, zone=zone, now=now, days=60), runs
        ),
    }


def book(base_url: str, emulator_url: str, path: str, n: int, session_key: str, start: str, answers: dict) -> str:
    """One customer's POST of the booking form; records "held" or "taken" in `answers`, returns an error or ""."""
    token = secrets.token_hex(16)  # the CSRF secret: the cookie and the form field carry it
    form = {
        "csrfmiddlewaretoken": token,
        "start": start,
        "length": SESSION_MINUTES,
        "token": secrets.token_urlsafe(24),
        "topic": "Benchmark: racing for a slot",
        "notes": "",
    }
    started = time.perf_counter()
    status, headers, _ = post(
        base_url,
        path,
        urllib.parse.urlencode(form).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session_key}; csrftoken={token}",
            "Referer": base_url + path,
        },
        source=loopback_address(n),
    )
    seconds = time.perf_counter() - started
    location = headers.get("Location", "")
    if status == 303 and location.startswith(emulator_url) and "/c/pay/" in location:
        answers[n] = ("held", seconds)
    elif status == 409:
        answers[n] = ("taken", seconds)
    else:
        return f"booking {n}: HTTP {status} → {location!r}"
    return ""


def warm(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return "" if response.status == 200 else f"warm-up: HTTP {response.status}"


def contention_part(env: dict, emulator_url: str, mentor, *, run: str, clients: int, workers: int) -> dict:
    from django.utils import timezone

    from innerwork.scheduling.selectors import free_slots

    now = timezone.now()
    length = timedelta(minutes=SESSION_MINUTES)
    # Every third free slot at most: picked slots are then at least 90 minutes apart, so no two overlap.
    free = free_slots(host=mentor.user, length=length, start=now, end=now + timedelta(days=60), now=now)
    targets = spread(free[::3], SLOTS)
    starts = [slot.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for slot in targets]
    keys = customers_signed_in(run=run, count=clients)
    path = f"/mentors/{mentor.slug}/book/"
    answers: dict = {}
    # 409s are expected here: Django's "Conflict" warning for each goes to this log, not over the tables.
    log = Path(tempfile.gettempdir()) / "innerwork-bench" / f"bookings-{run}-gunicorn.log"
    print(f"Contention: {clients} customers, {SLOTS} slots, gunicorn -w {workers} (its log: {log}) ...", flush=True)
    with gunicorn(env, workers, log=log) as base_url:
        # Not timed: every worker loads its code, templates and database connection on its first requests.
        run_phase(list(range(workers * 3)), lambda _: warm(base_url + f"/mentors/{mentor.slug}/"), workers)
        phase = run_phase(
            list(enumerate(keys)),
            lambda item: book(base_url, emulator_url, path, item[0], item[1], starts[item[0] % SLOTS], answers),
            clients,
        )
    return {"phase": phase, "answers": answers, "targets": targets, "outcome": contention_outcome(mentor, run, targets)}


def contention_outcome(mentor, run: str, targets: list) -> dict:
    """What the race left in the database: holds, bookings and orders of this run's customers."""
    from commerce.models import Order
    from innerwork.scheduling.models import Appointment
    from mentorship.models import Booking

    customers = {"guest__email__startswith": f"bench-customer-{run}-"}
    holds = Appointment.objects.filter(host=mentor.user, status=Appointment.Status.HELD, **customers)
    return {
        "holds": holds.count(),
        "slots held": holds.values("start_at").distinct().count(),
        "holds on the 10 slots": holds.filter(start_at__in=[slot.start for slot in targets]).count(),
        "bookings": Booking.objects.filter(mentor=mentor, customer__email__startswith=f"bench-customer-{run}-").count(),
        "orders": Order.objects.filter(user__email__startswith=f"bench-customer-{run}-").count(),
    }


def answers_timings(answers: dict, kind: str, elapsed: float) -> Timings:
    return Timings(seconds=[seconds for what, seconds in answers.values() if what == kind], elapsed=elapsed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20, help="seconds per locust run (default 20)")
    parser.add_argument("--users", type=int, default=16, help="concurrent locust users (default 16)")
    parser.add_argument("--runs", type=int, default=300, help="timed calls of each slot computation (default 300)")
    parser.add_argument("--clients", type=int, default=50, help="customers racing for the 10 slots (default 50)")
    parser.add_argument("--booking-workers", type=int, default=10, help="gunicorn workers for the race (default 10)")
    parser.add_argument("--quick", action="store_true", help="5-second locust runs and 50 slot runs")
    parser.add_argument("--fresh", action="store_true", help="start from an empty database and emulator")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_BOOKINGS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innerwork_bench_bookings"
        ),
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_BOOKINGS_REDIS_URL", "redis://127.0.0.1:6379/11"),
        help="a Redis database of its own: it is emptied at the start",
    )
    args = parser.parse_args()
    if args.quick:
        args.duration, args.runs = 5, 50

    data_dir = Path(tempfile.gettempdir()) / "innerwork-bench" / (args.database_url.rsplit("/", 1)[1] + "-stripe")
    if args.fresh or not data_dir.exists():
        drop_database(args.database_url)
        shutil.rmtree(data_dir, ignore_errors=True)
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    with run_emulator(data_dir, webhook_retry_scale=1.0) as emulator:
        emulator.webhook_mode(drop=True)  # nothing is paid here; the site needs no events
        env = {
            **bench_env(args.database_url, args.redis_url),
            "STRIPE_API_HOST": emulator.url,
            "STRIPE_ALLOW_API_HOST": "true",
            "STRIPE_TEST_SECRET_KEY": DEFAULT_API_KEY,
            "STRIPE_LIVE_MODE": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        prepare_database(args.database_url, env, scale=0)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.cache import cache
        from django.utils import timezone

        cache.clear()
        run = secrets.token_hex(3)
        print(f"Seeding mentor bench-mentor-{run}: {APPOINTMENTS} appointments over 60 days ...", flush=True)
        mentor = mentor_seed(run=run, now=timezone.now())
        page = page_part(env, mentor.slug, users=args.users, duration=args.duration)
        print(f"Slot computation: {args.runs} runs each ...", flush=True)
        slots = slots_part(mentor, runs=args.runs)
        race = contention_part(env, emulator.url, mentor, run=run, clients=args.clients, workers=args.booking_workers)
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    return report(args, page, slots, race, load_before, load_after)


def report(args, page: dict, slots: dict, race: dict, load_before: list, load_after: list) -> int:
    """Print the three tables and the summary; 0 only when every part met its target, else 1."""
    floor_name, page_name = [name for name in page if name != "shown"]
    floor = page[floor_name]["rps"]
    ratio = page[page_name]["rps"] / floor if floor else 0.0
    page_ok = ratio >= PAGE_TARGET and all(page[name]["failures"] == 0 for name in (floor_name, page_name))
    print(f"\n1. Mentor page: {page['shown']} one-hour slots shown (14 days), {args.users} users, {args.duration} s")
    print()
    print("| page | requests/s | p50 ms | p95 ms | failures | ratio to floor | target |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, target in ((floor_name, None), (page_name, PAGE_TARGET)):
        r = page[name]
        share = r["rps"] / floor if floor else 0.0
        verdict = "" if target is None else f"≥ {target:.2f} " + ("met" if share >= target else "MISSED")
        figures = f"{r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['failures']}"
        print(f"| {name} | {figures} | {share:.2f} | {verdict} |")

    timings = {name: values for name, values in slots.items() if isinstance(values, list)}
    selector_p50 = percentile(next(iter(timings.values())), 0.5)
    slots_ok = selector_p50 <= TARGET_MS
    print(f"\n2. Slot computation, 60 days: {slots['slots']} free slots, {slots['busy']} busy, {args.runs} runs")
    print()
    print("| what | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for name, values in timings.items():
        print(f"| {name} | {percentile(values, 0.5):.2f} | {percentile(values, 0.95):.2f} |")

    phase, answers, outcome = race["phase"], race["answers"], race["outcome"]
    held = answers_timings(answers, "held", phase.elapsed)
    taken = answers_timings(answers, "taken", phase.elapsed)
    answered = Timings(seconds=held.seconds + taken.seconds, failures=phase.failures, elapsed=phase.elapsed)
    race_ok = all(value == SLOTS for value in outcome.values()) and len(held.seconds) == SLOTS
    race_ok &= len(taken.seconds) == args.clients - SLOTS and not phase.failures
    print(f"\n3. Contention: {args.clients} customers on {SLOTS} slots, gunicorn -w {args.booking_workers}")
    print(f"   ({phase.elapsed:.2f} s from the first POST to the last answer)")
    print()
    print("| answers | count | throughput | p50 ms | p95 ms | max ms | failures |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(held.row("held (303 to Stripe's page)", "bookings/s"))
    print(taken.row("slot taken (409, other times offered)", "answers/s"))
    print(answered.row("all answers", "answers/s"))
    print()
    print("Outcome: " + ", ".join(f"{value} {name}" for name, value in outcome.items()) + f" (expected {SLOTS} each).")
    for failure in phase.failures[:5]:
        print("  failure:", failure)

    rate = len(held.seconds) / phase.elapsed if phase.elapsed else 0.0
    print("\nSummary")
    print()
    print("| part | figure | target | verdict |")
    print("|---|---|---|---|")
    print(f"| mentor page | {ratio:.2f} of the floor | ≥ {PAGE_TARGET:.2f} | {verdict_of(page_ok)} |")
    print(f"| free slots, 60 days | selector p50 {selector_p50:.2f} ms | ≤ {TARGET_MS:g} ms | {verdict_of(slots_ok)} |")
    figure = f"{outcome['holds']} holds, {len(taken.seconds)} taken, {rate:.1f} bookings/s"
    print(f"| contention | {figure} | exactly {SLOTS} holds | {verdict_of(race_ok)} |")
    print(f"\nLoad average before {' '.join(load_before)}, after {' '.join(load_after)} ({os.cpu_count()} cores).")
    return 0 if page_ok and slots_ok and race_ok else 1


def verdict_of(ok: bool) -> str:
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
